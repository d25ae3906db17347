"""Announcing events, answering them (with a waitlist), calendars, reminders and the follow-up loop."""

import csv
import io
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, and_, bindparam, case, cast, delete, func, null, or_, select, union_all
from sqlalchemy import literal as sa_literal
from sqlalchemy.orm import joinedload, selectinload

from community import screening
from community.accounts.models import User
from community.accounts.services import refuse_if_silenced
from community.errors import ActionRefused, PermissionDenied
from community.events.calendars import event_ics
from community.events.models import (
    RSVP_LABELS,
    Event,
    EventFormat,
    EventKind,
    EventReminder,
    EventRSVP,
    EventStatus,
    RSVPStatus,
    event_co_organizers,
    listed_events,
)
from community.events.times import NonexistentLocalTime, to_utc
from community.extensions import cache as shared_cache
from community.extensions import db
from community.i18n import LANGUAGES, country_name, is_country, is_timezone
from community.mail import external_url, queue_email
from community.markdown import render_markdown
from community.notifications.models import NotificationKind, NotificationTopic
from community.notifications.services import members_wanting_topic, notify
from community.page_cache import wrote_since
from community.rows import in_parameters, one_of, parameter_values, read_rows
from community.screening import Screening, Verdict
from community.settings import get_setting
from community.types import utcnow

# How notifications point at an event (registered with the notifications area in views.py).
NOTIFICATION_TARGET = "event"

PER_PAGE = 20
ATTENDEES_PER_PAGE = 50
FEED_LIMIT = 50
MONTH_LIMIT = 300  # events shown in one month of the calendar view
DASHBOARD_LIMIT = 5
ICS_ATTACHMENT = "text/calendar"
FORUM_CATEGORY = "eventos-capacitacion"  # the forum category where each event's discussion thread opens

# Fields whose change a calendar must show: each change raises the event's SEQUENCE.
CALENDAR_FIELDS = ("title", "description", "starts_at", "ends_at", "timezone", "venue", "city", "country",
                   "online_url", "format", "status")  # fmt: skip
TIME_FIELDS = ("starts_at", "ends_at", "timezone")
PLACE_FIELDS = ("venue", "city", "country", "online_url", "format")

CANCELLED = _l("This event has been cancelled.")
ENDED = _l("This event has already ended.")
DEADLINE_PASSED = _l("Registration for this event has closed.")


@dataclass
class EventData:
    """What the organizer typed: times are wall-clock times in `timezone`."""

    title: str
    language: str
    kind: EventKind
    starts_local: datetime
    ends_local: datetime
    timezone: str
    format: EventFormat
    description: str = ""
    venue: str = ""
    city: str = ""
    country: str | None = None
    online_url: str = ""
    capacity: int | None = None
    deadline_local: datetime | None = None
    status: EventStatus = EventStatus.SCHEDULED
    follow_up_of_id: int | None = None


@dataclass
class EventFilters:
    country: str | None = None
    format: EventFormat | None = None
    kind: EventKind | None = None
    language: str | None = None

    def apply(self, query):
        if self.country:
            query = query.where(Event.country == self.country)
        if self.format:
            query = query.where(Event.format == self.format)
        if self.kind:
            query = query.where(Event.kind == self.kind)
        if self.language:
            query = query.where(Event.language == self.language)
        return query


@dataclass
class EventChanges:
    """What an edit changed, for the notifications and the calendar SEQUENCE."""

    fields: set[str] = field(default_factory=set)

    @property
    def time(self) -> bool:
        return bool(self.fields & set(TIME_FIELDS))

    @property
    def place(self) -> bool:
        return bool(self.fields & set(PLACE_FIELDS))

    @property
    def status(self) -> bool:
        return "status" in self.fields

    @property
    def for_calendars(self) -> bool:
        return bool(self.fields & set(CALENDAR_FIELDS))


# --- who may do what ---------------------------------------------------------------------------


def _is_member(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def can_announce(user) -> bool:
    """Any confirmed member, or only moderators when the admins say so (a site setting); not while silenced."""
    if not _is_member(user) or user.is_silenced:
        return False
    return user.is_moderator or not get_setting("events_announce_moderators_only")


def can_edit_event(user, event: Event) -> bool:
    """The organizer, a co-organizer or a moderator (only moderators while moderators keep it hidden)."""
    return _is_member(user) and (user.is_moderator or (event.is_organized_by(user) and not event.is_hidden))


def can_see_event(user, event: Event) -> bool:
    """Moderators see every event; others neither a hidden one nor, unless they organize it, one awaiting review."""
    if getattr(user, "is_authenticated", False) and user.is_moderator:
        return True
    if event.is_hidden:
        return False
    return not event.awaiting_review or event.is_organized_by(user)


def can_see_attendees(user, event: Event) -> bool:
    return can_edit_event(user, event)


def can_see_online_url(user, event: Event, rsvp: EventRSVP | None) -> bool:
    """Only members who are going (and the organizers) see where an online event happens."""
    if not event.online_url or event.format is EventFormat.IN_PERSON:
        return False
    if can_edit_event(user, event):
        return True
    return rsvp is not None and rsvp.status is RSVPStatus.GOING


def can_rsvp(user, event: Event) -> bool:
    return (
        _is_member(user) and not event.is_cancelled and not event.has_ended() and not event.is_hidden
        and not event.awaiting_review
    )  # fmt: skip


def can_post_minutes(user, event: Event) -> bool:
    return (
        _is_member(user) and not user.is_silenced and event.is_organized_by(user) and event.has_ended()
        and not event.is_cancelled
    )  # fmt: skip


# --- announcing and editing --------------------------------------------------------------------


def _utc(local: datetime, zone: str, field_name: str) -> datetime:
    try:
        return to_utc(local, zone)
    except NonexistentLocalTime:
        raise ActionRefused(
            _l("This time does not exist in that time zone (the clocks change)."), field=field_name
        ) from None


def _check(data: EventData, *, is_new: bool) -> tuple[datetime, datetime, datetime | None]:
    """Validate `data`; return (start, end, deadline) in UTC. Raises ActionRefused at the field."""
    if not data.title.strip():
        raise ActionRefused(_l("Please give the event a title."), field="title")
    if data.language not in LANGUAGES:
        raise ActionRefused(_l("Please choose one of the offered languages."), field="language")
    if not is_timezone(data.timezone):
        raise ActionRefused(_l("Please choose a time zone from the list."), field="timezone")
    if data.country and not is_country(data.country):
        raise ActionRefused(_l("Please choose a country from the list."), field="country")
    if data.online_url and not data.online_url.strip().lower().startswith(("https://", "http://")):
        raise ActionRefused(_l("Please enter a full web address (https://…)."), field="online_url")
    if data.capacity is not None and data.capacity < 1:
        raise ActionRefused(_l("The capacity must be at least 1, or empty for no limit."), field="capacity")
    starts_at = _utc(data.starts_local, data.timezone, "starts_at")
    ends_at = _utc(data.ends_local, data.timezone, "ends_at")
    if ends_at <= starts_at:
        raise ActionRefused(_l("The event must end after it starts."), field="ends_at")
    if is_new and starts_at <= utcnow():
        raise ActionRefused(_l("A new event must start in the future."), field="starts_at")
    deadline = None
    if data.deadline_local is not None:
        deadline = _utc(data.deadline_local, data.timezone, "registration_deadline")
        if deadline > starts_at:
            raise ActionRefused(_l("Registration must close before the event starts."), field="registration_deadline")
    return starts_at, ends_at, deadline


def _apply(event: Event, data: EventData, starts_at, ends_at, deadline) -> EventChanges:
    values = {
        "title": data.title.strip(),
        "description": data.description or "",
        "language": data.language,
        "kind": data.kind,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "timezone": data.timezone,
        "format": data.format,
        "venue": (data.venue or "").strip(),
        "city": (data.city or "").strip(),
        "country": data.country or None,
        "online_url": (data.online_url or "").strip(),
        "capacity": data.capacity,
        "registration_deadline": deadline,
    }
    changes = EventChanges({name for name, value in values.items() if getattr(event, name, None) != value})
    if "description" in changes.fields or event.id is None:
        event.description_html = render_markdown(values["description"])
    for name, value in values.items():
        setattr(event, name, value)
    return changes


def _screen(author: User, data: EventData) -> Screening:
    """Moderation's answer about the event's text; ActionRefused about the description when it is not allowed."""
    answer = screening.screen(author, f"{data.title}\n{data.description}", kind="event", language=data.language)
    if answer.verdict is Verdict.BLOCK:
        raise ActionRefused(answer.reason, field="description")
    return answer


def create_event(organizer: User, data: EventData) -> Event:
    """Announce an event; its discussion thread is opened in the forum right after.

    Raises PermissionDenied when the member may not announce (Silenced when they are read-only for now),
    ActionRefused for bad input or text moderation does not allow (nothing stored). An event whose text
    must wait for review is saved awaiting it: only its organizers and moderators see it, and its
    discussion thread opens when a moderator publishes it (publish_event).
    """
    refuse_if_silenced(organizer)
    if not can_announce(organizer):
        raise PermissionDenied
    starts_at, ends_at, deadline = _check(data, is_new=True)
    follow_up_of = None
    if data.follow_up_of_id is not None:
        follow_up_of = db.session.get(Event, data.follow_up_of_id)
        if follow_up_of is None or follow_up_of.starts_at >= starts_at:
            raise ActionRefused(_l("A follow-up must start after the event it follows."), field="starts_at")
    verdict = _screen(organizer, data)
    held = verdict.verdict is Verdict.REVIEW
    event = Event(
        organizer=organizer, follow_up_of=follow_up_of, status=EventStatus.SCHEDULED, sequence=0, awaiting_review=held
    )
    _apply(event, data, starts_at, ends_at, deadline)
    event.created_at = event.updated_at = utcnow()
    db.session.add(event)
    if held:
        db.session.flush()
        screening.hold_for_review("event", event.id, organizer, verdict)
    db.session.commit()
    if not held:
        open_discussion_thread(event)
    return event


def publish_event(event: Event) -> None:
    """Publish an event that waited for review: it joins the lists, calendars and feeds, and its discussion
    thread opens if it has none yet. Only flushes: the caller (moderation) commits, with its audit entry.
    """
    if not event.awaiting_review:
        return
    event.awaiting_review = False
    db.session.flush()
    if event.thread_id is None:
        _start_discussion_thread(event)


def update_event(editor: User, event: Event, data: EventData) -> EventChanges:
    """Change an event; raise its SEQUENCE when calendars must update, tell the members who answered.

    A moved event's reminders are sent again for the new time; more seats move the waitlist up.
    Silenced (a 403) when the editor is read-only for now. A new title or description is screened as in
    create_event: when it must wait for review, the event waits again and nobody is told of the change.
    """
    refuse_if_silenced(editor)
    if not can_edit_event(editor, event):
        raise PermissionDenied
    starts_at, ends_at, deadline = _check(data, is_new=False)
    new_text = data.title.strip() != event.title or (data.description or "") != event.description
    verdict = _screen(editor, data) if new_text else screening.PUBLISH
    event = _lock(event.id)
    changes = _apply(event, data, starts_at, ends_at, deadline)
    if data.status is not event.status:
        event.status = data.status
        changes.fields.add("status")
    if not changes.fields:
        db.session.commit()
        return changes
    if changes.for_calendars:
        event.sequence += 1
    if changes.time:
        db.session.execute(
            delete(EventReminder).where(
                EventReminder.rsvp_id.in_(select(EventRSVP.id).where(EventRSVP.event_id == event.id))
            )
        )
    promoted = _promote_waitlist(event)
    event.updated_at = utcnow()
    if verdict.verdict is Verdict.REVIEW:
        event.awaiting_review = True
    db.session.flush()
    if verdict.verdict is Verdict.REVIEW:
        screening.hold_for_review("event", event.id, editor, verdict)
    elif (changes.time or changes.place or changes.status) and not event.awaiting_review:
        _tell_about_change(event, changes, editor)
    for rsvp in promoted:
        _queue_promotion(rsvp)
    db.session.commit()
    return changes


def cancel_event(editor: User, event: Event) -> None:
    """Cancel the event: calendars get STATUS:CANCELLED, members who answered are told."""
    if not can_edit_event(editor, event):
        raise PermissionDenied
    if event.is_cancelled:
        return
    event = _lock(event.id)
    event.status = EventStatus.CANCELLED
    event.sequence += 1
    event.updated_at = utcnow()
    changes = EventChanges({"status"})
    _tell_about_change(event, changes, editor)
    db.session.commit()


def set_event_hidden(event: Event, hidden: bool) -> None:
    """Hide the event from members (moderation), or show it again; nothing else changes. Only flushes."""
    event.is_hidden = hidden
    db.session.flush()


def add_co_organizer(editor: User, event: Event, member_id: int) -> User:
    """Make a member who answered the event a co-organizer (they may then edit it)."""
    refuse_if_silenced(editor)
    if not can_edit_event(editor, event):
        raise PermissionDenied
    rsvp = db.session.scalar(select(EventRSVP).where(EventRSVP.event_id == event.id, EventRSVP.user_id == member_id))
    if rsvp is None or not _is_member(rsvp.user) or member_id == event.organizer_id:
        raise ActionRefused(_l("Only members who answered the event can become co-organizers."))
    if rsvp.user not in event.co_organizers:
        event.co_organizers.append(rsvp.user)
    db.session.commit()
    return rsvp.user


def remove_co_organizer(editor: User, event: Event, member_id: int) -> None:
    if not can_edit_event(editor, event):
        raise PermissionDenied
    event.co_organizers = [member for member in event.co_organizers if member.id != member_id]
    db.session.commit()


def follow_up_template(previous: Event) -> EventData:
    """The details of `previous` for a new follow-up: same place and hours, a week after today or later."""
    zone = ZoneInfo(previous.timezone)
    start = previous.starts_at.astimezone(zone)
    length = previous.ends_at - previous.starts_at
    day = max(start.date(), date.today()) + timedelta(days=7)
    starts_local = datetime.combine(day, start.time())
    return EventData(
        title=previous.title,
        description=previous.description,
        language=previous.language,
        kind=previous.kind,
        starts_local=starts_local,
        ends_local=starts_local + length,
        timezone=previous.timezone,
        format=previous.format,
        venue=previous.venue,
        city=previous.city,
        country=previous.country,
        online_url=previous.online_url,
        capacity=previous.capacity,
        follow_up_of_id=previous.id,
    )


# --- answering ---------------------------------------------------------------------------------


def _lock(event_id: int) -> Event:
    """The event, re-read and locked (SELECT ... FOR UPDATE on PostgreSQL) until the commit."""
    query = select(Event).where(Event.id == event_id).with_for_update().execution_options(populate_existing=True)
    return db.session.execute(query).scalar_one()


def _promote_waitlist(event: Event) -> list[EventRSVP]:
    """Move waitlisted members up, in the order they asked, while there are seats. Only flushes."""
    if event.status is EventStatus.CANCELLED:
        return []
    free = None if event.capacity is None else event.capacity - event.going_count
    if free is not None and free <= 0:
        return []
    query = (
        select(EventRSVP)
        .where(EventRSVP.event_id == event.id, EventRSVP.status == RSVPStatus.WAITLISTED)
        .order_by(EventRSVP.responded_at, EventRSVP.id)
        .options(joinedload(EventRSVP.user))
    )
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    now = utcnow()
    for rsvp in promoted:
        rsvp.status = RSVPStatus.GOING
        rsvp.responded_at = now
    event.going_count += len(promoted)
    return promoted


def rsvp_to_event(member: User, event: Event, status: RSVPStatus) -> EventRSVP:
    """Answer going / interested / not going; "going" joins the waitlist when the event is full.

    The event row is locked while a seat is taken, so two members asking for the last seat at once get
    exactly one. Leaving frees the seat for the first on the waitlist, who is told by e-mail.
    Raises ActionRefused for a cancelled or ended event, or after the registration deadline
    (withdrawing stays possible).
    """
    if status is RSVPStatus.WAITLISTED:
        raise ActionRefused(_l("Please choose one of the offered answers."))
    if not _is_member(member):
        raise PermissionDenied
    event = _lock(event.id)
    now = utcnow()
    if event.is_cancelled:
        raise ActionRefused(CANCELLED)
    if event.has_ended(now):
        raise ActionRefused(ENDED)
    if status is not RSVPStatus.NOT_GOING and event.registration_deadline and event.registration_deadline < now:
        raise ActionRefused(DEADLINE_PASSED)
    rsvp = db.session.scalar(select(EventRSVP).where(EventRSVP.event_id == event.id, EventRSVP.user_id == member.id))
    if rsvp is None:
        rsvp = EventRSVP(event_id=event.id, user_id=member.id, status=RSVPStatus.NOT_GOING, created_at=now)
        db.session.add(rsvp)
    old = rsvp.status if rsvp.id is not None else None
    new = status
    if status is RSVPStatus.GOING and old in (RSVPStatus.GOING, RSVPStatus.WAITLISTED):
        new = old  # already in, or keeps its place in the line
    elif status is RSVPStatus.GOING and event.is_full:
        new = RSVPStatus.WAITLISTED
    promoted = []
    if new is not old:
        rsvp.status = new
        rsvp.responded_at = now
        if new is RSVPStatus.GOING:
            event.going_count += 1
        if old is RSVPStatus.GOING:
            event.going_count -= 1
            db.session.flush()
            promoted = _promote_waitlist(event)
    for promoted_rsvp in promoted:
        _queue_promotion(promoted_rsvp)
    db.session.commit()
    return rsvp


def set_reminders(member: User, event: Event, *, day_before: bool, hour_before: bool) -> EventRSVP:
    """Turn the member's two reminders for this event on or off."""
    rsvp = get_rsvp(member, event)
    if rsvp is None:
        raise ActionRefused(_l("Answer the event first."))
    rsvp.remind_day_before = day_before
    rsvp.remind_hour_before = hour_before
    db.session.commit()
    return rsvp


def get_rsvp(member, event: Event) -> EventRSVP | None:
    if member is None or not getattr(member, "is_authenticated", False):
        return None
    return db.session.scalar(select(EventRSVP).where(EventRSVP.event_id == event.id, EventRSVP.user_id == member.id))


# --- reading -----------------------------------------------------------------------------------


class EventReading(NamedTuple):
    """An event as one member reads it: whether they organize it and their answer, without its relations."""

    event: Event
    organizes: bool
    rsvp: EventRSVP | None


def get_event_for_member(member: User, event_id: int) -> EventReading | None:
    """The event, whether the member organizes it and their answer, in one statement: what deciding which
    copy of the event's page the member gets needs. None if there is no such event."""
    row = db.session.execute(_reading_statement(), {"event_id": event_id, "member_id": member.id}).first()
    return None if row is None else EventReading(row[0], bool(row[1]), row[2])


@cache
def _reading_statement():
    # Built once with the event and the member as parameters: building it cost more than running it.
    event_id, member_id = bindparam("event_id", type_=Integer), bindparam("member_id", type_=Integer)
    co_organizes = (
        select(event_co_organizers.c.user_id)
        .where(event_co_organizers.c.event_id == Event.id, event_co_organizers.c.user_id == member_id)
        .exists()
    )
    answer = and_(EventRSVP.event_id == Event.id, EventRSVP.user_id == member_id)
    return (
        select(Event, or_(Event.organizer_id == member_id, co_organizes), EventRSVP)
        .outerjoin(EventRSVP, answer)
        .where(Event.id == event_id)
    )


def get_event(event_id: int) -> Event | None:
    """The event with its organizers and the event it follows (one query for each)."""
    query = (
        select(Event)
        .where(Event.id == event_id)
        .options(
            joinedload(Event.organizer),
            selectinload(Event.co_organizers),
            joinedload(Event.follow_up_of),
        )
    )
    return db.session.scalar(query)


def list_follow_ups(event: Event, limit: int = 5) -> list[Event]:
    """The meetings announced as follow-ups of `event`, soonest first."""
    query = (
        select(Event).where(Event.follow_up_of_id == event.id, *listed_events()).order_by(Event.starts_at).limit(limit)
    )
    return list(db.session.scalars(query))


def count_answers(event: Event) -> dict[RSVPStatus, int]:
    """How many members gave each answer (one grouped query)."""
    query = select(EventRSVP.status, func.count()).where(EventRSVP.event_id == event.id).group_by(EventRSVP.status)
    counts = {status: 0 for status in RSVPStatus}
    counts.update(dict(db.session.execute(query).all()))
    return counts


def _listing(filters: EventFilters):
    return filters.apply(select(Event).where(*listed_events()).options(joinedload(Event.organizer)))


def list_events(*, past: bool = False, filters: EventFilters | None = None, page: int = 1, per_page: int = PER_PAGE):
    """Upcoming events (those not over yet), soonest first; or past ones, latest first. Paginated."""
    now = utcnow()
    query = _listing(filters or EventFilters())
    if past:
        query = query.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        query = query.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def list_month(year: int, month: int, zone_name: str, filters: EventFilters | None = None) -> dict[date, list[Event]]:
    """The events starting in a month on the reader's clocks, by local day."""
    zone = ZoneInfo(zone_name)
    first = datetime(year, month, 1, tzinfo=zone)
    following = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    query = (
        _listing(filters or EventFilters())
        .where(Event.starts_at >= first, Event.starts_at < following)
        .order_by(Event.starts_at, Event.id)
        .limit(MONTH_LIMIT)
    )
    days: dict[date, list[Event]] = {}
    for event in db.session.scalars(query):
        days.setdefault(event.starts_at.astimezone(zone).date(), []).append(event)
    return days


def answers_of(member, events: list[Event]) -> dict[int, RSVPStatus]:
    """The member's answer to each of `events` (one query), by event id."""
    return answers_to(member, [event.id for event in events])


def answers_to(member, event_ids: list[int]) -> dict[int, RSVPStatus]:
    """The member's answer to each of the events `event_ids` (one query), by event id."""
    if not event_ids or member is None or not getattr(member, "is_authenticated", False):
        return {}
    values = {"member_id": member.id, **parameter_values("event_id", event_ids)}
    return dict(read_rows(_answers_statement(len(event_ids)), values).all())


@cache
def _answers_statement(count: int) -> Select:
    # Built once for each number of events, the ids as parameters of their own (community/rows.py).
    return select(EventRSVP.event_id, EventRSVP.status).where(
        EventRSVP.user_id == bindparam("member_id", type_=Integer),
        in_parameters(EventRSVP.event_id, "event_id", count),
    )


def list_upcoming_for_feed(limit: int = FEED_LIMIT) -> list[Event]:
    query = (
        select(Event)
        .where(Event.ends_at >= utcnow(), Event.status != EventStatus.CANCELLED, *listed_events())
        .options(joinedload(Event.organizer))
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


class DashboardEvent(NamedTuple):
    """What the dashboard shows of an event: read as columns, not as a whole event with its description."""

    id: int
    title: str
    language: str
    starts_at: datetime
    timezone: str


@dataclass
class DashboardEvents:
    mine: list[tuple[DashboardEvent, RSVPStatus]]  # the member's coming events and their answer, soonest first
    country: list[DashboardEvent]  # coming events in the member's country, soonest first


def dashboard_events(member: User, limit: int = DASHBOARD_LIMIT) -> DashboardEvents:
    """The dashboard's two panels: the member's next events (going, waitlisted or interested) and the
    coming events in their country, each soonest first, in one statement.

    The second panel is the same for every member of a country, like the list of events that members
    share (MEMBER_PAGE_CACHE_SECONDS): it is kept that long, and the statement then reads only the
    member's own. It spent more than half of the statement's time walking the country's past events. A
    member who has sent a form since it was read gets it afresh, as on shared pages.
    """
    kept_country = _kept_country_events(member.country, limit)
    with_country = bool(member.country) and kept_country is None
    values = {"member_id": member.id, "country": member.country, "now": utcnow(), "limit": limit}
    panels = DashboardEvents(mine=[], country=kept_country or [])
    for *columns, answer, panel in read_rows(_dashboard_statement(with_country), values).all():
        event = DashboardEvent(*columns)
        if panel == 0:
            panels.mine.append((event, RSVPStatus(answer)))
        else:
            panels.country.append(event)
    seconds = current_app.config["MEMBER_PAGE_CACHE_SECONDS"]
    if with_country and seconds > 0:
        kept = (time.time(), tuple(panels.country))  # tuples: kept as they are (community/worker_cache.py)
        shared_cache.set(_country_events_key(member.country, limit), kept, timeout=seconds)
    return panels


def _country_events_key(country: str, limit: int) -> str:
    return f"dashboard-country-events:{country}:{limit}"


def _kept_country_events(country: str | None, limit: int) -> list[DashboardEvent] | None:
    """The coming events of the country as last read for any member, unless this member wrote since."""
    if not country or current_app.config["MEMBER_PAGE_CACHE_SECONDS"] <= 0:
        return None
    kept = shared_cache.get(_country_events_key(country, limit))
    if kept is None or wrote_since(kept[0]):
        return None
    return list(kept[1])


@cache
def _dashboard_statement(with_country: bool):
    # Built once with the member, their country and the time as parameters: building it cost more than
    # running it. Without the country's panel (none, or kept), only the member's own events are read.
    limit = bindparam("limit", type_=Integer)
    coming = (Event.ends_at >= bindparam("now", type_=Event.ends_at.type), Event.status != EventStatus.CANCELLED,
              *listed_events())  # fmt: skip
    mine = (
        select(Event.id.label("event_id"), EventRSVP.status.label("answer"), sa_literal(0).label("panel"))
        .join(EventRSVP, EventRSVP.event_id == Event.id)
        .where(
            EventRSVP.user_id == bindparam("member_id", type_=Integer),
            one_of(EventRSVP.status, (RSVPStatus.GOING, RSVPStatus.WAITLISTED, RSVPStatus.INTERESTED)),
            *coming,
        )
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
        .subquery()
    )
    parts = [select(mine)]
    if with_country:
        in_country = (
            select(Event.id.label("event_id"), cast(null(), EventRSVP.status.type).label("answer"),
                   sa_literal(1).label("panel"))
            .where(Event.country == bindparam("country", type_=Event.country.type), *coming)
            .order_by(Event.starts_at, Event.id)
            .limit(limit)
            .subquery()
        )  # fmt: skip
        parts.append(select(in_country))
    rows = union_all(*parts).subquery()
    shown = (Event.id, Event.title, Event.language, Event.starts_at, Event.timezone)
    return (
        select(*shown, rows.c.answer, rows.c.panel)
        .join(rows, rows.c.event_id == Event.id)
        .order_by(rows.c.panel, Event.starts_at, Event.id)
    )


def list_attendees(event: Event, page: int = 1, per_page: int = ATTENDEES_PER_PAGE):
    """The answers of everyone but the "not going": going first, then the waitlist in order, then interested."""
    order = {RSVPStatus.GOING: 0, RSVPStatus.WAITLISTED: 1, RSVPStatus.INTERESTED: 2}
    status_rank = case(*[(EventRSVP.status == status, position) for status, position in order.items()], else_=3)
    query = (
        select(EventRSVP)
        .where(EventRSVP.event_id == event.id, EventRSVP.status != RSVPStatus.NOT_GOING)
        .options(joinedload(EventRSVP.user))
        .order_by(status_rank, EventRSVP.responded_at, EventRSVP.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def _spreadsheet_safe(text: str) -> str:
    """Keep a member's name from being read as a formula ("=HYPERLINK(...)") when the CSV is opened."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_attendees_csv(event: Event) -> bytes:
    """The attendee list as CSV in UTF-8 with a byte-order mark, so spreadsheets keep the accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(_l("Name")), str(_l("Country")), str(_l("Answer")), str(_l("Answered at (UTC)"))])
    query = (
        select(EventRSVP)
        .where(EventRSVP.event_id == event.id, EventRSVP.status != RSVPStatus.NOT_GOING)
        .options(joinedload(EventRSVP.user))
        .order_by(EventRSVP.status, EventRSVP.responded_at, EventRSVP.id)
    )
    for rsvp in db.session.scalars(query):
        writer.writerow(
            [
                _spreadsheet_safe(str(rsvp.user.name)),
                country_name(rsvp.user.country),
                str(RSVP_LABELS[rsvp.status]),
                rsvp.responded_at.strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


# --- mail: changes, promotions, messages, reminders, minutes -----------------------------------


def wanting_event_email(rsvps) -> set[int]:
    """The ids of the members of `rsvps` (answers or members) who want e-mail about events, in one query."""
    user_ids = {getattr(item, "user_id", None) or item.id for item in rsvps}
    return members_wanting_topic(user_ids, NotificationTopic.EVENTS)


def queue_event_email(recipient: User, subject, template: str, event: Event, *, wanting=None, **context) -> None:
    """Queue an e-mail about `event`, with the links it needs, in the recipient's language and zone.

    Not for a member who turned e-mail about events off (the settings page, or the e-mail's unsubscribe
    link, which every event e-mail carries). `wanting` (from wanting_event_email) spares a query per
    recipient when many are written to.
    """
    if wanting is None:
        wanting = wanting_event_email([recipient])
    if recipient.id not in wanting:
        return
    queue_email(
        recipient,
        subject,
        template,
        unsubscribe=NotificationTopic.EVENTS.value,
        event=event,
        event_url=external_url("events.show_event", event_id=event.id),
        **context,
    )


def ics_attachment(event: Event, *, with_online_url: bool) -> list[tuple[str, str, bytes]]:
    return [(f"event-{event.id}.ics", ICS_ATTACHMENT, event_ics(event, with_online_url=with_online_url))]


def _answered(event: Event, statuses) -> list[EventRSVP]:
    query = (
        select(EventRSVP)
        .join(User, User.id == EventRSVP.user_id)
        .where(EventRSVP.event_id == event.id, EventRSVP.status.in_(statuses), User.deleted_at.is_(None))
        .options(joinedload(EventRSVP.user))
        .order_by(EventRSVP.id)
    )
    return list(db.session.scalars(query))


def _tell_about_change(event: Event, changes: EventChanges, editor: User) -> None:
    """E-mail the members going, waitlisted or interested about a new time, place or status, with the new .ics."""
    subject = (
        _l("Cancelled: %(title)s", title=event.title)
        if event.is_cancelled
        else _l("Changed: %(title)s", title=event.title)
    )
    told = _answered(event, [RSVPStatus.GOING, RSVPStatus.WAITLISTED, RSVPStatus.INTERESTED])
    kind = NotificationKind.EVENT_CANCELLED if event.is_cancelled else NotificationKind.EVENT_CHANGED
    _notify(event, kind, told, editor)
    wanting = wanting_event_email(told)
    for rsvp in told:
        if rsvp.user_id == editor.id:
            continue
        going = rsvp.status is RSVPStatus.GOING
        queue_event_email(
            rsvp.user,
            subject,
            "events/email/changed",
            event=event,
            wanting=wanting,
            changes=changes,
            attachments=ics_attachment(event, with_online_url=going) if going else None,
        )


def _queue_promotion(rsvp: EventRSVP) -> None:
    event = rsvp.event
    queue_event_email(
        rsvp.user,
        _l("A seat is yours: %(title)s", title=event.title),
        "events/email/promoted",
        event=event,
        attachments=ics_attachment(event, with_online_url=True),
    )


def send_message_to_attendees(organizer: User, event: Event, body: str) -> int:
    """E-mail a short message from an organizer to every member who is going; return how many."""
    refuse_if_silenced(organizer)
    if not can_edit_event(organizer, event):
        raise PermissionDenied
    body = (body or "").strip()
    if not body:
        raise ActionRefused(_l("Please write a message."), field="body")
    attendees = _answered(event, [RSVPStatus.GOING])
    wanting = wanting_event_email(attendees)
    for rsvp in attendees:
        queue_event_email(
            rsvp.user,
            _l("A message about %(title)s", title=event.title),
            "events/email/message",
            event=event,
            wanting=wanting,
            sender=organizer,
            body=body,
        )
    _notify(event, NotificationKind.EVENT_MESSAGE, attendees, organizer)
    db.session.commit()
    return len(attendees)


def post_minutes(organizer: User, event: Event, body: str) -> Event:
    """Publish the minutes and action items of an event that ended; tell the members who went."""
    refuse_if_silenced(organizer)
    if not can_post_minutes(organizer, event):
        raise PermissionDenied
    body = (body or "").strip()
    if not body:
        raise ActionRefused(_l("Please write the minutes."), field="body")
    event.minutes = body
    event.minutes_html = render_markdown(body)
    first_time = event.minutes_posted_at is None
    event.minutes_posted_at = utcnow()
    if first_time:
        went = _answered(event, [RSVPStatus.GOING])
        wanting = wanting_event_email(went)
        for rsvp in went:
            if rsvp.user_id != organizer.id:
                subject = _l("Minutes of %(title)s", title=event.title)
                queue_event_email(rsvp.user, subject, "events/email/minutes", event=event, wanting=wanting)
        _notify(event, NotificationKind.EVENT_MINUTES, went, organizer)
    db.session.commit()
    post_minutes_in_thread(event, organizer, body)
    return event


# --- the forum and the notifications -----------------------------------------------------------


def open_discussion_thread(event: Event) -> None:
    """Open the event's discussion thread in the forum's events category (its agenda before, minutes after).

    The event stands without it: when the forum has no such category or refuses the thread, the event
    simply has no thread (the refusal is logged).
    """
    if _start_discussion_thread(event):
        db.session.commit()


def _start_discussion_thread(event: Event) -> bool:
    """Open the event's discussion thread (the site writes it: not screened); only flushes. False if none."""
    from community.forum import services as forum

    category = forum.get_category(FORUM_CATEGORY)
    if category is None:
        return False
    with force_locale(event.language):
        body = gettext(
            "The discussion of this event: its agenda before it, its minutes and action items after it.\n\n%(url)s",
            url=external_url("events.show_event", event_id=event.id),
        )
    try:
        # Refusals come before anything is written, so there is nothing to roll back.
        thread = forum.start_thread(
            event.organizer, category, event.title, body, event.language, screen=False, commit=False
        )
    except (ActionRefused, PermissionDenied) as refusal:
        current_app.logger.warning("No discussion thread for event %s: %s", event.id, refusal)
        return False
    event.thread_id = thread.id
    db.session.flush()
    return True


def post_minutes_in_thread(event: Event, organizer: User, body: str) -> None:
    """Post the minutes in the event's discussion thread, when it has one that takes replies."""
    if event.thread_id is None:
        return
    from community.forum import services as forum

    thread = forum.get_thread(event.thread_id)
    if thread is None:
        return
    try:
        forum.reply_to_thread(organizer, thread, body)
    except (ActionRefused, PermissionDenied) as refusal:
        db.session.rollback()
        current_app.logger.warning("Minutes of event %s not posted in its thread: %s", event.id, refusal)


def _notify(event: Event, kind: NotificationKind, recipients: list[EventRSVP], actor: User) -> None:
    """Put an event's news in the members' notifications; only flushes, like notify()."""
    notify(
        [rsvp.user_id for rsvp in recipients],
        kind,
        target_type=NOTIFICATION_TARGET,
        target_id=event.id,
        text=event.title,
        actor=actor,
    )
