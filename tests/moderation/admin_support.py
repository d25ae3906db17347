"""Helpers shared by the admin pages' tests (tests/moderation/test_admin_*.py)."""

from sqlalchemy import func, select

from community.audit.models import AuditAction, AuditEntry
from community.extensions import db


def page_text(response) -> str:
    return response.get_data(as_text=True)


def main_part(response) -> str:
    return page_text(response).split('<main id="main"', 1)[1].split("</main>", 1)[0]


def audit_entries(action: AuditAction | None = None) -> list[AuditEntry]:
    """The audit log, oldest first (of one action when given), read afresh from the database."""
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))
