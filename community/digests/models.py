import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.types import UTCDateTime, utcnow


class DigestFrequency(enum.Enum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    NEVER = "never"

    @property
    def label(self):
        return FREQUENCY_LABELS[self]


# i18n: how often a member receives the digest e-mail.
FREQUENCY_LABELS = {
    DigestFrequency.DAILY: _l("Daily"),
    DigestFrequency.WEEKLY: _l("Weekly"),
    DigestFrequency.MONTHLY: _l("Monthly"),
    DigestFrequency.NEVER: _l("Never"),
}

DEFAULT_FREQUENCY = DigestFrequency.WEEKLY
DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_HOUR = 8


def _frequency_type() -> Enum:
    # Stored as text: a new frequency needs no schema change.
    return Enum(DigestFrequency, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class DigestSettings(db.Model):
    """How often a member gets the digest, and when: `weekday` (0 = Monday) and `hour` in the member's own
    timezone (`User.timezone`). No row: weekly, on Monday at 8."""

    __tablename__ = "digest_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    frequency: Mapped[DigestFrequency] = mapped_column(_frequency_type(), default=DEFAULT_FREQUENCY)
    weekday: Mapped[int] = mapped_column(default=DEFAULT_WEEKDAY)
    hour: Mapped[int] = mapped_column(default=DEFAULT_HOUR)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Digest(db.Model):
    """One digest built for one member in one period (e.g. "w2026-10").

    The unique (user_id, period_key) row is written in the same commit as the e-mail it queued, so a run
    that stops half-way resumes without sending anyone a second digest for the period.
    """

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("user_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(16))
    frequency: Mapped[DigestFrequency] = mapped_column(_frequency_type())
    # What it covered: activity after `since`, up to `created_at` (the next digest starts there).
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    item_count: Mapped[int] = mapped_column(default=0)
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))


class DigestItem(db.Model):
    """Something a digest told its member about, so that no later digest repeats it.

    `kind` is "thread", "event", "event_change", "opportunity" or "member"; `number` is the highest post number of a
    thread that was counted, the event's sequence for a change, else 0.
    """

    __tablename__ = "digest_items"

    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    item_id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(default=0)
