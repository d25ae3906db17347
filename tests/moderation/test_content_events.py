"""Held and hidden events: left out of every list, calendar and feed; their page is for moderators (marked)
and, while one awaits review, for its organizers (marked) only."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from community.events import calendars
from community.events import services as events
from community.events.models import EventRSVP, RSVPStatus
from community.extensions import db
from tests.factories import make_event, make_moderator
from tests.moderation.content_support import REVIEW, event_data, member, text_of, watch

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def scene():
    """A published, a held and a hidden event in Peru, next week; a past hidden one; a reader going to all."""
    watch("crypto", REVIEW)
    organizer, reader = member(country="PE"), member(country="PE")
    published = events.create_event(organizer, event_data(title="Published workshop"))
    held = events.create_event(organizer, event_data(title="Crypto workshop"))
    hidden = events.create_event(member(), event_data(title="Hidden workshop"))
    past = make_event(title="Hidden past meeting", starts_in=-timedelta(days=3), country="PE", language="en")
    for event in (published, held, hidden, past):
        db.session.add(EventRSVP(event_id=event.id, user_id=reader.id, status=RSVPStatus.GOING))
    events.set_event_hidden(hidden, True)
    events.set_event_hidden(past, True)
    db.session.commit()
    assert held.awaiting_review and not published.awaiting_review
    return {
        "organizer": organizer, "reader": reader, "moderator": make_moderator(locale="en", country="PE"),
        "published": published, "held": held, "hidden": hidden, "past": past,
    }  # fmt: skip


def as_user(client, login, user, url):
    with client.session_transaction() as session:
        session.clear()
    if user is not None:
        login(user)
    return client.get(url, headers={"Accept-Language": "en"})


def month_url(scene) -> str:
    local = scene["published"].starts_at.astimezone(ZoneInfo(scene["reader"].timezone))
    return f"/events/calendar/{local.year}/{local.month}"


LEFT_OUT = ("Crypto workshop", "Hidden workshop", "Hidden past meeting")


@pytest.mark.parametrize("who", ["reader", "organizer", "moderator"])
@pytest.mark.parametrize("url", ["/events/", "/events/past", "month", "/events/feed.atom", "/"])
def test_held_and_hidden_events_are_left_out_of_lists_calendars_and_feeds(client, login, scene, url, who):
    url = month_url(scene) if url == "month" else url
    page = text_of(as_user(client, login, scene[who], url))
    for title in LEFT_OUT:
        assert title not in page
    if url != "/events/past":
        assert "Published workshop" in page


def test_they_are_left_out_of_the_members_calendar_feed(client, scene):
    feed = calendars.get_calendar_feed(scene["reader"])
    body = text_of(client.get(f"/events/calendar-feed/{feed.token}.ics"))
    assert "Published workshop" in body
    for title in LEFT_OUT:
        assert title not in body
    assert [event.title for event in calendars.list_feed_events(scene["reader"])] == ["Published workshop"]


def test_the_event_page_is_for_moderators_and_the_organizers_of_a_held_event(client, login, scene):
    held, hidden = scene["held"], scene["hidden"]
    for viewer in (None, scene["reader"]):
        for event in (held, hidden):
            assert as_user(client, login, viewer, f"/events/{event.id}").status_code == 404
            assert as_user(client, login, viewer, f"/events/{event.id}/event.ics").status_code == 404
    response = as_user(client, login, scene["organizer"], f"/events/{held.id}")
    assert response.status_code == 200 and "Awaiting review" in text_of(response)
    for event, mark in ((held, "Awaiting review"), (hidden, ">Hidden</span>")):
        response = as_user(client, login, scene["moderator"], f"/events/{event.id}")
        assert response.status_code == 200 and mark in text_of(response)


def test_nobody_answers_a_held_or_hidden_event(client, login, scene):
    login(scene["reader"])
    assert client.post(f"/events/{scene['held'].id}/rsvp", data={"answer": "going"}).status_code == 404
    assert not events.can_rsvp(scene["organizer"], scene["held"])
    assert not events.can_rsvp(scene["moderator"], scene["hidden"])


def test_the_organizer_of_a_hidden_event_can_no_longer_edit_it(scene):
    hidden = scene["hidden"]
    assert not events.can_edit_event(hidden.organizer, hidden)
    assert events.can_edit_event(scene["moderator"], hidden)


def test_a_new_event_awaiting_review_tells_its_organizer(client, login):
    watch("crypto", REVIEW)
    login(member())
    from tests.moderation.content_support import event_form

    response = client.post("/events/new", data=event_form(title="Crypto licensing"), follow_redirects=True)

    page = text_of(response)
    assert response.status_code == 200
    assert "Your event will appear once a moderator has reviewed it." in page and "Awaiting review" in page
