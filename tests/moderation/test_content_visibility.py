"""What held and hidden forum content looks like, to whom.

Held content (awaiting review) is seen only by its author, marked "Awaiting review", and by moderators,
marked too; everyone else does not see it at all, in any list or feed. A hidden post shows a placeholder
to everyone but moderators, who read it marked "Hidden"; a hidden thread is a 404 for all but moderators.
"""

import pytest

from community.extensions import db
from community.forum import services as forum
from community.types import utcnow
from tests.factories import make_category, make_moderator, make_thread, make_user
from tests.moderation.content_support import REVIEW, member, text_of, watch

pytestmark = pytest.mark.usefixtures("app")

HIDDEN_PLACEHOLDER = "This post was hidden by a moderator."


@pytest.fixture
def crypto_is_reviewed():
    watch("crypto", REVIEW)


@pytest.fixture
def people():
    """The author of the content, another member, a moderator (all reading English)."""
    return {"author": member(), "reader": member(), "moderator": make_moderator(locale="en")}


def page_for(client, login, user, url):
    """The page as `user` sees it (None: a visitor)."""
    with client.session_transaction() as session:
        session.clear()
    if user is not None:
        login(user)
    return client.get(url, headers={"Accept-Language": "en"})


# Posts


def test_a_held_reply_is_seen_only_by_its_author_and_moderators_both_marked(
    client, login, people, crypto_is_reviewed
):
    thread = make_thread(author=member(), title="Patent pools", language="en")
    held = forum.reply_to_thread(people["author"], thread, "Crypto royalties explained")
    url = f"/forum/t/{thread.id}"

    for viewer in (None, people["reader"]):
        page = text_of(page_for(client, login, viewer, url))
        assert "Crypto royalties explained" not in page and "Awaiting review" not in page
    for viewer in (people["author"], people["moderator"]):
        page = text_of(page_for(client, login, viewer, url))
        assert "Crypto royalties explained" in page and "Awaiting review" in page

    assert page_for(client, login, people["reader"], f"/forum/posts/{held.id}").status_code == 404
    assert page_for(client, login, people["reader"], f"/forum/t/{thread.id}/reply?quote={held.id}").status_code == 404


def test_a_hidden_post_shows_a_placeholder_to_everyone_but_moderators(client, login, people):
    thread = make_thread(author=member(), title="Patent pools", language="en")
    post = forum.reply_to_thread(people["author"], thread, "Buy followers here")
    forum.set_post_hidden(post, True)
    db.session.commit()
    url = f"/forum/t/{thread.id}"

    for viewer in (None, people["reader"], people["author"]):
        page = text_of(page_for(client, login, viewer, url))
        assert HIDDEN_PLACEHOLDER in page and "Buy followers here" not in page
    page = text_of(page_for(client, login, people["moderator"], url))
    assert "Buy followers here" in page and ">Hidden</span>" in page and HIDDEN_PLACEHOLDER not in page


def test_nobody_but_moderators_reads_a_hidden_post_another_way(client, login, people):
    thread = make_thread(author=member(), language="en")
    post = forum.reply_to_thread(people["author"], thread, "Buy followers here")
    forum.edit_post(people["author"], post, "Buy followers here, now")
    forum.set_post_hidden(post, True)
    db.session.commit()

    assert page_for(client, login, people["reader"], f"/forum/posts/{post.id}/history").status_code == 404
    assert page_for(client, login, people["reader"], f"/forum/t/{thread.id}/reply?quote={post.id}").status_code == 404
    # The author cannot change what moderators hid: a restore brings it back exactly as it was.
    assert page_for(client, login, people["author"], f"/forum/posts/{post.id}/edit").status_code == 403
    assert page_for(client, login, people["moderator"], f"/forum/posts/{post.id}/history").status_code == 200


def test_restoring_a_hidden_post_brings_it_back_exactly(client, login, people):
    thread = make_thread(author=member(), language="en")
    post = forum.reply_to_thread(people["author"], thread, "A **useful** answer")
    body_html = post.body_html
    forum.set_post_hidden(post, True)
    db.session.commit()
    forum.set_post_hidden(post, False)
    db.session.commit()

    page = text_of(page_for(client, login, people["reader"], f"/forum/t/{thread.id}"))
    assert body_html in page and HIDDEN_PLACEHOLDER not in page


def test_a_post_edited_by_a_moderator_says_so_next_to_its_date(client, login, people):
    thread = make_thread(author=member(), language="en")
    post = forum.reply_to_thread(people["author"], thread, "Call me at 555-0100")
    post.body, post.edited_at = "Call me (number removed)", utcnow()
    post.moderator_edited_at = post.edited_at
    db.session.commit()

    page = text_of(page_for(client, login, people["reader"], f"/forum/t/{thread.id}"))
    assert "Edited by a moderator" in page


# Threads


@pytest.fixture
def threads(people, crypto_is_reviewed):
    """A published thread, one awaiting review (by the author) and a hidden one, all tagged #licensing."""
    category = make_category(slug="transfer")
    published = forum.start_thread(member(), category, "Open licensing question", "Body", "en", "licensing")
    held = forum.start_thread(people["author"], category, "Crypto licensing", "Body", "en", "licensing")
    hidden = forum.start_thread(member(), category, "Spam licensing", "Body", "en", "licensing")
    forum.set_thread_hidden(hidden, True)
    db.session.commit()
    assert held.awaiting_review and not published.awaiting_review
    return {"published": published, "held": held, "hidden": hidden}


LISTS = ["/forum/c/transfer", "/forum/latest", "/forum/c/transfer?tag=licensing", "/forum/latest?tag=licensing", "/"]


@pytest.mark.parametrize("url", LISTS)
def test_held_and_hidden_threads_are_left_out_of_members_lists(client, login, people, threads, url):
    page = text_of(page_for(client, login, people["reader"], url))
    assert "Open licensing question" in page
    assert "Crypto licensing" not in page and "Spam licensing" not in page


@pytest.mark.parametrize("url", ["/forum/feed.atom", "/forum/c/transfer/feed.atom"])
def test_held_and_hidden_threads_are_left_out_of_the_feeds(client, login, people, threads, url):
    feed = text_of(page_for(client, login, people["moderator"], url))
    assert "Open licensing question" in feed
    assert "Crypto licensing" not in feed and "Spam licensing" not in feed


@pytest.mark.parametrize("url", LISTS)
def test_moderators_see_them_in_the_lists_marked(client, login, people, threads, url):
    page = text_of(page_for(client, login, people["moderator"], url))
    assert "Crypto licensing" in page and "Spam licensing" in page
    assert "Awaiting review" in page and ">Hidden</span>" in page


def test_the_author_finds_their_held_thread_marked_in_the_category(client, login, people, threads):
    page = text_of(page_for(client, login, people["author"], "/forum/c/transfer"))
    assert "Crypto licensing" in page and "Awaiting review" in page and "Spam licensing" not in page


def test_a_held_or_hidden_thread_is_a_404_for_others(client, login, people, threads):
    held, hidden = threads["held"], threads["hidden"]
    for viewer in (None, people["reader"]):
        for thread in (held, hidden):
            assert page_for(client, login, viewer, f"/forum/t/{thread.id}").status_code == 404
    assert page_for(client, login, people["reader"], f"/forum/t/{held.id}/reply").status_code == 404
    assert page_for(client, login, people["reader"], f"/forum/t/{held.id}/unread").status_code == 404
    assert page_for(client, login, people["author"], f"/forum/t/{held.id}").status_code == 200
    for thread, mark in ((held, "Awaiting review"), (hidden, ">Hidden</span>")):
        response = page_for(client, login, people["moderator"], f"/forum/t/{thread.id}")
        assert response.status_code == 200 and mark in text_of(response)


def test_nobody_replies_to_a_held_or_hidden_thread(people, threads):
    from community.errors import ActionRefused

    for thread in (threads["held"], threads["hidden"]):
        assert not forum.can_reply(people["moderator"], thread)
        with pytest.raises(ActionRefused):
            forum.reply_to_thread(people["moderator"], thread, "A reply")


# Cost


def test_the_thread_page_costs_the_same_with_held_and_hidden_posts(client, login, count_queries, crypto_is_reviewed):
    plain, moderated = make_thread(replies=6), make_thread(replies=2)
    forum.set_post_hidden(forum.reply_to_thread(member(), moderated, "Hidden later"), True)
    db.session.commit()
    forum.reply_to_thread(member(), moderated, "Crypto, held")
    forum.reply_to_thread(member(), moderated, "Plain again")
    plain_url, moderated_url = f"/forum/t/{plain.id}", f"/forum/t/{moderated.id}"
    for viewer in (make_user(), make_moderator()):
        login(viewer)
        # The first request of a session records the member's activity; a first reading, the read marker.
        client.get(plain_url)
        client.get(moderated_url)
        with count_queries() as without:
            assert client.get(plain_url).status_code == 200
        with count_queries() as with_moderated:
            assert client.get(moderated_url).status_code == 200
        assert with_moderated.count == without.count, "\n".join(with_moderated.statements)


@pytest.mark.parametrize("size", [3, 30])
def test_a_category_page_costs_the_same_whatever_the_held_and_hidden_threads(
    client, login, count_queries, crypto_is_reviewed, size
):
    category = make_category(slug="busy")
    reader = login(make_user())
    for number in range(size):
        forum.start_thread(member(), category, f"Thread {number}", "Body", "en")
        forum.start_thread(member(), category, f"Crypto {number}", "Body", "en")
    client.get("/forum/c/busy")
    with count_queries() as queries:
        page = text_of(client.get("/forum/c/busy"))
    assert "Crypto" not in page
    # The same as without any moderation: the list, its count, the tags, the member's reads.
    assert queries.count == _category_page_queries(client, reader, count_queries)


def _category_page_queries(client, reader, count_queries) -> int:
    """The queries of a category page with nothing held or hidden in it."""
    category = make_category(slug="quiet")
    for number in range(3):
        forum.start_thread(member(), category, f"Quiet {number}", "Body", "en")
    client.get("/forum/c/quiet")
    with count_queries() as queries:
        client.get("/forum/c/quiet")
    return queries.count
