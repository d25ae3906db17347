"""What members may do with posts moderators hid or still review, and what the feeds carry of them."""

import pytest

from community.extensions import db
from community.forum import services
from tests.factories import make_moderator, make_thread, make_user

pytestmark = pytest.mark.usefixtures("app")


def test_a_hidden_post_cannot_be_edited_deleted_or_marked_helpful_by_members():
    thread = make_thread()
    author, reader = make_user(), make_user()
    post = services.reply_to_thread(author, thread, "Some text")
    services.set_post_hidden(post, True)
    db.session.commit()
    assert not services.can_edit_post(author, post)
    assert not services.can_delete_post(author, post)
    assert not services.can_mark_helpful(reader, post)
    assert not services.can_read_post(reader, post) and not services.can_read_post(author, post)
    assert services.can_read_post(make_moderator(), post)


def test_a_post_awaiting_review_is_read_by_its_author_and_moderators_and_nobody_marks_it_helpful():
    thread = make_thread()
    author, reader = make_user(), make_user()
    post = services.reply_to_thread(author, thread, "Some text")
    post.awaiting_review = True
    db.session.commit()
    assert services.can_see_post(author, post) and services.can_see_post(make_moderator(), post)
    assert not services.can_see_post(reader, post)
    assert services.can_edit_post(author, post)  # the author may still fix it while it waits
    assert not services.can_mark_helpful(reader, post)


def test_the_feed_leaves_out_the_text_of_a_hidden_opening_post(client):
    thread = make_thread(title="Listed thread", body="Text moderators hid")
    services.set_post_hidden(thread.first_post, True)
    db.session.commit()
    feed = client.get("/forum/feed.atom").get_data(as_text=True)
    assert "Listed thread" in feed and "Text moderators hid" not in feed
