"""Event pages: who sees and does what, translated 4xx answers for bad input, constant query counts."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community.events import calendars, services
from community.events.models import Event, EventRSVP, EventStatus, RSVPStatus
from community.extensions import db
from community.types import utcnow
from tests.factories import make_event, make_user


def form_values(**overrides) -> dict:
    day = (utcnow() + timedelta(days=10)).date()
    values = {
        "title": "Reunión de seguimiento en Lima",
        "kind": "meeting",
        "language": "es",
        "description": "Agenda en el hilo.",
        "timezone": "America/Lima",
        "starts_at": f"{day}T10:00",
        "ends_at": f"{day}T12:00",
        "format": "in_person",
        "venue": "INDECOPI",
        "city": "Lima",
        "country": "PE",
        "online_url": "",
        "capacity": "30",
        "registration_deadline": "",
    }
    values.update(overrides)
    return values


def count_events() -> int:
    return db.session.scalar(select(func.count(Event.id)))


# Announcing


def test_a_member_announces_an_event(client, login):
    login(make_user())

    response = client.post("/events/new", data=form_values())

    event = db.session.scalar(select(Event))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{event.id}"
    assert event.city == "Lima" and event.capacity == 30
    assert event.starts_at.hour == 15  # 10:00 in Lima


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_at": "2000-01-01T10:00"}, "The event must end after it starts."),
        ({"timezone": "Nowhere/Atlantis"}, "Please choose a time zone from the list."),
        ({"capacity": "-5"}, "The capacity must be at least 1, or empty for no limit."),
        ({"starts_at": "2020-05-01T10:00", "ends_at": "2020-05-01T12:00"}, "A new event must start in the future."),
        ({"starts_at": "not a date"}, "Not a valid datetime value."),
    ],
)
def test_bad_input_answers_422_with_the_reason_and_stores_nothing(client, login, overrides, message):
    login(make_user(locale="en"))

    response = client.post("/events/new", data=form_values(**overrides))

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_events() == 0


def test_visitors_are_sent_to_log_in_and_moderators_only_mode_forbids_members(app, client, login):
    assert client.get("/events/new").status_code == 302
    app.config["EVENTS_ANNOUNCE_MODERATORS_ONLY"] = True
    login(make_user())
    assert client.get("/events/new").status_code == 403
    assert client.post("/events/new", data=form_values()).status_code == 403
    assert count_events() == 0


def test_announce_a_follow_up_fills_the_form_from_the_previous_meeting(client, login):
    previous = make_event(title="Reunión de Santiago", city="Santiago", starts_in=timedelta(days=-20))
    login(make_user())

    page = client.get(f"/events/new?follow_up_of={previous.id}").get_data(as_text=True)

    assert 'value="Reunión de Santiago"' in page
    assert 'value="Santiago"' in page
    assert f'name="follow_up_of" type="hidden" value="{previous.id}"' in page
    assert client.get("/events/new?follow_up_of=999").status_code == 404


# Editing


def test_editing_someone_elses_event_is_forbidden_and_changes_nothing(client, login):
    event = make_event()
    login(make_user())

    assert client.get(f"/events/{event.id}/edit").status_code == 403
    response = client.post(f"/events/{event.id}/edit", data=form_values(status="scheduled"))

    assert response.status_code == 403
    db.session.refresh(event)
    assert event.title == "Follow-up meeting on licensing"


def test_the_organizer_edits_and_cancels(client, login):
    event = make_event()
    login(event.organizer)

    response = client.post(f"/events/{event.id}/edit", data=form_values(title="Nuevo título", status="postponed"))
    assert response.status_code == 302
    assert client.post(f"/events/{event.id}/cancel").status_code == 302

    db.session.refresh(event)
    assert event.title == "Nuevo título"
    assert event.status is EventStatus.CANCELLED
    assert event.sequence == 2


def test_unknown_events_are_404(client, login):
    login(make_user())
    for url in ("/events/999", "/events/999/edit", "/events/999/event.ics", "/events/999/attendees"):
        assert client.get(url).status_code == 404


# Answering


def test_a_member_answers_and_sees_the_online_link_only_when_going(client, login):
    event = make_event(online_url="https://meet.example.org/room-42")
    login(make_user())
    assert "room-42" not in client.get(f"/events/{event.id}").get_data(as_text=True)

    response = client.post(f"/events/{event.id}/rsvp", data={"answer": "going"})

    assert response.status_code == 302
    assert "room-42" in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_answering_a_cancelled_event_or_after_the_deadline_is_refused(client, login):
    cancelled = make_event(status=EventStatus.CANCELLED)
    closed = make_event(registration_deadline=utcnow() - timedelta(minutes=5))
    login(make_user(locale="en"))

    first = client.post(f"/events/{cancelled.id}/rsvp", data={"answer": "going"})
    second = client.post(f"/events/{closed.id}/rsvp", data={"answer": "interested"})

    assert first.status_code == 409 and "This event has been cancelled." in first.get_data(as_text=True)
    assert second.status_code == 409 and "Registration for this event has closed." in second.get_data(as_text=True)
    assert db.session.scalar(select(func.count(EventRSVP.id))) == 0


def test_a_made_up_answer_is_422(client, login):
    event = make_event()
    login(make_user())
    assert client.post(f"/events/{event.id}/rsvp", data={"answer": "waitlisted"}).status_code == 422
    assert client.post(f"/events/{event.id}/rsvp", data={}).status_code == 422


def test_visitors_must_log_in_to_answer(client):
    event = make_event()
    assert client.post(f"/events/{event.id}/rsvp", data={"answer": "going"}).status_code == 302
    assert "Log in to answer" in client.get(f"/events/{event.id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )


def test_members_turn_their_reminders_off(client, login):
    event = make_event()
    member = login(make_user())
    services.rsvp_to_event(member, event, RSVPStatus.GOING)

    client.post(f"/events/{event.id}/reminders", data={"remind_hour_before": "y"})

    rsvp = services.get_rsvp(member, event)
    db.session.refresh(rsvp)
    assert (rsvp.remind_day_before, rsvp.remind_hour_before) == (False, True)


# Organizers


def test_only_organizers_see_and_export_the_attendees(client, login):
    event = make_event()
    services.rsvp_to_event(make_user(display_name="Sofía Jiménez Solís"), event, RSVPStatus.GOING)
    login(make_user())
    assert client.get(f"/events/{event.id}/attendees").status_code == 403
    assert client.get(f"/events/{event.id}/attendees.csv").status_code == 403
    assert client.get(f"/events/{event.id}/message").status_code == 403

    login(event.organizer)
    assert "Sofía Jiménez Solís" in client.get(f"/events/{event.id}/attendees").get_data(as_text=True)
    export = client.get(f"/events/{event.id}/attendees.csv")
    assert export.mimetype == "text/csv"
    assert "Sofía Jiménez Solís" in export.data.decode("utf-8-sig")


def test_the_organizer_writes_to_everyone_going(client, login, outbox):
    event = make_event()
    services.rsvp_to_event(make_user(), event, RSVPStatus.GOING)
    login(event.organizer)

    assert client.post(f"/events/{event.id}/message", data={"body": ""}).status_code == 422
    assert client.post(f"/events/{event.id}/message", data={"body": "Nos vemos en la sala 3."}).status_code == 302
    assert len(outbox) == 1


def test_minutes_page_only_after_the_end(client, login):
    coming = make_event()
    past = make_event(starts_in=timedelta(days=-1), organizer=coming.organizer)
    login(coming.organizer)
    assert client.get(f"/events/{coming.id}/minutes").status_code == 403
    assert client.post(f"/events/{past.id}/minutes", data={"body": "Acuerdos: *uno*"}).status_code == 302
    assert "<em>uno</em>" in client.get(f"/events/{past.id}").get_data(as_text=True)


def test_the_calendar_feed_page_shows_a_private_address_and_revokes_it(client, login):
    member = login(make_user())
    old = calendars.get_calendar_feed(member).token
    assert old in client.get("/events/my-calendar").get_data(as_text=True)
    assert client.post("/events/my-calendar/revoke").status_code == 302
    db.session.expire_all()
    assert calendars.get_calendar_feed(member).token != old


# Lists and the month view


def test_the_month_view_places_events_on_their_day(client, login):
    login(make_user(timezone="America/Mexico_City"))
    event = make_event(title="Taller de patentes")
    start = event.starts_at
    page = client.get(f"/events/calendar/{start.year}/{start.month}").get_data(as_text=True)
    assert "Taller de patentes" in page
    assert client.get("/events/calendar/2024/13").status_code == 404
    assert client.get("/events/calendar").status_code == 302


def test_filters_with_unknown_values_are_ignored(client):
    make_event(title="Visible")
    response = client.get("/events/?country=ZZ&format=teleport&kind=party&language=fr")
    assert response.status_code == 200
    assert "Visible" in response.get_data(as_text=True)


# Constant queries


def populate(count: int) -> tuple:
    organizer = make_user()
    members = [make_user(commit=False) for _ in range(count)]
    db.session.commit()
    events = [make_event(organizer=organizer, commit=False, starts_in=timedelta(days=i + 1)) for i in range(count)]
    db.session.commit()
    for event in events:
        for member in members[:count]:
            db.session.add(EventRSVP(event=event, user=member, status=RSVPStatus.GOING))
        event.going_count = count
        event.co_organizers = members[:3]
    for index, event in enumerate(events[1:], start=1):
        event.follow_up_of = events[index - 1]
    db.session.commit()
    return organizer, members, events


@pytest.mark.parametrize(
    "path",
    [
        "/events/",
        "/events/past",
        "/events/calendar/{year}/{month}",
        "/",
        "/events/{id}",
        "/events/{id}/attendees",
        "/events/feed.atom",
    ],
)
def test_pages_run_a_constant_number_of_queries(app, client, login, count_queries, path):
    counts = []
    for size in (5, 40):
        organizer, members, events = populate(size)
        login(organizer)
        viewer = members[0]
        services.rsvp_to_event(viewer, events[1], RSVPStatus.GOING)
        url = path.format(id=events[1].id, year=events[1].starts_at.year, month=events[1].starts_at.month)
        client.get(url)  # warm caches (the session's locale, the member)
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1], f"{path}: {counts}"
