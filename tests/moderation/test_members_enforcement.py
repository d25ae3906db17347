"""Silenced and suspended members are stopped everywhere they could write, route by route and service by service.

A silenced member reads, answers events, deletes their own posts and keeps their settings, but writes nothing
others read: every such route answers 403 with "Your account is read-only until <date>." and saves nothing.
A suspended member cannot log in (the form says why and until when) and an open session of theirs ends.
Pages are asked for in English.
"""

import io
from datetime import timedelta

import pytest
from flask_babel import force_locale
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from community.accounts import models as account_models
from community.accounts import services as accounts
from community.accounts.models import User
from community.errors import Silenced
from community.events import services as events
from community.events.models import Event, EventRSVP, RSVPStatus
from community.extensions import db
from community.forum import services as forum
from community.forum.models import Post
from community.messages import services as messages
from community.moderation import members
from community.profiles import services as profiles
from community.profiles.models import Profile
from community.types import utcnow
from tests.factories import PASSWORD, make_category, make_event, make_moderator, make_profile, make_user

READ_ONLY = "Your account is read-only until"


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def page_text(response) -> str:
    return response.get_data(as_text=True)


def old_member(**overrides) -> User:
    """A member who joined long ago (no new-member limits or first-post review), reading English."""
    overrides.setdefault("created_at", utcnow() - timedelta(days=365))
    overrides.setdefault("locale", "en")
    return make_user(**overrides)


def image_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(output, format="PNG")
    return output.getvalue()


def travel(monkeypatch, days: float) -> None:
    """Read every end date as if `days` had passed."""
    later = utcnow() + timedelta(days=days)
    for module in (account_models, accounts, members):
        monkeypatch.setattr(module, "utcnow", lambda: later)


class World:
    """Everything a member may write to: their thread and post, a conversation, events they organize, a profile."""

    def __init__(self):
        self.category = make_category(slug="patents", name_en="Patents")
        self.member = old_member(display_name="Silvia Read", timezone="America/Lima")
        self.other = old_member(display_name="Otto Other")
        self.thread = forum.start_thread(self.member, self.category, "Licensing a patent", "Royalty rates?", "en")
        self.post = self.thread.first_post
        self.conversation = messages.start_conversation(self.member, [self.other], "Hello", "First message")
        self.event = make_event(organizer=self.member)
        self.past_event = make_event(organizer=self.member, starts_in=timedelta(days=-3))
        db.session.add(EventRSVP(event_id=self.event.id, user_id=self.other.id, status=RSVPStatus.GOING))
        db.session.commit()
        profiles.set_avatar(self.member, image_bytes())
        make_profile(self.member, headline="Licensing officer")
        self.until = utcnow() + timedelta(days=7)
        members.silence_member(make_moderator(), self.member, self.until, "Advertising")
        self.member = db.session.get(User, self.member.id)

    def message(self) -> str:
        return f"{READ_ONLY} {accounts.format_until(self.until, 'America/Lima', 'en')}."

    def snapshot(self) -> dict:
        """The number of rows in every table, and what the member could have changed in place."""
        db.session.expire_all()
        counts = {table.name: db.session.scalar(select(func.count()).select_from(table))
                  for table in db.metadata.sorted_tables}  # fmt: skip
        post, event, past = (db.session.get(Post, self.post.id), db.session.get(Event, self.event.id),
                             db.session.get(Event, self.past_event.id))  # fmt: skip
        member = db.session.get(User, self.member.id)
        profile = db.session.scalar(select(Profile).where(Profile.user_id == member.id))
        return {
            **counts,
            "post": (post.body, post.edited_at),
            "event": (event.title, event.description, event.starts_at, event.status, event.sequence),
            "minutes": past.minutes,
            "co_organizers": [user.id for user in event.co_organizers],
            "profile": (member.display_name, member.country, profile.headline, profile.avatar_key),
        }


@pytest.fixture
def world(app) -> World:
    return World()


def event_form(**overrides) -> dict:
    day = (utcnow() + timedelta(days=10)).date()
    return {
        "title": "Reunión de seguimiento en Lima", "kind": "meeting", "language": "es", "description": "Agenda.",
        "timezone": "America/Lima", "starts_at": f"{day}T10:00", "ends_at": f"{day}T12:00", "format": "in_person",
        "venue": "INDECOPI", "city": "Lima", "country": "PE", "online_url": "", "capacity": "30",
        "registration_deadline": "", **overrides,
    }  # fmt: skip


def avatar_upload() -> dict:
    boundary, body = encode_multipart({"avatar": FileStorage(io.BytesIO(image_bytes()), "me.png",
                                                             content_type="image/png")})  # fmt: skip
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


# (name, method, url from the world, keyword arguments of the request)
WRITE_ROUTES = [
    ("forum: new thread", "POST", lambda w: f"/forum/c/{w.category.slug}/new",
     lambda w: {"data": {"title": "Spam again", "body": "Buy now", "language": "en"}}),
    ("forum: reply", "POST", lambda w: f"/forum/t/{w.thread.id}/reply", lambda w: {"data": {"body": "Buy now"}}),
    ("forum: edit own post", "POST", lambda w: f"/forum/posts/{w.post.id}/edit", lambda w: {"data": {"body": "Buy"}}),
    ("messages: new", "POST", lambda w: "/messages/new",
     lambda w: {"data": {"recipients": f"@{w.other.handle}", "subject": "Offer", "body": "Buy now"}}),
    ("messages: reply", "POST", lambda w: f"/messages/{w.conversation.id}/reply", lambda w: {"data": {"body": "Buy"}}),
    ("events: new", "POST", lambda w: "/events/new", lambda w: {"data": event_form()}),
    ("events: edit", "POST", lambda w: f"/events/{w.event.id}/edit",
     lambda w: {"data": event_form(title="Buy now", status="scheduled")}),
    ("events: message attendees", "POST", lambda w: f"/events/{w.event.id}/message",
     lambda w: {"data": {"body": "Buy now"}}),
    ("events: minutes", "POST", lambda w: f"/events/{w.past_event.id}/minutes", lambda w: {"data": {"body": "Buy"}}),
    ("events: add a co-organizer", "POST", lambda w: f"/events/{w.event.id}/co-organizers",
     lambda w: {"data": {"member_id": w.other.id}}),
    ("profiles: edit", "POST", lambda w: "/profile/edit",
     lambda w: {"data": {"display_name": "Buy Now", "country": "PE", "headline": "Cheap", "visibility": "members"}}),
    ("profiles: upload avatar", "POST", lambda w: "/profile/avatar", lambda w: avatar_upload()),
    ("profiles: remove avatar", "POST", lambda w: "/profile/avatar/remove", lambda w: {}),
    # The forms themselves are not shown either.
    ("forum: new thread form", "GET", lambda w: f"/forum/c/{w.category.slug}/new", lambda w: {}),
    ("forum: reply form", "GET", lambda w: f"/forum/t/{w.thread.id}/reply", lambda w: {}),
    ("forum: edit form", "GET", lambda w: f"/forum/posts/{w.post.id}/edit", lambda w: {}),
    ("messages: new form", "GET", lambda w: "/messages/new", lambda w: {}),
    ("events: new form", "GET", lambda w: "/events/new", lambda w: {}),
    ("events: edit form", "GET", lambda w: f"/events/{w.event.id}/edit", lambda w: {}),
    ("events: message form", "GET", lambda w: f"/events/{w.event.id}/message", lambda w: {}),
    ("events: minutes form", "GET", lambda w: f"/events/{w.past_event.id}/minutes", lambda w: {}),
    ("profiles: edit form", "GET", lambda w: "/profile/edit", lambda w: {}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "method", "url", "request_kwargs"), WRITE_ROUTES, ids=[r[0] for r in WRITE_ROUTES])
def test_a_silenced_member_is_refused_on_every_write_route(client, login, outbox, world, name, method, url,
                                                           request_kwargs):  # fmt: skip
    login(world.member)
    before = world.snapshot()

    response = client.open(url(world), method=method, **request_kwargs(world))

    assert response.status_code == 403, name
    assert world.message() in page_text(response)
    assert world.snapshot() == before


@pytest.mark.parametrize(("name", "method", "url", "request_kwargs"), WRITE_ROUTES[:13],
                         ids=[r[0] for r in WRITE_ROUTES[:13]])  # fmt: skip
def test_every_write_route_works_again_once_the_period_is_over(client, login, monkeypatch, world, name, method, url,
                                                               request_kwargs):  # fmt: skip
    travel(monkeypatch, 8)
    login(world.member)

    response = client.open(url(world), method=method, **request_kwargs(world))

    assert response.status_code == 302, name


def test_the_refusal_is_in_the_members_language(client, login, world):
    world.member.locale = "pt"
    db.session.commit()
    login(world.member)

    response = client.get("/messages/new")

    assert response.status_code == 403
    assert accounts.format_until(world.until, "America/Lima", "pt") in page_text(response)


# Services: the CLI and other areas meet the same refusal


WRITE_SERVICES = {
    "forum.start_thread": lambda w: forum.start_thread(w.member, w.category, "Spam again", "Buy now", "en"),
    "forum.reply_to_thread": lambda w: forum.reply_to_thread(w.member, w.thread, "Buy now"),
    "forum.edit_post": lambda w: forum.edit_post(w.member, w.post, "Buy now"),
    "messages.start_conversation": lambda w: messages.start_conversation(w.member, [w.other], "Offer", "Buy now"),
    "messages.reply": lambda w: messages.reply(w.member, w.conversation, "Buy now"),
    "events.create_event": lambda w: events.create_event(w.member, events.follow_up_template(w.event)),
    "events.update_event": lambda w: events.update_event(w.member, w.event, events.follow_up_template(w.event)),
    "events.send_message_to_attendees": lambda w: events.send_message_to_attendees(w.member, w.event, "Buy now"),
    "events.post_minutes": lambda w: events.post_minutes(w.member, w.past_event, "Buy now"),
    "events.add_co_organizer": lambda w: events.add_co_organizer(w.member, w.event, w.other.id),
    "profiles.update_profile": lambda w: profiles.update_profile(w.member, display_name="Buy Now", country="PE"),
    "profiles.set_avatar": lambda w: profiles.set_avatar(w.member, image_bytes()),
    "profiles.remove_avatar": lambda w: profiles.remove_avatar(w.member),
}


@pytest.mark.parametrize("service", list(WRITE_SERVICES))
def test_every_write_service_refuses_a_silenced_member(outbox, world, service):
    before = world.snapshot()

    with pytest.raises(Silenced) as refusal:
        WRITE_SERVICES[service](world)
    db.session.rollback()

    with force_locale("en"):
        assert str(refusal.value.reason).startswith(READ_ONLY)
    assert world.snapshot() == before


def test_a_suspended_member_is_refused_by_the_services_too(world):
    member = make_user(suspended_until=utcnow() + timedelta(days=2), suspension_reason="Spam")

    with pytest.raises(Silenced):
        forum.reply_to_thread(member, world.thread, "Still here")
    assert not messages.can_send_messages(member)


# What a silenced member still does, and what they see


def test_a_silenced_member_still_reads_answers_events_and_deletes_their_own_posts(client, login, world):
    login(world.member)

    assert client.get(f"/forum/t/{world.thread.id}").status_code == 200
    assert client.get(f"/messages/{world.conversation.id}").status_code == 200
    assert client.post(f"/events/{world.event.id}/rsvp", data={"answer": "going"}).status_code == 302
    assert client.post("/account", data={"locale": "en", "timezone": "America/Lima", "content_languages": ["en"],
                                         "handle": world.member.handle}).status_code == 302  # fmt: skip
    assert client.post(f"/forum/posts/{world.post.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Post, world.post.id).is_deleted


def test_a_silenced_member_sees_a_banner_and_no_write_buttons(client, login, world):
    login(world.member)

    home = page_text(client.get("/"))
    assert world.message() in home and "read-only-notice" in home
    category = page_text(client.get(f"/forum/c/{world.category.slug}"))
    assert "Start a thread" not in category
    thread = page_text(client.get(f"/forum/t/{world.thread.id}"))
    assert f'action="/forum/t/{world.thread.id}/reply"' not in thread
    assert f"/forum/posts/{world.post.id}/edit" not in thread and "Quote" not in thread
    assert "This thread is locked" not in thread and world.message() in thread
    assert 'href="/messages/new"' not in page_text(client.get("/messages/"))
    assert "Send message" not in page_text(client.get(f"/members/{world.other.id}"))
    assert "Edit your profile" not in page_text(client.get(f"/members/{world.member.id}"))
    assert "Announce an event" not in page_text(client.get("/events/"))
    event = page_text(client.get(f"/events/{world.event.id}"))
    assert "Edit the event" not in event and "Write to everyone who is going" not in event
    assert "Make Otto Other a co-organizer" not in page_text(client.get(f"/events/{world.event.id}/attendees"))


def test_the_banner_and_the_buttons_come_back_when_the_period_ends(client, login, monkeypatch, world):
    travel(monkeypatch, 8)
    login(world.member)

    home = page_text(client.get("/"))
    assert READ_ONLY not in home
    assert "Start a thread" in page_text(client.get(f"/forum/c/{world.category.slug}"))
    assert f'action="/forum/t/{world.thread.id}/reply"' in page_text(client.get(f"/forum/t/{world.thread.id}"))


def test_other_members_see_no_banner(client, login, world):
    login(world.other)

    assert READ_ONLY not in page_text(client.get("/"))


# Suspension: no login, and an open session ends


def suspended(days: float = 7, **overrides) -> User:
    until = utcnow() + timedelta(days=days)
    return old_member(email="sam@example.org", timezone="America/Bogota", suspended_until=until,
                      suspension_reason="Harassment of other members.", **overrides)  # fmt: skip


def test_a_suspended_member_cannot_log_in_and_is_told_why_and_until_when(client):
    member = suspended()

    response = client.post("/login", data={"email": "sam@example.org", "password": PASSWORD})

    assert response.status_code == 401
    date = accounts.format_until(member.suspended_until, "America/Bogota", "en")
    assert f"Your account is suspended until {date}. Reason: Harassment of other members." in page_text(response)
    assert client.get("/notifications").status_code == 302  # not logged in


def test_the_suspension_is_only_revealed_to_someone_with_the_password(client):
    suspended()

    response = client.post("/login", data={"email": "sam@example.org", "password": "not the password"})

    assert response.status_code == 401
    assert "suspended" not in page_text(response) and "Wrong e-mail address or password." in page_text(response)


def test_the_login_refusal_is_in_the_visitors_language(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pt"
    member = suspended()

    response = client.post("/login", data={"email": "sam@example.org", "password": PASSWORD})

    assert accounts.format_until(member.suspended_until, "America/Bogota", "pt") in page_text(response)


def test_a_live_session_ends_when_the_member_is_suspended(client, login):
    member = old_member()
    login(member)
    assert client.get("/notifications").status_code == 200

    members.suspend_member(make_moderator(), member, utcnow() + timedelta(days=3), "Spam")

    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_ends_even_if_the_suspension_was_set_without_a_new_token(client, login):
    """The session loader refuses inactive members: a suspension set from the database alone is enough."""
    member = old_member()
    login(member)
    member.suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()

    assert client.get("/notifications").status_code == 302


def test_once_the_suspension_is_over_the_member_logs_in_again(client, monkeypatch):
    suspended(days=2)
    travel(monkeypatch, 3)

    response = client.post("/login", data={"email": "sam@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/notifications").status_code == 200
