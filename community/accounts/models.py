import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from community.extensions import db
from community.i18n import LANGUAGES
from community.types import UTCDateTime, utcnow


class Role(enum.Enum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


def shown_name(display_name: str, deleted_at: datetime | None):
    """`User.name` from the two columns it needs, for lists that select columns rather than whole accounts."""
    return _l("Former member") if deleted_at is not None else display_name


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    display_name: Mapped[str] = mapped_column(String(80))
    # Written as @handle to mention the member; given from the name on creation (accounts/handles.py).
    handle: Mapped[str] = mapped_column(String(30), unique=True)
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    locale: Mapped[str] = mapped_column(String(5), default="es")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The languages of forum threads the member reads (comma-separated codes); lists can keep to these.
    content_languages: Mapped[str] = mapped_column(String(20), default="es,pt,en", server_default="es,pt,en")
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="user_role", values_callable=lambda e: [m.value for m in e]), default=Role.MEMBER
    )
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_approved: Mapped[bool] = mapped_column(default=True)
    # Part of every session and remember-me cookie; replacing it ends all sessions at once.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set by moderators: a silenced member reads but writes nothing others see; a suspended member cannot
    # log in (and is shown the reason and the end date when trying).
    silenced_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspension_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # Permanent refusals (SMTP 5xx) of mail to the address since it last worked; at MAIL_MAX_BOUNCES the
    # address is marked undeliverable and only account mail is sent to it until it is confirmed or changed.
    email_bounce_count: Mapped[int] = mapped_column(default=0, server_default="0")
    email_undeliverable_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    @property
    def name(self):
        """The name shown to others; a deleted account's content stays, signed by a former member."""
        return shown_name(self.display_name, self.deleted_at)

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt with a random salt per password.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def reading_languages(self) -> tuple[str, ...]:
        """The content languages the member chose, in the site's order (all of them if none is valid)."""
        chosen = set((self.content_languages or "").split(","))
        return tuple(code for code in LANGUAGES if code in chosen) or LANGUAGES

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > utcnow()

    @property
    def is_silenced(self) -> bool:
        """Read-only for now: silenced, or suspended (a suspended member has no session, but a CLI may act)."""
        return self.is_suspended or (self.silenced_until is not None and self.silenced_until > utcnow())

    @property
    def is_active(self) -> bool:
        return self.is_confirmed and self.is_approved and not self.is_deleted and not self.is_suspended

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


# Gives every new account its handle (a listener on User, so it must be imported with it).
from community.accounts import handles  # noqa: E402, F401
