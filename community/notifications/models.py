import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.extensions import db
from community.types import UTCDateTime, utcnow


class NotificationKind(enum.Enum):
    NEW_REPLY = "new_reply"  # a reply in a watched thread, or in a thread of a watched category
    NEW_THREAD = "new_thread"  # a new thread in a watched category
    EVENT_CHANGED = "event_changed"  # new time or place of an event the member is going to or interested in
    EVENT_CANCELLED = "event_cancelled"
    EVENT_MESSAGE = "event_message"  # the organizer wrote to the attendees
    EVENT_MINUTES = "event_minutes"  # the organizer published the minutes


class Notification(db.Model):
    """One thing that happened, for one member; read when `read_at` is set."""

    __tablename__ = "notifications"
    # The bell's unread count and the member's list both start from this index.
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Stored as text, not as a database enum: later areas add kinds without a schema change.
    kind: Mapped[NotificationKind] = mapped_column(
        Enum(NotificationKind, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    # What the notification leads to, e.g. ("forum_post", 42); an area registers how to link to its type.
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int]
    # A short text kept as it was (a thread's title), shown inside the translated sentence of the kind.
    text: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
