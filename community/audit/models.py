import enum
from datetime import datetime

from sqlalchemy import DDL, JSON, Enum, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.extensions import db
from community.types import UTCDateTime, utcnow


class AuditAction(enum.Enum):
    # Content
    DISMISS_REPORTS = "dismiss_reports"
    HIDE = "hide"
    RESTORE = "restore"
    APPROVE_CONTENT = "approve_content"  # content that awaited review is published
    EDIT = "edit"
    LOCK = "lock"
    UNLOCK = "unlock"
    PIN = "pin"
    UNPIN = "unpin"
    MOVE = "move"
    AUTO_HIDE = "auto_hide"  # hidden by the system once enough members reported it (actor empty)
    REPLY = "reply"  # a canned reply sent to a reporter or an author
    # Members
    WARN = "warn"
    SILENCE = "silence"
    UNSILENCE = "unsilence"
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"
    APPROVE_MEMBER = "approve_member"
    VERIFY_MEMBER = "verify_member"
    UNVERIFY_MEMBER = "unverify_member"
    CHANGE_ROLE = "change_role"
    CHANGE_SCOPE = "change_scope"
    # Site
    CHANGE_SETTING = "change_setting"
    CREATE_CATEGORY = "create_category"
    EDIT_CATEGORY = "edit_category"
    CREATE_EXPERTISE = "create_expertise"
    EDIT_EXPERTISE = "edit_expertise"
    CREATE_INSTITUTION = "create_institution"
    EDIT_INSTITUTION = "edit_institution"
    ADD_WATCHED_WORD = "add_watched_word"
    REMOVE_WATCHED_WORD = "remove_watched_word"
    CREATE_CANNED_REPLY = "create_canned_reply"
    EDIT_CANNED_REPLY = "edit_canned_reply"
    DELETE_CANNED_REPLY = "delete_canned_reply"


class AuditEntry(db.Model):
    """One action. Rows are only ever inserted: the ORM refuses updates and deletes, and so does the database."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_action_created_at", "action", "created_at"),
        Index("ix_audit_log_actor_id_created_at", "actor_id", "created_at"),
        Index("ix_audit_log_target_user_id_created_at", "target_user_id", "created_at"),
        Index("ix_audit_log_target", "target_kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # empty: the system acted
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    # Stored as text, so a new action needs no migration.
    action: Mapped[AuditAction] = mapped_column(
        Enum(AuditAction, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])
    )
    target_kind: Mapped[str] = mapped_column(String(20), default="")  # post, thread, event, member, category, ...
    target_id: Mapped[int | None]
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # whose content or account
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # before/after, an end date, a category move


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(_mapper, _connection, entry):
    raise RuntimeError(f"audit entries are never changed or removed (entry {entry.id})")


# The database refuses updates as well, whatever the client (deletes are left to test clean-up).
_REFUSE_UPDATES = {
    "sqlite": DDL(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    ),
    "postgresql": DDL(
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql"
    ),
}
_PG_TRIGGER = DDL(
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
)
for _dialect, _ddl in _REFUSE_UPDATES.items():
    event.listen(AuditEntry.__table__, "after_create", _ddl.execute_if(dialect=_dialect))
event.listen(AuditEntry.__table__, "after_create", _PG_TRIGGER.execute_if(dialect="postgresql"))
