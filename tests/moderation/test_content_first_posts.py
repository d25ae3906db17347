"""A new member's first posts wait for a moderator: until two of their posts are published, each new one
is held (the author sees it marked), then they post directly. Moderators and admins are never held."""

import pytest

from community.extensions import db
from community.forum import services as forum
from community.moderation.models import ContentKind, Signal
from community.moderation.screening import count_published_posts
from tests.factories import make_admin, make_category, make_moderator, make_thread
from tests.moderation.content_support import member, open_case, text_of

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def app_config():
    return {"MODERATION_FIRST_POSTS_REVIEW": 2}


@pytest.fixture
def thread():
    """A published thread to reply in (started by a moderator, who is never held)."""
    return make_thread(author=make_moderator(), title="Licensing a patent", language="en")


def test_a_new_members_posts_are_held_until_two_are_published_then_they_post_directly(thread):
    newcomer = member()
    first = forum.start_thread(newcomer, thread.category, "My first thread", "Hello everyone", "en")
    second = forum.reply_to_thread(newcomer, thread, "My first reply")
    assert first.awaiting_review and first.first_post.awaiting_review and second.awaiting_review
    assert open_case(ContentKind.THREAD, first.id).signal is Signal.FIRST_POSTS
    assert open_case(ContentKind.POST, second.id).signal is Signal.FIRST_POSTS

    forum.publish_post(first.first_post)
    db.session.commit()
    still_one = forum.reply_to_thread(newcomer, thread, "Still waiting: only one post is published")
    assert still_one.awaiting_review

    forum.publish_post(second)
    db.session.commit()
    third = forum.reply_to_thread(newcomer, thread, "Now I post directly")
    assert not third.awaiting_review and open_case(ContentKind.POST, third.id) is None


def test_hidden_and_deleted_posts_do_not_count_as_published(thread):
    author = make_moderator()  # writes without being held; the count is what matters here
    posts = [forum.reply_to_thread(author, thread, f"Reply {number}") for number in range(3)]
    assert count_published_posts(author, 2) == 2  # counted up to the limit only
    forum.set_post_hidden(posts[0], True)
    forum.delete_post(author, posts[1])
    assert count_published_posts(author, 5) == 1


@pytest.mark.parametrize("make_staff", [make_moderator, make_admin], ids=["moderator", "admin"])
def test_moderators_and_admins_are_never_held(thread, make_staff):
    staff = make_staff()
    assert not forum.reply_to_thread(staff, thread, "First words as staff").awaiting_review
    assert not forum.start_thread(staff, make_category(), "Staff thread", "Body", "en").awaiting_review


def test_the_author_is_told_that_the_post_waits_and_sees_it_marked(client, login, thread):
    login(member())

    response = client.post(f"/forum/t/{thread.id}/reply", data={"body": "A first reply"}, follow_redirects=True)

    page = text_of(response)
    assert "Your post will appear once a moderator has reviewed it." in page
    assert "A first reply" in page and "Awaiting review" in page


def test_a_held_thread_tells_its_author_and_opens_on_its_page(client, login):
    category = make_category()
    login(member())

    response = client.post(
        f"/forum/c/{category.slug}/new",
        data={"title": "Hello from Lima", "body": "First thread", "language": "en", "tags": ""},
        follow_redirects=True,
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "Your post will appear once a moderator has reviewed it." in page and "Awaiting review" in page
    assert "Replies are closed while moderators review this thread." in page


def test_the_rule_costs_one_query(count_queries, thread):
    from community.screening import screen

    author = member()
    screen(author, "warm-up", kind="post", language="en")  # the watched words, read once per request
    with count_queries() as queries:
        screen(author, "Hello", kind="post", language="en")
    assert queries.count == 1, queries.statements


def test_demo_content_is_published_though_its_members_are_new(app):
    from sqlalchemy import or_, select

    from community.forum.models import Post, Thread
    from community.moderation.models import ModerationCase
    from community.seed.demo import load_demo
    from tests.moderation.content_support import count

    load_demo()

    assert count(Thread) > 0 and count(Post) > count(Thread)
    held = select(Post.id).where(or_(Post.awaiting_review.is_(True), Post.is_hidden.is_(True)))
    assert db.session.scalars(held).all() == []
    assert db.session.scalars(select(Thread.id).where(Thread.awaiting_review.is_(True))).all() == []
    assert count(ModerationCase) == 0
