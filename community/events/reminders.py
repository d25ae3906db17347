"""The cron job's work: reminders before events, and invitations to post minutes after them."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.events.models import (
    Event,
    EventReminder,
    EventRSVP,
    EventStatus,
    ReminderKind,
    RSVPStatus,
    listed_events,
)
from community.events.services import ics_attachment, queue_event_email, wanting_event_email
from community.extensions import db
from community.mail import external_url
from community.types import utcnow

MINUTES_INVITATION_WINDOW = timedelta(days=7)  # events that ended longer ago are not chased for minutes
REMINDER_LEADS = {ReminderKind.DAY: timedelta(days=1), ReminderKind.HOUR: timedelta(hours=1)}


def send_due_reminders(now: datetime | None = None) -> int:
    """E-mail the day-before and hour-before reminders that are due; return how many were sent.

    Idempotent: a reminder row per (RSVP, kind) is written with the e-mail, so a second run sends
    nothing more. Only the latest kind due is sent (who answers an hour before gets one reminder).
    """
    now = now or utcnow()
    sent = 0
    for kind in (ReminderKind.HOUR, ReminderKind.DAY):
        lead = REMINDER_LEADS[kind]
        flag = EventRSVP.remind_hour_before if kind is ReminderKind.HOUR else EventRSVP.remind_day_before
        window_start = now  # the event has not started yet
        window_end = now + lead
        query = (
            select(EventRSVP)
            .join(Event, Event.id == EventRSVP.event_id)
            .join(User, User.id == EventRSVP.user_id)
            .where(
                EventRSVP.status == RSVPStatus.GOING,
                flag.is_(True),
                Event.status == EventStatus.SCHEDULED,
                Event.starts_at > window_start,
                Event.starts_at <= window_end,
                *listed_events(),  # no reminders of what moderators hid or still review
                User.deleted_at.is_(None),
                ~select(EventReminder.id)
                .where(EventReminder.rsvp_id == EventRSVP.id)
                .where(or_(EventReminder.kind == kind, EventReminder.kind == ReminderKind.HOUR))
                .exists(),
            )
            .options(joinedload(EventRSVP.user), joinedload(EventRSVP.event))
            .order_by(EventRSVP.id)
        )
        if kind is ReminderKind.DAY:
            # Within the last hour only the hour reminder goes out.
            query = query.where(Event.starts_at > now + REMINDER_LEADS[ReminderKind.HOUR])
        due = db.session.scalars(query).unique().all()
        wanting = wanting_event_email(due)  # members who turned event e-mail off get no reminders
        for rsvp in due:
            if not rsvp.user.is_active:
                continue
            event = rsvp.event
            subject = (
                _l("Tomorrow: %(title)s", title=event.title)
                if kind is ReminderKind.DAY
                else _l("In one hour: %(title)s", title=event.title)
            )
            queue_event_email(
                rsvp.user,
                subject,
                "events/email/reminder",
                event=event,
                wanting=wanting,
                kind=kind.value,
                attachments=ics_attachment(event, with_online_url=True),
            )
            db.session.add(EventReminder(rsvp_id=rsvp.id, kind=kind, sent_at=now))
            sent += 1
        db.session.commit()
    return sent


def invite_to_post_minutes(now: datetime | None = None) -> int:
    """Ask the organizers of events that just ended to post minutes and action items; return how many."""
    now = now or utcnow()
    query = (
        select(Event)
        .where(
            Event.status == EventStatus.SCHEDULED,
            Event.ends_at <= now,
            Event.ends_at > now - MINUTES_INVITATION_WINDOW,
            Event.minutes_invited_at.is_(None),
            Event.minutes_posted_at.is_(None),
        )
        .options(joinedload(Event.organizer))
        .order_by(Event.id)
    )
    invited = 0
    for event in db.session.scalars(query):
        event.minutes_invited_at = now
        if event.organizer.is_active:
            queue_event_email(
                event.organizer,
                _l("How did it go? Post the minutes of %(title)s", title=event.title),
                "events/email/invite_minutes",
                event=event,
                minutes_url=external_url("events.post_minutes", event_id=event.id),
            )
            invited += 1
    db.session.commit()
    return invited
