"""Screening new content: watched words block or hold it, many links from a newcomer hold it.

Blocked text is refused with a translated reason (422, nothing saved); held text is saved awaiting review
and put in the moderators' queue with the signal that held it, and nobody is notified yet.
"""

import pytest

from community.errors import ActionRefused
from community.events import services as events
from community.events.models import Event, RSVPStatus
from community.extensions import db
from community.forum import services as forum
from community.forum.models import Post, Thread
from community.moderation.models import ContentKind, ModerationCase, Signal
from community.moderation.screening import count_links, forget_watched_words, normalize
from community.notifications.models import NotificationKind
from community.screening import Verdict, screen
from tests.factories import make_category, make_moderator, make_thread
from tests.moderation.content_support import (
    BLOCK,
    REVIEW,
    count,
    event_data,
    event_form,
    member,
    newcomer,
    notified,
    open_case,
    text_of,
    watch,
)

pytestmark = pytest.mark.usefixtures("app")


# Watched words that block


def test_a_blocked_word_refuses_a_new_thread_with_422_and_saves_nothing(client, login):
    watch("casino", BLOCK)
    category = make_category()
    login(member())

    response = client.post(
        f"/forum/c/{category.slug}/new",
        data={"title": "Best online Casino", "body": "Come and play", "language": "en", "tags": ""},
    )

    assert response.status_code == 422
    assert "Your text contains “casino”, which is not allowed here." in text_of(response)
    assert count(Thread) == 0 and count(Post) == 0 and count(ModerationCase) == 0


def test_a_blocked_word_refuses_a_reply_and_an_edit_and_the_post_keeps_its_text(client, login):
    watch("casino", BLOCK)
    author = login(member())
    thread = make_thread(author=author, title="Patent pools", body="Who runs one?", language="en")

    reply = client.post(f"/forum/t/{thread.id}/reply", data={"body": "Try my casino"})
    edit = client.post(f"/forum/posts/{thread.first_post.id}/edit", data={"body": "Who runs a CASINO?"})

    assert reply.status_code == 422 and edit.status_code == 422
    assert "Your text contains “casino”, which is not allowed here." in text_of(edit)
    db.session.expire_all()
    assert count(Post) == 1 and thread.first_post.body == "Who runs one?"


def test_a_blocked_word_refuses_an_event_with_422_and_saves_nothing(client, login):
    watch("casino", BLOCK)
    login(member())

    response = client.post("/events/new", data=event_form(description="Evening at the casino"))

    assert response.status_code == 422
    assert "Your text contains “casino”, which is not allowed here." in text_of(response)
    assert count(Event) == 0


def test_moderators_are_blocked_like_anyone(app):
    watch("casino", BLOCK)
    with pytest.raises(ActionRefused):
        make_thread(author=make_moderator(), title="Casino night", language="en")


# Watched words that send to review


def test_a_review_word_holds_the_reply_and_opens_a_case_with_its_signal():
    watch("crypto", REVIEW)
    thread = make_thread(author=member(), language="en")
    watcher = member()
    forum.watch_thread(watcher, thread)
    author = member(country="PE")

    post = forum.reply_to_thread(author, thread, "Invest in Crypto today")

    assert post.awaiting_review and not thread.awaiting_review
    case = open_case(ContentKind.POST, post.id)
    assert case.awaiting_review and case.signal is Signal.WATCHED_WORD and case.signal_detail == "crypto"
    assert (case.author_id, case.country, case.category_id) == (author.id, "PE", thread.category_id)
    assert notified(watcher) == []  # told when a moderator publishes it


def test_a_review_word_holds_a_new_thread_with_its_opening_post():
    watch("crypto", REVIEW)
    category = make_category()
    watcher = member()
    forum.watch_category(watcher, category)

    thread = forum.start_thread(member(), category, "Crypto licensing", "Royalties in tokens?", "en")

    assert thread.awaiting_review and thread.first_post.awaiting_review
    case = open_case(ContentKind.THREAD, thread.id)
    assert case.signal is Signal.WATCHED_WORD and case.category_id == category.id
    assert open_case(ContentKind.POST, thread.first_post.id) is None  # the opening post is the thread
    assert notified(watcher) == []


def test_an_edit_that_adds_a_review_word_holds_the_post_again_and_the_new_mention_waits():
    watch("crypto", REVIEW)
    thread = make_thread(author=member(), language="en")
    author = member()
    mentioned = member(display_name="Lucía Pérez Soto")
    post = forum.reply_to_thread(author, thread, "Royalties are fine")

    forum.edit_post(author, post, "Ask @lucia.perez about crypto")

    assert post.awaiting_review and open_case(ContentKind.POST, post.id).signal is Signal.WATCHED_WORD
    assert notified(mentioned) == []


def test_editing_the_opening_post_into_review_holds_the_whole_thread():
    watch("crypto", REVIEW)
    author = member()
    thread = make_thread(author=author, title="Token licences", body="Plain text", language="en")

    forum.edit_post(author, thread.first_post, "Now with crypto")

    assert thread.awaiting_review and thread.first_post.awaiting_review
    assert open_case(ContentKind.THREAD, thread.id).awaiting_review


def test_block_words_win_over_review_words():
    watch("crypto", REVIEW)
    watch("casino", BLOCK)
    with pytest.raises(ActionRefused) as refusal:
        make_thread(author=member(), title="Crypto casino", body="Both", language="en")
    assert "casino" in str(refusal.value.reason)
    assert count(Thread) == 0


def test_moderators_are_never_held_by_a_review_word():
    watch("crypto", REVIEW)
    thread = make_thread(author=make_moderator(), title="About crypto spam", language="en")
    assert not thread.awaiting_review and count(ModerationCase) == 0


# How words match


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("casino", "CASINO tonight"),
        ("fármaco", "Vendo FARMACO barato"),
        ("farmaco", "Vendo fármaco barato"),
        ("compre ya", "¡Compre   YA! Oferta"),
        ("viagra", "(viagra)"),
    ],
)
def test_words_match_whatever_their_case_accents_and_spacing(word, text):
    watch(word, BLOCK, language="es")
    assert screen(member(), text, kind="post", language="es").verdict is Verdict.BLOCK


@pytest.mark.parametrize("text", ["casinos", "minicasino", "el casino_royal", "c a s i n o"])
def test_only_whole_words_match(text):
    watch("casino", BLOCK, language="es")
    assert screen(member(), text, kind="post", language="es").verdict is Verdict.PUBLISH


def test_words_apply_to_content_of_their_language_and_all_of_them_when_it_is_unknown():
    watch("golpe", BLOCK, language="pt")
    author = member()
    assert screen(author, "un golpe de suerte", kind="post", language="es").verdict is Verdict.PUBLISH
    assert screen(author, "um golpe de sorte", kind="post", language="pt").verdict is Verdict.BLOCK
    assert screen(author, "golpe", kind="post", language=None).verdict is Verdict.BLOCK


def test_a_thread_is_screened_in_its_language():
    watch("golpe", BLOCK, language="pt")
    category, author = make_category(), member()
    forum.start_thread(author, category, "Un golpe de suerte", "Cuerpo", "es")
    with pytest.raises(ActionRefused):
        forum.start_thread(author, category, "Um golpe de sorte", "Corpo", "pt")


def test_the_word_list_is_read_once_per_request(count_queries):
    watch("casino", BLOCK)
    author = member()
    with count_queries() as queries:
        for text in ("one text", "another text", "a third one"):
            screen(author, text, kind="post", language="en")
    assert len([s for s in queries.statements if "watched_words" in s]) == 1
    watch("poker", BLOCK)
    forget_watched_words()  # a new list is read after admins change it
    assert screen(author, "poker", kind="post", language="en").verdict is Verdict.BLOCK


def test_normalize_folds_case_accents_and_spaces():
    assert normalize("  Fármaco\tGRATIS  ção ") == "farmaco gratis cao"


# Links from newcomers


def test_count_links_counts_addresses_and_markdown_links_once_each():
    text = "See https://a.example/x, [docs](https://b.example) and [local](/forum) or http://c.example."
    assert count_links(text) == 4
    assert count_links("no links, just example.org") == 0


def test_a_newcomers_text_with_many_links_waits_for_review():
    thread = make_thread(author=member(), language="en")
    body = "Cheap: https://a.example https://b.example [here](https://c.example)"

    post = forum.reply_to_thread(newcomer(), thread, body)

    assert post.awaiting_review
    case = open_case(ContentKind.POST, post.id)
    assert case.signal is Signal.LINKS and case.signal_detail == "3"


@pytest.mark.parametrize(
    ("author_factory", "links"),
    [(newcomer, 2), (member, 5)],
    ids=["a newcomer with fewer links", "a member of long standing"],
)
def test_fewer_links_or_an_older_member_publish_directly(author_factory, links):
    thread = make_thread(author=member(), language="en")
    body = " ".join(f"https://site{number}.example" for number in range(links))
    assert not forum.reply_to_thread(author_factory(), thread, body).awaiting_review


def test_the_links_rule_follows_the_settings(app):
    app.config.update(MODERATION_LINKS_THRESHOLD=1, MODERATION_NEW_MEMBER_DAYS=1000)
    thread = make_thread(author=member(), language="en")
    assert forum.reply_to_thread(member(), thread, "One link: https://a.example").awaiting_review
    app.config.update(MODERATION_LINKS_THRESHOLD=0)  # 0: the rule is off
    assert not forum.reply_to_thread(newcomer(), thread, "https://a.example https://b.example").awaiting_review


def test_moderators_are_never_held_for_links():
    thread = make_thread(author=member(), language="en")
    body = "https://a.example https://b.example https://c.example"
    assert not forum.reply_to_thread(make_moderator(), thread, body).awaiting_review


# Events


def test_a_held_event_waits_with_its_case_and_opens_no_discussion_thread_yet():
    forum.ensure_default_categories()
    watch("crypto", REVIEW)
    organizer = member(country="MX")

    event = events.create_event(organizer, event_data(description="A crypto licensing workshop", country="PE"))

    assert event.awaiting_review and event.thread_id is None
    case = open_case(ContentKind.EVENT, event.id)
    assert case.signal is Signal.WATCHED_WORD and case.author_id == organizer.id
    assert case.country == "PE"  # the event's country, for coordinators
    assert count(Thread) == 0


def test_an_edit_that_adds_a_review_word_holds_the_event_and_tells_nobody_of_the_change():
    watch("crypto", REVIEW)
    organizer, going = member(), member()
    event = events.create_event(organizer, event_data())
    events.rsvp_to_event(going, event, RSVPStatus.GOING)

    events.update_event(organizer, event, event_data(description="Now about crypto", city="Cusco"))

    assert event.awaiting_review and open_case(ContentKind.EVENT, event.id) is not None
    assert notified(going, NotificationKind.EVENT_CHANGED) == []


def test_an_event_edit_that_leaves_the_text_alone_is_not_screened_again():
    organizer = member()
    event = events.create_event(organizer, event_data(description="About crypto"))
    watch("crypto", REVIEW)
    forget_watched_words()

    events.update_event(organizer, event, event_data(description="About crypto", city="Cusco"))

    assert not event.awaiting_review and count(ModerationCase) == 0


def test_events_are_not_held_by_the_first_posts_rule(app):
    app.config.update(MODERATION_FIRST_POSTS_REVIEW=2)
    event = events.create_event(member(), event_data())
    assert not event.awaiting_review

