from community.accounts.models import User
from community.audit.models import AuditAction, AuditEntry
from community.extensions import db


def record_action(
    actor: User | None,
    action: AuditAction,
    *,
    target_kind: str = "",
    target_id: int | None = None,
    target_user: User | int | None = None,
    reason: str = "",
    details: dict | None = None,
) -> AuditEntry:
    """Write one entry of the audit log, in the caller's transaction. Only flushes: the caller commits.

    Every service that carries out a moderator's or an admin's action calls this before its commit, so
    the action and its entry are saved together or not at all.
    """
    target_user_id = target_user.id if isinstance(target_user, User) else target_user
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        target_user_id=target_user_id,
        reason=(reason or "").strip(),
        details=details or {},
    )
    db.session.add(entry)
    db.session.flush()
    return entry
