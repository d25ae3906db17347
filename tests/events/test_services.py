"""Announcing, editing and answering events: what is stored, what is refused, who is told."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from community.errors import ActionRefused, PermissionDenied
from community.events import services
from community.events.models import (
    Event,
    EventFormat,
    EventKind,
    EventReminder,
    EventRSVP,
    EventStatus,
    ReminderKind,
    RSVPStatus,
)
from community.events.services import EventData
from community.extensions import db
from community.types import utcnow
from tests.factories import make_event, make_moderator, make_user


def next_week_at(hour: int) -> datetime:
    day = (utcnow() + timedelta(days=7)).date()
    return datetime(day.year, day.month, day.day, hour, 0)


def event_data(**overrides) -> EventData:
    values = {
        "title": "Reunión de seguimiento",
        "language": "es",
        "kind": EventKind.MEETING,
        "starts_local": next_week_at(10),
        "ends_local": next_week_at(12),
        "timezone": "America/Mexico_City",
        "format": EventFormat.HYBRID,
        "description": "Agenda: *regalías*",
        "city": "Ciudad de México",
        "country": "MX",
        "online_url": "https://meet.example.org/x",
    }
    values.update(overrides)
    return EventData(**values)


def count_events() -> int:
    return db.session.scalar(select(func.count(Event.id)))


# Announcing


def test_a_member_announces_an_event_stored_in_utc_with_its_zone(app):
    organizer = make_user()

    event = services.create_event(organizer, event_data())

    assert event.organizer == organizer
    assert event.timezone == "America/Mexico_City"
    assert event.starts_at.hour == 16  # 10:00 in Mexico City is 16:00 UTC
    assert event.description_html == "<p>Agenda: <em>regalías</em></p>\n"
    assert event.status is EventStatus.SCHEDULED
    assert event.sequence == 0
    assert event.going_count == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_local": next_week_at(9)}, "ends_at"),
        ({"ends_local": next_week_at(10)}, "ends_at"),
        ({"starts_local": datetime(2020, 1, 1, 10), "ends_local": datetime(2020, 1, 1, 12)}, "starts_at"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"capacity": -3}, "capacity"),
        ({"capacity": 0}, "capacity"),
        ({"deadline_local": next_week_at(11)}, "registration_deadline"),
        ({"country": "XX"}, "country"),
        ({"language": "fr"}, "language"),
        ({"title": "   "}, "title"),
        ({"online_url": "javascript://%0Aalert(1)"}, "online_url"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_stored(app, overrides, field):
    with pytest.raises(ActionRefused) as refused:
        services.create_event(make_user(), event_data(**overrides))

    assert refused.value.field == field
    assert count_events() == 0


def test_only_moderators_announce_when_so_configured(app):
    app.config["EVENTS_ANNOUNCE_MODERATORS_ONLY"] = True

    with pytest.raises(PermissionDenied):
        services.create_event(make_user(), event_data())
    assert services.create_event(make_moderator(), event_data()).id is not None


def test_an_unconfirmed_member_may_not_announce(app):
    with pytest.raises(PermissionDenied):
        services.create_event(make_user(email_confirmed_at=None), event_data())


def test_a_follow_up_copies_the_previous_meeting_and_links_to_it(app):
    previous = make_event(starts_in=timedelta(days=-30), capacity=30, timezone="America/Santiago", city="Santiago")

    template = services.follow_up_template(previous)
    follow_up = services.create_event(make_user(), template)

    assert template.title == previous.title and template.city == "Santiago" and template.capacity == 30
    assert template.ends_local - template.starts_local == timedelta(hours=2)
    assert follow_up.follow_up_of == previous
    assert services.list_follow_ups(previous) == [follow_up]


# Editing


def test_someone_elses_event_may_not_be_edited(app):
    event = make_event()

    with pytest.raises(PermissionDenied):
        services.update_event(make_user(), event, event_data())
    with pytest.raises(PermissionDenied):
        services.cancel_event(make_user(), event)
    db.session.refresh(event)
    assert event.title == "Follow-up meeting on licensing"


def test_co_organizers_and_moderators_may_edit(app):
    event = make_event()
    helper = make_user()
    services.rsvp_to_event(helper, event, RSVPStatus.INTERESTED)
    services.add_co_organizer(event.organizer, event, helper.id)

    services.update_event(helper, event, event_data(title="Nuevo título"))
    services.update_event(make_moderator(), event, event_data(title="Otro título"))

    assert event.title == "Otro título"


def test_only_members_who_answered_become_co_organizers(app):
    event = make_event()
    with pytest.raises(ActionRefused):
        services.add_co_organizer(event.organizer, event, make_user().id)


def test_moving_an_event_raises_its_sequence_resets_reminders_and_tells_who_answered(app, outbox):
    event = make_event()
    going, interested, not_going = make_user(), make_user(locale="pt"), make_user()
    services.rsvp_to_event(going, event, RSVPStatus.GOING)
    services.rsvp_to_event(interested, event, RSVPStatus.INTERESTED)
    services.rsvp_to_event(not_going, event, RSVPStatus.NOT_GOING)
    rsvp = services.get_rsvp(going, event)
    db.session.add(EventReminder(rsvp_id=rsvp.id, kind=ReminderKind.DAY))
    db.session.commit()

    changes = services.update_event(
        event.organizer, event, event_data(starts_local=next_week_at(11), ends_local=next_week_at(13))
    )

    assert changes.time and event.sequence == 1
    assert db.session.scalar(select(func.count(EventReminder.id))) == 0
    assert [m.recipient for m in outbox] == [going.email, interested.email]
    assert outbox.to(going.email)[0].attachments[0].filename == f"event-{event.id}.ics"
    assert outbox.to(interested.email)[0].locale == "pt"
    assert not outbox.to(interested.email)[0].attachments  # the .ics goes to those who are going


def test_an_edit_that_changes_nothing_keeps_the_sequence(app, outbox):
    event = services.create_event(make_user(), event_data())
    services.update_event(event.organizer, event, event_data())
    assert event.sequence == 0
    assert len(outbox) == 0


def test_cancelling_tells_who_answered(app, outbox):
    event = make_event()
    member = make_user(locale="en")
    services.rsvp_to_event(member, event, RSVPStatus.GOING)

    services.cancel_event(event.organizer, event)

    assert event.status is EventStatus.CANCELLED and event.sequence == 1
    assert outbox.last.subject == f"Cancelled: {event.title}"


# Answering and the waitlist


def test_going_takes_a_seat_until_the_event_is_full_then_joins_the_waitlist(app):
    event = make_event(capacity=2)
    first, second, third, fourth = (make_user() for _ in range(4))

    answers = [
        services.rsvp_to_event(member, event, RSVPStatus.GOING).status for member in (first, second, third, fourth)
    ]

    assert answers == [RSVPStatus.GOING, RSVPStatus.GOING, RSVPStatus.WAITLISTED, RSVPStatus.WAITLISTED]
    assert event.going_count == 2


def test_a_freed_seat_goes_to_the_first_on_the_waitlist_who_is_told(app, outbox):
    event = make_event(capacity=1)
    holder, first_in_line, second_in_line = make_user(), make_user(locale="en"), make_user()
    services.rsvp_to_event(holder, event, RSVPStatus.GOING)
    services.rsvp_to_event(first_in_line, event, RSVPStatus.GOING)
    services.rsvp_to_event(second_in_line, event, RSVPStatus.GOING)

    services.rsvp_to_event(holder, event, RSVPStatus.NOT_GOING)

    assert services.get_rsvp(first_in_line, event).status is RSVPStatus.GOING
    assert services.get_rsvp(second_in_line, event).status is RSVPStatus.WAITLISTED
    assert event.going_count == 1
    message = outbox.last
    assert message.recipient == first_in_line.email
    assert message.subject == f"A seat is yours: {event.title}"
    assert message.attachments[0].content_type == "text/calendar"


def test_asking_again_keeps_a_place_in_the_line(app):
    event = make_event(capacity=1)
    holder, first, second = make_user(), make_user(), make_user()
    for member in (holder, first, second):
        services.rsvp_to_event(member, event, RSVPStatus.GOING)

    services.rsvp_to_event(first, event, RSVPStatus.GOING)  # a second click
    services.rsvp_to_event(holder, event, RSVPStatus.INTERESTED)

    assert services.get_rsvp(first, event).status is RSVPStatus.GOING


def test_more_seats_move_the_waitlist_up(app):
    event = services.create_event(make_user(), event_data(capacity=1))
    members = [make_user() for _ in range(3)]
    for member in members:
        services.rsvp_to_event(member, event, RSVPStatus.GOING)

    services.update_event(event.organizer, event, event_data(capacity=2))

    assert [services.get_rsvp(m, event).status for m in members] == [
        RSVPStatus.GOING,
        RSVPStatus.GOING,
        RSVPStatus.WAITLISTED,
    ]
    assert event.going_count == 2


def test_answers_to_a_cancelled_or_ended_event_are_refused(app):
    cancelled = make_event(status=EventStatus.CANCELLED)
    ended = make_event(starts_in=timedelta(days=-2))
    for event in (cancelled, ended):
        with pytest.raises(ActionRefused):
            services.rsvp_to_event(make_user(), event, RSVPStatus.GOING)
    assert db.session.scalar(select(func.count(EventRSVP.id))) == 0


def test_after_the_deadline_members_may_leave_but_not_join(app):
    event = make_event(registration_deadline=utcnow() - timedelta(hours=1))
    member = make_user()
    with pytest.raises(ActionRefused):
        services.rsvp_to_event(member, event, RSVPStatus.GOING)
    assert services.rsvp_to_event(member, event, RSVPStatus.NOT_GOING).status is RSVPStatus.NOT_GOING


# Organizers


def test_the_attendee_export_is_utf8_with_a_byte_order_mark_and_keeps_accents(app):
    event = make_event()
    services.rsvp_to_event(make_user(display_name="João Conceição Araújo", country="BR"), event, RSVPStatus.GOING)
    services.rsvp_to_event(make_user(display_name="Yaimí Rodríguez"), event, RSVPStatus.INTERESTED)
    services.rsvp_to_event(make_user(display_name="Not Coming"), event, RSVPStatus.NOT_GOING)

    data = services.export_attendees_csv(event)

    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "João Conceição Araújo" in text and "Yaimí Rodríguez" in text
    assert "Not Coming" not in text
    assert len(text.strip().splitlines()) == 3


def test_a_name_that_looks_like_a_formula_stays_text_in_the_export(app):
    event = make_event()
    services.rsvp_to_event(make_user(display_name='=HYPERLINK("http://x")'), event, RSVPStatus.GOING)
    assert "'=HYPERLINK" in services.export_attendees_csv(event).decode("utf-8-sig")


def test_an_organizer_message_goes_to_everyone_going(app, outbox):
    event = make_event()
    going = [make_user(), make_user(locale="pt")]
    for member in going:
        services.rsvp_to_event(member, event, RSVPStatus.GOING)
    services.rsvp_to_event(make_user(), event, RSVPStatus.INTERESTED)

    sent = services.send_message_to_attendees(event.organizer, event, "Traigan sus contratos, por favor.")

    assert sent == 2
    assert sorted(m.recipient for m in outbox) == sorted(m.email for m in going)
    assert "Traigan sus contratos" in outbox.last.text_body


def test_minutes_are_posted_after_the_event_and_those_who_went_are_told_once(app, outbox):
    event = make_event(starts_in=timedelta(days=-1))
    attendee = make_user()
    db.session.add(EventRSVP(event=event, user=attendee, status=RSVPStatus.GOING))
    db.session.commit()

    services.post_minutes(event.organizer, event, "1. Compartir modelos de contrato — *Lucía*")
    services.post_minutes(event.organizer, event, "1. Compartir modelos de contrato — *Lucía*, antes de junio")

    assert "<em>Lucía</em>" in event.minutes_html
    assert [m.template for m in outbox] == ["events/email/minutes"]


def test_minutes_wait_for_the_end_and_for_an_organizer(app):
    coming = make_event()
    with pytest.raises(PermissionDenied):
        services.post_minutes(coming.organizer, coming, "Too early")
    past = make_event(starts_in=timedelta(days=-1))
    with pytest.raises(PermissionDenied):
        services.post_minutes(make_user(), past, "Not mine")


# Lists


def test_upcoming_and_past_lists_and_their_filters(app):
    soon = make_event(starts_in=timedelta(days=1), country="CL", language="es")
    later = make_event(starts_in=timedelta(days=5), country="BR", language="pt", format=EventFormat.ONLINE)
    past = make_event(starts_in=timedelta(days=-5))

    assert services.list_events().items == [soon, later]
    assert services.list_events(past=True).items == [past]
    assert services.list_events(filters=services.EventFilters(country="BR")).items == [later]
    assert services.list_events(filters=services.EventFilters(format=EventFormat.ONLINE)).items == [later]
    assert services.list_events(filters=services.EventFilters(language="es")).items == [soon]
    assert services.list_events(filters=services.EventFilters(kind=EventKind.WEBINAR)).items == []


def test_the_dashboard_lists_a_members_next_events_and_those_in_their_country(app):
    member = make_user(country="PE")
    mine = make_event(starts_in=timedelta(days=3))
    in_peru = make_event(starts_in=timedelta(days=4), country="PE")
    make_event(starts_in=timedelta(days=-3), country="PE")
    services.rsvp_to_event(member, mine, RSVPStatus.GOING)

    coming = services.dashboard_events(member)

    assert [(event.title, answer) for event, answer in coming.mine] == [(mine.title, RSVPStatus.GOING)]
    assert [event.id for event in coming.country] == [in_peru.id]
    assert coming.country[0].starts_at == in_peru.starts_at and coming.country[0].timezone == in_peru.timezone
    assert services.dashboard_events(make_user(country=None)).country == []
