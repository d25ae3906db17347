import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, UniqueConstraint, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.extensions import db
from community.types import UTCDateTime, utcnow


def _text_enum(enum_class, length: int = 20) -> Enum:
    # Stored as text, so adding a member (opportunities will) needs no migration.
    return Enum(enum_class, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class ContentKind(enum.Enum):
    POST = "post"
    THREAD = "thread"
    EVENT = "event"
    PROFILE = "profile"
    MESSAGE = "message"
    OPPORTUNITY = "opportunity"  # a technology offer or request, a collaboration call, an expertise offer


class ReportReason(enum.Enum):
    SPAM = "spam"
    HARASSMENT = "harassment"
    OFF_TOPIC = "off_topic"
    CONFIDENTIAL = "confidential"  # confidential information disclosed
    OTHER = "other"


# i18n: the reasons a member can give when reporting something.
REASON_LABELS = {
    ReportReason.SPAM: _l("Spam or advertising"),
    ReportReason.HARASSMENT: _l("Harassment or abuse"),
    ReportReason.OFF_TOPIC: _l("Off-topic"),
    ReportReason.CONFIDENTIAL: _l("Confidential information"),
    ReportReason.OTHER: _l("Something else"),
}


class CaseStatus(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class Signal(enum.Enum):
    """Why the system, not a member, put an item in the queue."""

    FIRST_POSTS = "first_posts"  # a new member's first posts wait for approval
    WATCHED_WORD = "watched_word"
    LINKS = "links"  # several links from a member in their first days
    REPORT_THRESHOLD = "report_threshold"  # hidden automatically: enough distinct members reported it


class ModerationCase(db.Model):
    """One item in the review queue: the reports and signals about one piece of content or one member.

    At most one case per item is open; once handled it is closed, and a later report opens a new one.
    """

    __tablename__ = "moderation_cases"
    __table_args__ = (
        Index(
            "ix_moderation_cases_one_open_per_item", "kind", "target_id", unique=True,
            sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'"),
        ),
        # The queue: open cases, most recently active first.
        Index("ix_moderation_cases_status_updated_at", "status", "updated_at"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ContentKind] = mapped_column(_text_enum(ContentKind))
    target_id: Mapped[int]
    # Who wrote the item (the member, for a profile) and where it belongs, for coordinators' scopes.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("forum_categories.id", ondelete="SET NULL"), index=True)
    status: Mapped[CaseStatus] = mapped_column(_text_enum(CaseStatus), default=CaseStatus.OPEN)
    report_count: Mapped[int] = mapped_column(default=0)  # distinct members who reported it (kept on the row)
    awaiting_review: Mapped[bool] = mapped_column(default=False)  # the content is held until approved
    signal: Mapped[Signal | None] = mapped_column(_text_enum(Signal))
    signal_detail: Mapped[str] = mapped_column(String(100), default="")
    is_auto_hidden: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str] = mapped_column(String(30), default="")  # the AuditAction value that closed it

    reports: Mapped[list["Report"]] = relationship(back_populates="case", order_by="Report.created_at")


# "The case is open", with the status written into the SQL rather than bound. SQLite decides whether the
# partial index above may serve a statement from the bound value, so a statement comparing the status with
# a bound value is planned again on every run: 0.13 ms on every member's page, for the navigation's numbers.
CASE_IS_OPEN = ModerationCase.status == literal_column(f"'{CaseStatus.OPEN.value}'")


class Report(db.Model):
    """A member's report of an item; one per member per open case."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("case_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id", ondelete="CASCADE"))
    case: Mapped[ModerationCase] = relationship(back_populates="reports")
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reporter: Mapped[User] = relationship()
    reason: Mapped[ReportReason] = mapped_column(_text_enum(ReportReason))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the reporter was told


class WatchedWordAction(enum.Enum):
    BLOCK = "block"  # the text is refused, with a message
    REVIEW = "review"  # the text is saved but waits in the queue


class WatchedWord(db.Model):
    """A word (or phrase) admins watch for in new content of one language."""

    __tablename__ = "watched_words"
    __table_args__ = (UniqueConstraint("language", "word"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(2))
    word: Mapped[str] = mapped_column(String(100))  # stored lowercase
    action: Mapped[WatchedWordAction] = mapped_column(_text_enum(WatchedWordAction))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CannedReply(db.Model):
    """A prepared answer to reporters or authors, kept in the three languages; sent in the recipient's."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))  # how moderators pick it
    body_es: Mapped[str] = mapped_column(Text, default="")
    body_pt: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def body_in(self, language: str) -> str:
        return getattr(self, f"body_{language}", "") or self.body_es or self.body_pt or self.body_en


class ModeratorScope(db.Model):
    """Limits a moderator (a country coordinator) to a country or a forum category.

    A moderator with no scope acts everywhere; with scopes, only on items in one of them.
    """

    __tablename__ = "moderator_scopes"
    __table_args__ = (
        CheckConstraint("country IS NOT NULL OR category_id IS NOT NULL", name="country_or_category"),
        UniqueConstraint("user_id", "country", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("forum_categories.id", ondelete="CASCADE"))
