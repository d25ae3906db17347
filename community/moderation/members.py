"""Moderators' decisions about members: warn, silence, suspend, lift them, and approve newcomers.

Each service checks who may act (role and coordinator's scope), then the input and the member's state,
changes the member, writes the audit entry, tells the member (a notification and an e-mail in their
language) and commits once. Refusals: PermissionDenied (403) for someone who may not act on this member,
ActionRefused with field="until" for an end date in the past (422), ActionRefused without a field for
a stale action, such as lifting what is not in force (409).
"""

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from community.accounts import services as accounts
from community.accounts.models import Role, User
from community.audit.models import AuditAction, AuditEntry
from community.audit.services import record_action
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.mail import external_url, queue_email
from community.moderation.models import ModeratorScope
from community.moderation.scopes import can_moderate
from community.notifications import services as notifications
from community.notifications.models import NotificationKind
from community.types import utcnow

# What a notification about a decision on the member's account leads to: the notice page.
NOTICE_TARGET = "moderation_notice"
TARGET_KIND = "member"
MEMBER_ACTIONS = (AuditAction.WARN, AuditAction.SILENCE, AuditAction.UNSILENCE, AuditAction.SUSPEND,
                  AuditAction.UNSUSPEND)  # fmt: skip
HISTORY_PER_PAGE = 20
PENDING_PER_PAGE = 25
REASON_MAX = 2000
SUSPENSION_REASON_MAX = 500  # User.suspension_reason

_RANK = {Role.MEMBER: 0, Role.MODERATOR: 1, Role.ADMIN: 2}

UNTIL_IN_THE_PAST = _l("Please choose an end date in the future.")
REASON_NEEDED = _l("Please write the reason.")
NOT_SILENCED = _l("This member is not read-only at the moment.")
NOT_SUSPENDED = _l("This member is not suspended at the moment.")
DELETED = _l("This account has been deleted.")
NO_APPROVAL_NEEDED = _l("This member does not need approval.")


# Permissions


def can_see_members(user) -> bool:
    """Moderators and admins see the members' moderation pages."""
    return bool(user.is_authenticated and user.is_moderator)


def can_act_on(moderator, member: User) -> bool:
    """Whether `moderator` may warn, silence, suspend or approve `member`.

    Only on a lower role (moderators on members, admins on members and moderators), never on themselves,
    and for a country coordinator only on members of one of their countries.
    """
    return bool(
        moderator.is_authenticated
        and moderator.is_moderator
        and moderator.id != member.id
        and _RANK[member.role] < _RANK[moderator.role]
        and can_moderate(moderator, country=member.country, category_id=None)
    )


def _check_may_act(moderator: User, member: User) -> None:
    if not can_act_on(moderator, member):
        raise PermissionDenied
    if member.is_deleted:
        raise ActionRefused(DELETED)


def _clean_reason(reason: str | None, *, required: bool, limit: int = REASON_MAX) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ActionRefused(REASON_NEEDED, field="reason")
    if len(reason) > limit:
        raise ActionRefused(_l("The reason can have at most %(num)d characters.", num=limit), field="reason")
    return reason


def _check_until(until: datetime | None) -> datetime:
    if until is None or until <= utcnow():
        raise ActionRefused(UNTIL_IN_THE_PAST, field="until")
    return until


# Telling the member


def _tell_member(member: User, entry: AuditEntry, subject, template: str, **context) -> None:
    """Notify the member (in the bell) and mail them, in their language. Only flushes."""
    with force_locale(member.locale):
        # i18n: shown in the member's notifications: "A moderator made a decision about “your account”".
        text = str(_l("your account"))
    notifications.notify(
        [member], NotificationKind.MODERATION_DECISION, target_type=NOTICE_TARGET, target_id=entry.id, text=text
    )
    queue_email(member, subject, template, reason=entry.reason, **context)


def _notice_url(entry: AuditEntry) -> str:
    return external_url("moderation.show_notice", entry_id=entry.id)


def _until_for(member: User, until: datetime) -> str:
    """The end date on the member's clock, in their language (for their e-mail)."""
    return accounts.format_until(until, member.timezone, member.locale)


def _site() -> str:
    return current_app.config["SITE_NAME"]


# Actions


def warn_member(moderator: User, member: User, reason: str) -> AuditEntry:
    """Send the member a private warning: they read it in their notifications and by e-mail."""
    _check_may_act(moderator, member)
    reason = _clean_reason(reason, required=True)
    entry = record_action(moderator, AuditAction.WARN, target_kind=TARGET_KIND, target_id=member.id,
                          target_user=member, reason=reason)  # fmt: skip
    _tell_member(member, entry, _l("A message from the moderators of %(site)s", site=_site()),
                 "moderation/email/member_warned", notice_url=_notice_url(entry))  # fmt: skip
    db.session.commit()
    return entry


def silence_member(moderator: User, member: User, until: datetime, reason: str = "") -> AuditEntry:
    """Make the member read-only until `until` (timezone-aware): they read, RSVP and report, but write nothing.

    Silencing a member who already is replaces the end date.
    """
    _check_may_act(moderator, member)
    until = _check_until(until)
    reason = _clean_reason(reason, required=False)
    previous = member.silenced_until if member.silenced_until and member.silenced_until > utcnow() else None
    member.silenced_until = until
    entry = record_action(
        moderator, AuditAction.SILENCE, target_kind=TARGET_KIND, target_id=member.id, target_user=member,
        reason=reason, details={"until": until.isoformat(), "previous_until": previous and previous.isoformat()},
    )  # fmt: skip
    date = _until_for(member, until)
    _tell_member(member, entry, _l("Your %(site)s account is read-only until %(date)s", site=_site(), date=date),
                 "moderation/email/member_silenced", until_text=date, notice_url=_notice_url(entry))  # fmt: skip
    db.session.commit()
    return entry


def lift_silence(moderator: User, member: User, reason: str = "") -> AuditEntry:
    """End the member's read-only period now; ActionRefused if they are not silenced."""
    _check_may_act(moderator, member)
    reason = _clean_reason(reason, required=False)
    if member.silenced_until is None or member.silenced_until <= utcnow():
        raise ActionRefused(NOT_SILENCED)
    details = {"was_until": member.silenced_until.isoformat()}
    member.silenced_until = None
    entry = record_action(moderator, AuditAction.UNSILENCE, target_kind=TARGET_KIND, target_id=member.id,
                          target_user=member, reason=reason, details=details)  # fmt: skip
    _tell_member(member, entry, _l("You can write again on %(site)s", site=_site()),
                 "moderation/email/member_unsilenced")  # fmt: skip
    db.session.commit()
    return entry


def suspend_member(moderator: User, member: User, until: datetime, reason: str) -> AuditEntry:
    """Suspend the member until `until`: they cannot log in, and every session they have ends now.

    The reason is shown to them when they try to log in, and in the e-mail that tells them.
    """
    _check_may_act(moderator, member)
    until = _check_until(until)
    reason = _clean_reason(reason, required=True, limit=SUSPENSION_REASON_MAX)
    member.suspended_until = until
    member.suspension_reason = reason
    member.rotate_session_token()  # remember-me cookies carry the token: they die too
    entry = record_action(moderator, AuditAction.SUSPEND, target_kind=TARGET_KIND, target_id=member.id,
                          target_user=member, reason=reason, details={"until": until.isoformat()})  # fmt: skip
    date = _until_for(member, until)
    _tell_member(member, entry, _l("Your %(site)s account is suspended until %(date)s", site=_site(), date=date),
                 "moderation/email/member_suspended", until_text=date)  # fmt: skip
    db.session.commit()
    return entry


def lift_suspension(moderator: User, member: User, reason: str = "") -> AuditEntry:
    """Let a suspended member log in again now; ActionRefused if they are not suspended."""
    _check_may_act(moderator, member)
    reason = _clean_reason(reason, required=False)
    if not member.is_suspended:
        raise ActionRefused(NOT_SUSPENDED)
    details = {"was_until": member.suspended_until.isoformat()}
    member.suspended_until = None
    member.suspension_reason = ""
    entry = record_action(moderator, AuditAction.UNSUSPEND, target_kind=TARGET_KIND, target_id=member.id,
                          target_user=member, reason=reason, details=details)  # fmt: skip
    _tell_member(member, entry, _l("Your %(site)s account is active again", site=_site()),
                 "moderation/email/member_unsuspended", login_url=external_url("accounts.login"))  # fmt: skip
    db.session.commit()
    return entry


def approve_member(moderator: User, member: User) -> AuditEntry:
    """Let a member who waits for approval in, and tell them by e-mail (accounts' welcome mail)."""
    _check_may_act(moderator, member)
    if member.is_approved:
        raise ActionRefused(NO_APPROVAL_NEEDED)
    entry = record_action(moderator, AuditAction.APPROVE_MEMBER, target_kind=TARGET_KIND, target_id=member.id,
                          target_user=member)  # fmt: skip
    accounts.approve_member(moderator, member)  # queues the welcome e-mail and commits, with the entry
    return entry


# Reading


def get_member(user_id: int) -> User | None:
    """The member a moderator looks at; None for an unknown or deleted account."""
    member = db.session.get(User, user_id)
    return None if member is None or member.is_deleted else member


def list_history(member: User, page: int, per_page: int = HISTORY_PER_PAGE):
    """The audit entries about the member (their account or their content), newest first, with their actors."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.target_user_id == member.id)
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def list_pending_members(moderator: User, page: int, per_page: int = PENDING_PER_PAGE):
    """Members waiting for approval, oldest first; a country coordinator sees only their countries'."""
    query = (
        select(User)
        .where(User.is_approved.is_(False), User.deleted_at.is_(None))
        .order_by(User.created_at, User.id)
    )
    scopes = db.session.execute(
        select(ModeratorScope.country).where(ModeratorScope.user_id == moderator.id)
    ).scalars().all()  # fmt: skip
    if scopes:
        query = query.where(User.country.in_([country for country in scopes if country]))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get_notice(reader: User, entry_id: int) -> AuditEntry | None:
    """A decision about the reader's own account; None for anyone else's (moderators read them all,
    as they do on the member's moderation page)."""
    query = select(AuditEntry).where(
        AuditEntry.id == entry_id, AuditEntry.target_kind == TARGET_KIND, AuditEntry.action.in_(MEMBER_ACTIONS)
    )
    if not reader.is_moderator:
        query = query.where(AuditEntry.target_user_id == reader.id)
    return db.session.scalar(query)


def until_of(entry: AuditEntry) -> datetime | None:
    """The end date an entry recorded (silence, suspension), if any."""
    value = (entry.details or {}).get("until")
    return datetime.fromisoformat(value) if value else None
