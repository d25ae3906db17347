import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.types import UTCDateTime, utcnow


class OutboxStatus(enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after MAIL_MAX_ATTEMPTS, or refused for good (5xx); kept for the operator
    # Never sent: optional mail (it has List-Unsubscribe) to an address marked undeliverable after bounces.
    SKIPPED = "skipped"


class OutboxMessage(db.Model):
    """One e-mail, fully rendered, waiting for or done with delivery."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    # The member it is for (their bounces are counted); None for mail to no member.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Made when the message is queued, so every retry sends the same Message-ID (no duplicates in inboxes).
    message_id: Mapped[str | None] = mapped_column(String(255))
    # Extra headers, e.g. List-Unsubscribe, List-Unsubscribe-Post, Reply-To.
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    # Which template produced it (e.g. "accounts/email/confirm"): for tests and for the operator.
    template: Mapped[str] = mapped_column(String(120))
    locale: Mapped[str] = mapped_column(String(5))
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(OutboxStatus, name="outbox_status", values_callable=lambda e: [m.value for m in e]),
        default=OutboxStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Loaded with the batch the sender picks (one query for all), never per message.
    attachments: Mapped[list["OutboxAttachment"]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="OutboxAttachment.id"
    )


class OutboxAttachment(db.Model):
    """A file sent with an outbox message (e.g. an event's .ics)."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))  # e.g. "text/calendar"
    data: Mapped[bytes] = mapped_column(LargeBinary)
