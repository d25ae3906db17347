"""In-site notifications: stored in one statement for many members, counted on the bell, marked read."""

import pytest
from sqlalchemy import select

from community.extensions import db
from community.notifications import services
from community.notifications.models import Notification, NotificationKind
from tests.factories import make_thread, make_user


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def notify(users, actor=None, target_id=1, text="PCT in Brazil"):
    count = services.notify(
        users, NotificationKind.NEW_REPLY, target_type="forum_post", target_id=target_id, text=text, actor=actor
    )
    db.session.commit()
    return count


def test_many_members_are_notified_in_one_statement_and_never_the_actor(count_queries):
    members = [make_user() for _ in range(30)]
    actor = members[0]
    with count_queries() as queries:
        assert notify(members, actor=actor) == 29
    inserts = [s for s in queries.statements if s.startswith("INSERT")]
    assert len(inserts) == 1
    assert services.count_unread(actor) == 0 and services.count_unread(members[1]) == 1


def test_the_bell_shows_the_unread_count_with_one_query(client, login, count_queries):
    member = login(make_user(locale="en"))
    client.get("/account")  # the first request of a session records the member's activity
    with count_queries() as none_yet:
        page = client.get("/account").get_data(as_text=True)
    assert '<span class="visually-hidden">Notifications</span>' in page
    notify([member] * 3, target_id=1)
    notify([member], target_id=2)
    with count_queries() as some:
        page = client.get("/account").get_data(as_text=True)
    assert "Notifications: 2 unread" in page
    assert some.count == none_yet.count
    assert sum("count(notifications.id)" in s for s in some.statements) == 1


def test_the_member_and_their_bell_are_read_in_one_statement(client, login, count_queries):
    login(make_user(locale="en"))
    client.get("/account")
    with count_queries() as queries:
        client.get("/account")
    [bell] = [statement for statement in queries.statements if "count(notifications.id)" in statement]
    assert "users.session_token" in bell  # the statement that loads the member for the request
    # SQLite plans a statement again on every run when a partial index's condition (open cases) depends on
    # a bound value; written in, the navigation's statement keeps its plan.
    assert "moderation_cases.status = 'open'" in bell


def test_visitors_have_no_bell_and_no_notifications_page(client):
    assert "notification-bell" not in client.get("/").get_data(as_text=True)
    assert client.get("/notifications").status_code == 302


def test_opening_a_notification_marks_it_read_and_leads_to_its_post(client, login):
    thread = make_thread()
    member = login(make_user(locale="en"))
    notify([member], actor=thread.author, target_id=thread.first_post.id)
    notification = db.session.scalar(select(Notification))
    response = client.post(f"/notifications/{notification.id}/open")
    assert response.headers["Location"] == f"/forum/posts/{thread.first_post.id}"
    db.session.refresh(notification)
    assert notification.is_read


def test_members_mark_one_or_all_notifications_read(client, login):
    member = login(make_user(locale="en"))
    notify([member], target_id=1)
    notify([member], target_id=2)
    first = db.session.scalar(select(Notification).order_by(Notification.id))
    client.post(f"/notifications/{first.id}/read", data={"next": "/notifications"})
    assert services.count_unread(member) == 1
    response = client.post("/notifications/read-all", follow_redirects=True)
    assert "All your notifications are marked as read." in response.get_data(as_text=True)
    assert services.count_unread(member) == 0


def test_someone_elses_notification_is_not_found(client, login):
    owner = make_user()
    notify([owner])
    notification = db.session.scalar(select(Notification))
    login(make_user())
    assert client.post(f"/notifications/{notification.id}/read").status_code == 404
    assert client.post(f"/notifications/{notification.id}/open").status_code == 404
    db.session.refresh(notification)
    assert not notification.is_read


def test_the_notifications_page_is_paginated_in_constant_queries(client, login, count_queries):
    member = login(make_user(locale="en"))
    actors = [make_user(display_name=f"Actor {n}") for n in range(3)]
    for actor in actors:
        notify([member], actor=actor)
    client.get("/notifications")
    with count_queries() as small:
        page = client.get("/notifications").get_data(as_text=True)
    assert "Actor 2 replied in “PCT in Brazil”" in page
    for number in range(40):
        notify([member], actor=make_user(display_name=f"Other {number}"), target_id=number)
    with count_queries() as large:
        page = client.get("/notifications").get_data(as_text=True)
    for number in range(40):
        notify([member], actor=make_user(display_name=f"More {number}"), target_id=number)
    with count_queries() as larger:
        client.get("/notifications")
    # A full page counts the list (a page with room to spare is the last): one query more, however many.
    assert large.count == larger.count == small.count + 1
    assert 'href="/notifications?page=2"' in page
    assert client.get("/notifications?page=9").status_code == 404


def test_marking_read_needs_a_post_with_the_csrf_token(app, client, login):
    member = login(make_user())
    notify([member])
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/notifications/read-all").status_code == 400
    assert client.get("/notifications/read-all").status_code == 405
    assert services.count_unread(member) == 1
