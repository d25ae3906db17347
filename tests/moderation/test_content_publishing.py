"""Publishing held content: it appears where it belongs and the notifications held back go out, once."""

import pytest

from community.events import services as events
from community.extensions import db
from community.forum import services as forum
from community.forum.models import Thread
from community.notifications.models import NotificationKind
from tests.factories import make_category, make_moderator, make_thread
from tests.moderation.content_support import REVIEW, event_data, member, notified, text_of, watch

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture(autouse=True)
def crypto_is_reviewed(app):
    watch("crypto", REVIEW)


def publish(post):
    forum.publish_post(post)
    db.session.commit()


def test_publishing_a_held_reply_tells_the_watchers_and_the_mentioned_once():
    thread = make_thread(author=member(), title="Token royalties", language="en")
    watcher, mentioned = member(), member(display_name="Lucía Pérez Soto")
    forum.watch_thread(watcher, thread)
    author = member()
    post = forum.reply_to_thread(author, thread, "Crypto question for @lucia.perez")
    assert notified(watcher) == [] and notified(mentioned) == [] and notified(thread.author) == []

    publish(post)
    publish(post)  # approving twice sends nothing more

    assert not post.awaiting_review
    [reply_notice] = notified(watcher)
    assert reply_notice.kind is NotificationKind.NEW_REPLY and reply_notice.target_id == post.id
    assert reply_notice.actor_id == author.id
    assert [n.kind for n in notified(mentioned)] == [NotificationKind.MENTION]
    assert [n.kind for n in notified(thread.author)] == [NotificationKind.NEW_REPLY]  # thread starters watch it


def test_a_published_reply_becomes_the_threads_latest_activity():
    thread = make_thread(author=member(), language="en")
    author = member()
    post = forum.reply_to_thread(author, thread, "Crypto answer")
    db.session.refresh(thread)
    assert thread.last_poster_id == thread.author_id  # a held reply is not yet anyone's activity

    publish(post)

    db.session.refresh(thread)
    assert (thread.last_poster_id, thread.last_post_id) == (author.id, post.id)


def test_publishing_a_held_thread_tells_the_category_watchers_and_lists_it(client, login):
    category = make_category(slug="transfer")
    watcher = member()
    forum.watch_category(watcher, category)
    thread = forum.start_thread(member(), category, "Crypto licensing", "Body", "en")
    login(member())
    assert "Crypto licensing" not in text_of(client.get("/forum/c/transfer"))

    publish(thread.first_post)

    db.session.refresh(thread)
    assert not thread.awaiting_review and not thread.first_post.awaiting_review
    assert [n.kind for n in notified(watcher)] == [NotificationKind.NEW_THREAD]
    assert "Crypto licensing" in text_of(client.get("/forum/c/transfer"))
    assert client.get(f"/forum/t/{thread.id}").status_code == 200


def test_an_edit_held_again_tells_only_the_members_it_newly_mentions_when_published():
    thread = make_thread(author=member(), language="en")
    author = member()
    first, second = member(display_name="Ana Gómez Ruiz"), member(display_name="Beto Díaz Paz")
    watcher = member()
    forum.watch_thread(watcher, thread)
    post = forum.reply_to_thread(author, thread, "Ask @ana.gomez")
    assert len(notified(first)) == 1 and len(notified(watcher)) == 1

    forum.edit_post(author, post, "Ask @ana.gomez and @beto.diaz about crypto")
    assert post.awaiting_review and notified(second) == []
    publish(post)

    assert len(notified(first)) == 1 and len(notified(watcher)) == 1
    assert [n.kind for n in notified(second)] == [NotificationKind.MENTION]


def test_a_post_that_is_not_held_is_left_alone():
    thread = make_thread(author=member(), language="en")
    watcher = member()
    forum.watch_thread(watcher, thread)
    post = forum.reply_to_thread(member(), thread, "Plain reply")
    publish(post)
    assert len(notified(watcher)) == 1


def test_publishing_a_held_event_lists_it_and_opens_its_discussion_thread(client, login):
    forum.ensure_default_categories()
    event = events.create_event(member(country="PE"), event_data(title="Crypto and patents"))
    assert event.awaiting_review and db.session.query(Thread).count() == 0

    events.publish_event(event)
    db.session.commit()

    assert not event.awaiting_review and event.thread_id is not None
    thread = db.session.get(Thread, event.thread_id)
    assert thread.title == "Crypto and patents" and not thread.awaiting_review  # the site's text: not screened
    login(member())
    assert "Crypto and patents" in text_of(client.get("/events/"))
    assert client.get(f"/events/{event.id}").status_code == 200


def test_a_held_thread_is_found_by_moderators_only_until_it_is_published():
    from tests.search.helpers import titles

    thread = forum.start_thread(member(), make_category(), "Crypto patents", "Licensing tokens", "en")
    reader, moderator = member(), make_moderator()
    assert titles("patents", reader) == [] and titles("patents", moderator) == ["Crypto patents"]

    publish(thread.first_post)

    assert titles("patents", reader) == ["Crypto patents"]
