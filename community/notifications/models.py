import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
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
    NEW_MESSAGE = "new_message"  # a private message in one of the member's conversations
    MENTION = "mention"  # someone wrote @handle of the member in a forum post
    MODERATION_DECISION = "moderation_decision"  # a moderator acted on the member's content or report


class NotificationTopic(enum.Enum):
    """What a member chooses e-mail for: the kinds of notification, grouped as members think of them."""

    MESSAGES = "messages"
    MENTIONS = "mentions"
    REPLIES = "replies"
    NEW_THREADS = "new_threads"
    EVENTS = "events"
    MODERATION = "moderation"

    @property
    def label(self):
        return _TOPIC_LABELS[self]

    @property
    def by_email_unless_chosen(self) -> bool:
        """The choice of a member who has not chosen: e-mail for what is addressed to them personally."""
        return self in (NotificationTopic.MESSAGES, NotificationTopic.MENTIONS, NotificationTopic.EVENTS,
                        NotificationTopic.MODERATION)  # fmt: skip


_TOPIC_LABELS = {
    NotificationTopic.MESSAGES: _l("New private messages"),
    NotificationTopic.MENTIONS: _l("Someone mentions you in the forum"),
    NotificationTopic.REPLIES: _l("Replies in threads you watch"),
    NotificationTopic.NEW_THREADS: _l("New threads in categories you watch"),
    NotificationTopic.EVENTS: _l("Changes to events you are going to or interested in"),
    NotificationTopic.MODERATION: _l("Moderators' decisions about your content and reports"),
}

TOPIC_OF_KIND = {
    NotificationKind.NEW_MESSAGE: NotificationTopic.MESSAGES,
    NotificationKind.MENTION: NotificationTopic.MENTIONS,
    NotificationKind.NEW_REPLY: NotificationTopic.REPLIES,
    NotificationKind.NEW_THREAD: NotificationTopic.NEW_THREADS,
    NotificationKind.EVENT_CHANGED: NotificationTopic.EVENTS,
    NotificationKind.EVENT_CANCELLED: NotificationTopic.EVENTS,
    NotificationKind.EVENT_MESSAGE: NotificationTopic.EVENTS,
    NotificationKind.EVENT_MINUTES: NotificationTopic.EVENTS,
    NotificationKind.MODERATION_DECISION: NotificationTopic.MODERATION,
}


class NotificationPreference(db.Model):
    """A member's choice for one topic: on the site only, or by e-mail too. No row: the topic's default."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[NotificationTopic] = mapped_column(
        Enum(NotificationTopic, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]),
        primary_key=True,
    )
    by_email: Mapped[bool]


class Notification(db.Model):
    """One thing that happened, for one member; read when `read_at` is set."""

    __tablename__ = "notifications"
    # The bell's unread count and the member's list both start from this index.
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at", "created_at"),
        # The e-mail job's scan: the recent ones it has not dealt with yet.
        Index("ix_notifications_email_pending", "emailed_at", "created_at"),
    )

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
    # When the e-mail job was done with it: e-mailed, or nothing to e-mail (the member wants no e-mail of
    # this kind, read it first, or it was hidden). Pending while it waits for the thread's next e-mail.
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationEmail(db.Model):
    """When a member was last e-mailed about one thread or conversation (`group_key`, e.g. "thread:42").

    What happens there within NOTIFICATION_EMAIL_INTERVAL_MINUTES of that waits for the next e-mail.
    """

    __tablename__ = "notification_emails"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
