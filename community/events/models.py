import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Enum, ForeignKey, Index, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.extensions import db
from community.types import UTCDateTime, utcnow


def _enum(enum_class, name: str) -> Enum:
    return Enum(enum_class, name=name, values_callable=lambda e: [m.value for m in e])


class EventKind(enum.Enum):
    MEETING = "meeting"
    WEBINAR = "webinar"
    TRAINING = "training"
    CONFERENCE = "conference"
    OTHER = "other"


class EventFormat(enum.Enum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class EventStatus(enum.Enum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"


class RSVPStatus(enum.Enum):
    GOING = "going"
    INTERESTED = "interested"
    NOT_GOING = "not_going"
    WAITLISTED = "waitlisted"  # asked for "going" when the event was full; moves up when a seat frees


class ReminderKind(enum.Enum):
    DAY = "day"
    HOUR = "hour"


# i18n: how each choice is shown on pages and in forms.
KIND_LABELS = {
    EventKind.MEETING: _l("Meeting"),
    EventKind.WEBINAR: _l("Webinar"),
    EventKind.TRAINING: _l("Training"),
    EventKind.CONFERENCE: _l("Conference"),
    EventKind.OTHER: _l("Other"),
}
FORMAT_LABELS = {
    EventFormat.IN_PERSON: _l("In person"),
    EventFormat.ONLINE: _l("Online"),
    EventFormat.HYBRID: _l("Hybrid"),
}
STATUS_LABELS = {
    EventStatus.SCHEDULED: _l("Scheduled"),
    EventStatus.CANCELLED: _l("Cancelled"),
    EventStatus.POSTPONED: _l("Postponed"),
}
RSVP_LABELS = {
    RSVPStatus.GOING: _l("Going"),
    RSVPStatus.INTERESTED: _l("Interested"),
    RSVPStatus.NOT_GOING: _l("Not going"),
    RSVPStatus.WAITLISTED: _l("On the waitlist"),
}

event_co_organizers = Table(
    "event_co_organizers",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    # "Events I co-organize" starts from the member.
    Index("ix_event_co_organizers_user_id", "user_id"),
)


class Event(db.Model):
    """A meeting, webinar, training or conference; times are stored in UTC with the zone they were given in."""

    __tablename__ = "events"
    __table_args__ = (
        # The lists filter by status and sort by start; country/kind/format/language narrow them.
        Index("ix_events_status_starts_at", "status", "starts_at"),
        Index("ix_events_country_starts_at", "country", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")  # render_markdown(description), on write
    language: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind, "event_kind"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    timezone: Mapped[str] = mapped_column(String(64))  # the IANA zone the organizer gave the times in
    format: Mapped[EventFormat] = mapped_column(_enum(EventFormat, "event_format"), index=True)
    venue: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    online_url: Mapped[str] = mapped_column(String(500), default="")  # shown only to members who are going
    organizer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organizer: Mapped[User] = relationship(foreign_keys=[organizer_id])
    co_organizers: Mapped[list[User]] = relationship(secondary=event_co_organizers, order_by=User.display_name)
    capacity: Mapped[int | None]  # None: no limit
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus, "event_status"), default=EventStatus.SCHEDULED)
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    follow_up_of: Mapped["Event | None"] = relationship(remote_side=[id], foreign_keys=[follow_up_of_id])
    # The event's discussion thread in the forum (agenda before, minutes after); None until the forum has one.
    thread_id: Mapped[int | None]
    # The iCalendar SEQUENCE: one more on every change a calendar shows (time, place, status, title).
    sequence: Mapped[int] = mapped_column(default=0)
    going_count: Mapped[int] = mapped_column(default=0)  # kept on the row: RSVPs with status GOING
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_html: Mapped[str] = mapped_column(Text, default="")
    minutes_posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    minutes_invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the organizer was asked
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Moderation: as for forum posts, hidden events show a placeholder; held ones wait for review.
    is_hidden: Mapped[bool] = mapped_column(default=False, server_default=false())
    awaiting_review: Mapped[bool] = mapped_column(default=False, server_default=false())

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"

    @property
    def is_cancelled(self) -> bool:
        return self.status is EventStatus.CANCELLED

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.going_count >= self.capacity

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.going_count, 0)

    def has_ended(self, now: datetime | None = None) -> bool:
        return self.ends_at <= (now or utcnow())

    def has_started(self, now: datetime | None = None) -> bool:
        return self.starts_at <= (now or utcnow())

    def is_organized_by(self, user) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return user.id == self.organizer_id or any(member.id == user.id for member in self.co_organizers)


def listed_events() -> tuple:
    """The conditions that leave hidden events, and those awaiting review, out of lists, calendars and feeds."""
    return (Event.is_hidden.is_(False), Event.awaiting_review.is_(False))


class EventRSVP(db.Model):
    """One member's answer to one event."""

    __tablename__ = "event_rsvps"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        # The attendee list and the waitlist: an event's answers of one status, in order of answer.
        Index("ix_event_rsvps_event_status", "event_id", "status", "responded_at"),
        # "My next events" starts from the member.
        Index("ix_event_rsvps_user_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    event: Mapped[Event] = relationship()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user: Mapped[User] = relationship()
    status: Mapped[RSVPStatus] = mapped_column(_enum(RSVPStatus, "rsvp_status"))
    # Reminders by e-mail, one day and one hour before the start; each can be turned off.
    remind_day_before: Mapped[bool] = mapped_column(default=True)
    remind_hour_before: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the status last changed: the waitlist moves up in this order.
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EventReminder(db.Model):
    """A reminder that was sent: one per (RSVP, kind), so the cron job never sends one twice.

    Moving the event deletes its reminders, so the members are reminded of the new time.
    """

    __tablename__ = "event_reminders"
    __table_args__ = (UniqueConstraint("rsvp_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rsvp_id: Mapped[int] = mapped_column(ForeignKey("event_rsvps.id", ondelete="CASCADE"))
    kind: Mapped[ReminderKind] = mapped_column(_enum(ReminderKind, "event_reminder_kind"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(db.Model):
    """A member's private iCalendar feed address; revoking it gives a new token."""

    __tablename__ = "event_calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    user: Mapped[User] = relationship()
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_feed_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
