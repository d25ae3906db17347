"""Calendars: one event as .ics, the private feed, "add to calendar" links; every file parses back."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar

from community.events import calendars, services
from community.events.ics import google_calendar_url, outlook_calendar_url
from community.events.models import EventStatus, RSVPStatus
from community.extensions import db
from tests.factories import make_event, make_user


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def only_event(calendar: icalendar.Calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_an_event_ics_parses_back_with_its_zone_uid_sequence_and_status(app, client):
    event = make_event(title="Reunión en São Paulo", timezone="America/Sao_Paulo")

    response = client.get(f"/events/{event.id}/event.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = parse(response.data)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Sao_Paulo"]
    item = only_event(calendar)
    assert str(item["SUMMARY"]) == "Reunión en São Paulo"
    assert str(item["UID"]) == f"event-{event.id}@localhost"
    assert item["SEQUENCE"] == 0
    assert str(item["STATUS"]) == "CONFIRMED"
    assert item["DTSTART"].dt == event.starts_at
    assert str(item["DTSTART"].dt.tzinfo) == "America/Sao_Paulo"
    assert item["DTEND"].dt == event.ends_at


def test_a_utc_event_has_utc_times(app, client):
    event = make_event(timezone="UTC")
    item = only_event(parse(client.get(f"/events/{event.id}/event.ics").data))
    assert item.to_ical().decode().count("Z\r\n") >= 2  # DTSTART and DTEND end in Z
    assert item["DTSTART"].dt == event.starts_at


def test_a_change_raises_the_sequence_and_a_cancellation_says_cancelled(app, client):
    event = make_event()
    services.cancel_event(event.organizer, event)

    item = only_event(parse(client.get(f"/events/{event.id}/event.ics").data))

    assert item["SEQUENCE"] == 1
    assert str(item["STATUS"]) == "CANCELLED"


def test_the_online_link_is_in_the_file_only_for_members_going(app, client, login):
    event = make_event(online_url="https://meet.example.org/secret-room")
    assert b"secret-room" not in client.get(f"/events/{event.id}/event.ics").data
    member = login(make_user())
    services.rsvp_to_event(member, event, RSVPStatus.GOING)
    assert b"secret-room" in client.get(f"/events/{event.id}/event.ics").data


def test_the_private_feed_lists_the_events_a_member_is_going_to(app, client):
    member = make_user()
    going = make_event(title="Going there")
    interested = make_event(title="Maybe")
    cancelled = make_event(title="Called off")
    make_event(title="Not mine")
    services.rsvp_to_event(member, going, RSVPStatus.GOING)
    services.rsvp_to_event(member, interested, RSVPStatus.INTERESTED)
    services.rsvp_to_event(member, cancelled, RSVPStatus.GOING)
    cancelled.status = EventStatus.CANCELLED
    feed = calendars.get_calendar_feed(member)

    response = client.get(f"/events/calendar-feed/{feed.token}.ics")

    assert response.status_code == 200
    items = {str(item["SUMMARY"]): item for item in parse(response.data).walk("VEVENT")}
    assert set(items) == {"Going there", "Called off"}
    assert str(items["Called off"]["STATUS"]) == "CANCELLED"


def test_a_revoked_feed_address_stops_working(app, client):
    member = make_user()
    old_token = calendars.get_calendar_feed(member).token

    new_token = calendars.revoke_calendar_feed(member).token

    assert new_token != old_token
    assert client.get(f"/events/calendar-feed/{old_token}.ics").status_code == 404
    assert client.get(f"/events/calendar-feed/{new_token}.ics").status_code == 200


def test_a_deleted_members_feed_stops_working(app, client):
    member = make_user()
    token = calendars.get_calendar_feed(member).token
    member.deleted_at = member.created_at + timedelta(days=1)
    db.session.commit()
    assert client.get(f"/events/calendar-feed/{token}.ics").status_code == 404


def test_add_to_calendar_links_carry_the_event_in_utc(app):
    event = make_event(title="Reunión")
    with app.test_request_context():
        google = parse_qs(urlsplit(google_calendar_url(event)).query)
        outlook = parse_qs(urlsplit(outlook_calendar_url(event)).query)

    start = event.starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert google["text"] == ["Reunión"]
    assert google["dates"][0].startswith(start + "/")
    assert google["ctz"] == ["America/Mexico_City"]
    assert outlook["subject"] == ["Reunión"]
    assert outlook["startdt"] == [event.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ")]


def test_the_atom_feed_lists_upcoming_events(app, client):
    make_event(title="Próxima reunión")
    make_event(title="Ya pasó", starts_in=timedelta(days=-3))
    response = client.get("/events/feed.atom")
    assert response.mimetype == "application/atom+xml"
    text = response.data.decode()
    assert "Próxima reunión" in text and "Ya pasó" not in text
