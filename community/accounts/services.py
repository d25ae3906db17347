import secrets
import time
from datetime import datetime
from functools import cache
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_datetime_format
from flask import current_app
from flask_babel import LazyString, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from community.accounts.handles import HANDLE_PATTERN
from community.accounts.models import Role, User
from community.accounts.tokens import INVALID, fingerprint, make_token, read_token
from community.errors import ActionRefused, PermissionDenied, Silenced
from community.extensions import db
from community.i18n import DEFAULT_LANGUAGE, LANGUAGES, default_timezone_for, is_timezone
from community.mail import external_url, queue_email
from community.mail.bounces import clear_bounces
from community.settings import get_setting
from community.types import utcnow

WRONG_CREDENTIALS = _l("Wrong e-mail address or password.")
WRONG_PASSWORD = _l("Your current password is not correct.")
ADDRESS_UNAVAILABLE = _l("This address cannot be used. Please choose another one.")


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def normalize_email(address: str) -> str:
    return address.strip().lower()


def get_user_by_email(address: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(address)))


def register_member(email: str, password: str, display_name: str, country: str, locale: str) -> User | None:
    """Create an unconfirmed member and mail them a confirmation link.

    If the address already has an account, nothing is created and its owner is told by e-mail
    instead, so the form never reveals who is a member. Returns the new User, or None.
    """
    email = normalize_email(email)
    existing = get_user_by_email(email)
    if existing is not None:
        if not existing.is_deleted:
            queue_email(
                existing,
                _l("Someone tried to join %(site)s with your address", site=current_app.config["SITE_NAME"]),
                "accounts/email/already_registered",
                login_url=external_url("accounts.login"),
                reset_url=external_url("accounts.forgot_password"),
            )
            db.session.commit()
        return None
    user = User(
        email=email,
        display_name=display_name.strip(),
        country=country,
        locale=locale if locale in LANGUAGES else "es",
        timezone=default_timezone_for(country),
        is_approved=not get_setting("require_approval"),
    )
    user.set_password(password)
    _add_with_free_handle(user)
    _queue_confirmation(user)
    db.session.commit()
    return user


def _add_with_free_handle(user: User, attempts: int = 3) -> None:
    """Add the new member; if someone took the same handle a moment ago, pick the next free one."""
    for attempt in range(attempts):
        try:
            with db.session.begin_nested():
                db.session.add(user)
                db.session.flush()
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            user.handle = None  # given again, now that the other one is in the table


def _queue_confirmation(user: User) -> None:
    token = make_token("confirm", uid=user.id, email=user.email)
    queue_email(
        user,
        _l("Confirm your e-mail address for %(site)s", site=current_app.config["SITE_NAME"]),
        "accounts/email/confirm",
        confirm_url=external_url("accounts.confirm_email", token=token),
    )


def resend_confirmation(email: str) -> None:
    """Mail a new confirmation link if the address belongs to an unconfirmed member; say nothing otherwise.

    A confirmed member whose address was marked undeliverable (it bounced) may confirm it again too.
    """
    user = get_user_by_email(email)
    if user is None or user.is_deleted or (user.is_confirmed and user.email_undeliverable_at is None):
        return
    _queue_confirmation(user)
    db.session.commit()


def confirm_email(token: str) -> User:
    """Mark the member's address confirmed; raise ActionRefused for a bad, expired or stale link."""
    payload = read_token("confirm", token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.is_deleted or user.email != payload.get("email"):
        raise ActionRefused(INVALID)
    if not user.is_confirmed:
        user.email_confirmed_at = utcnow()
    clear_bounces(user)  # the address just showed that it receives mail
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    """The member with these credentials, ready to be logged in; ActionRefused says why not."""
    user = get_user_by_email(email)
    if user is None or user.is_deleted:
        # Hash anyway, so the answer takes as long as for a real member and reveals no address.
        check_password_hash(_dummy_hash(), password)
        raise ActionRefused(WRONG_CREDENTIALS)
    if not user.check_password(password):
        raise ActionRefused(WRONG_CREDENTIALS)
    if not user.is_confirmed:
        raise ActionRefused(_l("Please confirm your e-mail address first: follow the link we sent you."))
    if not user.is_approved:
        raise ActionRefused(_l("Your membership is waiting for a moderator's approval. We will write to you."))
    if user.is_suspended:
        raise ActionRefused(LazyString(_suspended_text, user.suspended_until, user.timezone, user.suspension_reason))
    return user


# Silenced and suspended members (moderators set the dates; community/moderation/members.py)


def format_until(instant: datetime, zone_name: str | None = None, language: str | None = None) -> str:
    """An end date as a reader expects it ("12 jun 2026, 14:00"): medium date, short time, in a zone."""
    if language is None:
        locale = get_locale()
        language = locale.language if locale else DEFAULT_LANGUAGE
    local = instant.astimezone(ZoneInfo(zone_name or "UTC"))
    day = format_date(local, "medium", locale=language)
    clock = format_time(local, "short", locale=language)
    return get_datetime_format("medium", locale=language).replace("{1}", day).replace("{0}", clock)


def _suspended_text(until: datetime, zone_name: str, reason: str) -> str:
    return _("Your account is suspended until %(date)s. Reason: %(reason)s", date=format_until(until, zone_name),
             reason=reason)  # fmt: skip


def read_only_until(user) -> datetime | None:
    """Until when the member may read but not write (silenced or suspended), or None if they may write."""
    # Not `is_authenticated`: that is False for a suspended member, whom a service (CLI) must refuse too.
    if not getattr(user, "is_silenced", False):
        return None
    now = utcnow()
    return max(end for end in (user.silenced_until, user.suspended_until) if end is not None and end > now)


def _read_only_text(until: datetime, zone_name: str) -> str:
    return _("Your account is read-only until %(date)s.", date=format_until(until, zone_name))


def read_only_reason(user):
    """What a silenced member is told (a lazy string, in the reader's language), or None if they may write."""
    until = read_only_until(user)
    return None if until is None else LazyString(_read_only_text, until, user.timezone)


def refuse_if_silenced(user) -> None:
    """Raise Silenced (a 403 saying until when) if the member may not write anything others read.

    Every service that publishes a member's words (posts, messages, events, profiles) calls it first.
    """
    reason = read_only_reason(user)
    if reason is not None:
        raise Silenced(reason)


def touch_last_seen(user: User) -> None:
    """Record activity at most every five minutes, so page views rarely write."""
    now = utcnow()
    if user.last_seen_at is None or (now - user.last_seen_at).total_seconds() > 300:
        user.last_seen_at = now
        db.session.commit()


def request_password_reset(email: str) -> None:
    """Mail a reset link if the address has an account. The caller shows the same answer either way."""
    user = get_user_by_email(email)
    if user is None or user.is_deleted:
        return
    # Bound to the current password hash: once used (or the password changes) the link is dead.
    token = make_token("reset", uid=user.id, pw=fingerprint(user.password_hash))
    queue_email(
        user,
        _l("Reset your %(site)s password", site=current_app.config["SITE_NAME"]),
        "accounts/email/reset_password",
        reset_url=external_url("accounts.reset_password", token=token),
        hours=current_app.config["RESET_TOKEN_MAX_AGE"] // 3600,
    )
    db.session.commit()


def check_reset_token(token: str) -> User:
    payload = read_token("reset", token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.is_deleted or payload.get("pw") != fingerprint(user.password_hash):
        raise ActionRefused(INVALID)
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link and end every existing session of the member."""
    user = check_reset_token(token)
    user.set_password(new_password)
    user.rotate_session_token()
    # Following the link proves the member reads this mailbox.
    if not user.is_confirmed:
        user.email_confirmed_at = utcnow()
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace the password and end every other session (the caller logs the current one in again)."""
    if not user.check_password(current_password):
        raise ActionRefused(WRONG_PASSWORD, field="current_password")
    user.set_password(new_password)
    user.rotate_session_token()
    db.session.commit()


def log_out(user: User) -> None:
    """End the member's session for good, so that a copy of its cookie stops working too.

    Sessions live in signed cookies that the server cannot revoke one by one: rotating the session
    token is what ends this one, and it ends the member's sessions on other devices as well.
    """
    user.rotate_session_token()
    db.session.commit()


def log_out_everywhere(user: User) -> None:
    """End every session and remember-me cookie of the member, on every device."""
    user.rotate_session_token()
    db.session.commit()


def request_email_change(user: User, password: str, new_email: str) -> None:
    """Mail a confirmation link to the new address; the address changes only when it is followed."""
    if not user.check_password(password):
        raise ActionRefused(WRONG_PASSWORD, field="current_password")
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise ActionRefused(_l("This is already your e-mail address."), field="email")
    if get_user_by_email(new_email) is not None:
        raise ActionRefused(ADDRESS_UNAVAILABLE, field="email")
    token = make_token("change-email", uid=user.id, email=new_email, old=user.email)
    queue_email(
        user,
        _l("Confirm your new e-mail address for %(site)s", site=current_app.config["SITE_NAME"]),
        "accounts/email/change_email",
        to=new_email,
        new_email=new_email,
        confirm_url=external_url("accounts.confirm_email_change", token=token),
    )
    db.session.commit()


def confirm_email_change(token: str) -> User:
    """Switch the member to the confirmed new address and tell the old one."""
    payload = read_token("change-email", token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload.get("uid"))
    new_email = payload.get("email", "")
    if user is None or user.is_deleted or user.email != payload.get("old"):
        raise ActionRefused(INVALID)
    if get_user_by_email(new_email) is not None:
        raise ActionRefused(ADDRESS_UNAVAILABLE, field="email")
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = utcnow()
    clear_bounces(user)  # the old address's bounces say nothing about the new one
    queue_email(
        user,
        _l("Your %(site)s e-mail address was changed", site=current_app.config["SITE_NAME"]),
        "accounts/email/email_changed",
        to=old_email,
        new_email=new_email,
    )
    db.session.commit()
    return user


def update_preferences(
    user: User, locale: str, timezone: str, content_languages: list[str] | None = None, handle: str | None = None
) -> None:
    """Save the member's language and time zone, the content languages they read and their @handle (when given)."""
    if handle is not None:
        _change_handle(user, handle)
    if locale not in LANGUAGES:
        raise ActionRefused(_l("Please choose one of the offered languages."))
    if not is_timezone(timezone):
        raise ActionRefused(_l("Please choose a valid time zone."))
    if content_languages is not None:
        chosen = [code for code in LANGUAGES if code in content_languages]
        if not chosen or len(chosen) != len(set(content_languages)):
            raise ActionRefused(_l("Please choose at least one language."), field="content_languages")
        user.content_languages = ",".join(chosen)
    user.locale = locale
    user.timezone = timezone
    db.session.commit()


def _change_handle(user: User, handle: str) -> None:
    handle = handle.strip().removeprefix("@").lower()
    if handle == user.handle:
        return
    if not HANDLE_PATTERN.match(handle):
        raise ActionRefused(
            _l("Use 3 to 30 letters (a-z), digits, dots or underscores, beginning and ending with a letter or digit."),
            field="handle",
        )
    if db.session.scalar(select(User.id).where(User.handle == handle)) is not None:  # stored lowercase
        raise ActionRefused(_l("This handle is taken. Please choose another."), field="handle")
    user.handle = handle


def set_language(user: User, locale: str) -> None:
    if locale not in LANGUAGES:
        raise ActionRefused(_l("Please choose one of the offered languages."))
    user.locale = locale
    db.session.commit()


def delete_account(user: User, password: str) -> None:
    """Remove the member's personal data; their contributions stay, shown as a former member's."""
    if not user.check_password(password):
        raise ActionRefused(WRONG_PASSWORD, field="current_password")
    user.deleted_at = utcnow()
    user.email = f"deleted-{user.id}@invalid"
    user.display_name = ""
    user.country = None
    user.password_hash = ""
    user.rotate_session_token()
    db.session.commit()


def can_approve_members(user: User) -> bool:
    return user.is_authenticated and user.is_moderator


def list_pending_members(page: int, per_page: int = 25):
    query = (
        select(User)
        .where(User.is_approved.is_(False), User.deleted_at.is_(None))
        .order_by(User.created_at, User.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def approve_member(moderator: User, member: User) -> None:
    """Let a waiting member in and tell them by e-mail."""
    if not can_approve_members(moderator):
        raise PermissionDenied
    if member.is_approved or member.is_deleted:
        raise ActionRefused(_l("This member does not need approval."))
    member.is_approved = True
    queue_email(
        member,
        _l("Welcome to %(site)s: your membership was approved", site=current_app.config["SITE_NAME"]),
        "accounts/email/approved",
        login_url=external_url("accounts.login"),
    )
    db.session.commit()


def create_admin(email: str, display_name: str, password: str, country: str | None = None) -> User:
    """Create a confirmed administrator, or promote the member who has this address."""
    user = get_user_by_email(email)
    if user is None:
        user = User(email=normalize_email(email), display_name=display_name, country=country, locale="es")
        user.timezone = default_timezone_for(country)
        db.session.add(user)
    user.set_password(password)
    user.role = Role.ADMIN
    user.is_approved = True
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    db.session.commit()
    return user


def count_members() -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.deleted_at.is_(None))) or 0


MEMBER_COUNT_SECONDS = 60
_member_counts: "WeakKeyDictionary[Engine, tuple[float, int]]" = WeakKeyDictionary()


def count_members_shown() -> int:
    """The member count the home page shows: counted at most once a minute per worker and database.

    Counting scans every member, and visitors' first page need not be exact to the second.
    """
    now = time.monotonic()
    expires, count = _member_counts.get(db.engine, (0.0, 0))
    if now >= expires:
        count = count_members()
        _member_counts[db.engine] = (now + MEMBER_COUNT_SECONDS, count)
    return count
