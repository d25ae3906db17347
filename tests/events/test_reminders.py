"""Reminders one day and one hour before, each in the member's language and zone with the .ics attached;
the cron command is idempotent. After the event the organizer is asked for the minutes."""

from datetime import timedelta

import icalendar

from community.events import reminders
from community.events.models import EventRSVP, RSVPStatus
from community.extensions import db
from community.types import utcnow
from tests.factories import make_event, make_user


def going(event, member, **flags):
    rsvp = EventRSVP(event=event, user=member, status=RSVPStatus.GOING, **flags)
    db.session.add(rsvp)
    event.going_count += 1
    db.session.commit()
    return rsvp


def test_the_day_before_reminder_is_sent_once_in_the_members_language_and_zone(app, outbox):
    event = make_event(starts_in=timedelta(hours=20), timezone="America/Mexico_City")
    member = make_user(locale="pt", timezone="America/Sao_Paulo")
    going(event, member)

    assert reminders.send_due_reminders() == 1
    assert reminders.send_due_reminders() == 0

    message = outbox.last
    assert message.recipient == member.email
    assert message.locale == "pt"
    assert message.template == "events/email/reminder"
    assert "(São Paulo)" in message.text_body and "(Cidade do México)" in message.text_body
    attachment = message.attachments[0]
    assert attachment.filename == f"event-{event.id}.ics"
    assert str(icalendar.Calendar.from_ical(attachment.data).walk("VEVENT")[0]["SUMMARY"]) == event.title


def test_the_hour_before_reminder_follows_and_is_sent_once(app, outbox):
    event = make_event(starts_in=timedelta(hours=20))
    going(event, make_user())
    reminders.send_due_reminders()

    later = utcnow() + timedelta(hours=19, minutes=30)
    assert reminders.send_due_reminders(now=later) == 1
    assert reminders.send_due_reminders(now=later) == 0
    assert len(outbox) == 2


def test_who_answers_within_the_hour_gets_only_the_hour_reminder(app, outbox):
    event = make_event(starts_in=timedelta(minutes=40))
    going(event, make_user())

    assert reminders.send_due_reminders() == 1
    assert reminders.send_due_reminders(now=utcnow() + timedelta(minutes=5)) == 0
    assert "one hour" in outbox.last.subject or outbox.last.subject.startswith(("Dentro", "Em uma"))


def test_reminders_can_be_turned_off_each(app, outbox):
    event = make_event(starts_in=timedelta(hours=20))
    going(event, make_user(), remind_day_before=False)
    going(event, make_user(), remind_hour_before=False)

    assert reminders.send_due_reminders() == 1
    assert reminders.send_due_reminders(now=utcnow() + timedelta(hours=19, minutes=30)) == 1


def test_no_reminders_for_far_events_or_members_not_going(app, outbox):
    far = make_event(starts_in=timedelta(days=3))
    going(far, make_user())
    near = make_event(starts_in=timedelta(hours=5))
    db.session.add(EventRSVP(event=near, user=make_user(), status=RSVPStatus.INTERESTED))
    db.session.commit()

    assert reminders.send_due_reminders() == 0


def test_the_cron_command_sends_reminders_and_invites_organizers_to_post_minutes(app, runner, outbox):
    coming = make_event(starts_in=timedelta(hours=2))
    going(coming, make_user())
    ended = make_event(starts_in=timedelta(hours=-3))

    result = runner.invoke(args=["events", "send-reminders"])

    assert result.exit_code == 0, result.output
    assert "1 reminders sent, 1 organizers invited to post minutes." in result.output
    assert outbox.to(ended.organizer.email)[0].template == "events/email/invite_minutes"
    assert "1 reminders sent" not in runner.invoke(args=["events", "send-reminders"]).output


def test_organizers_of_long_past_events_are_not_chased(app, outbox):
    make_event(starts_in=timedelta(days=-30))
    assert reminders.invite_to_post_minutes() == 0
