"""Helpers shared by the review queue's tests (tests/moderation/test_queue_*.py)."""

from datetime import timedelta

from sqlalchemy import func, select

from community.audit.models import AuditAction, AuditEntry
from community.extensions import db
from community.messages import services as messages
from community.moderation import reports
from community.moderation.models import CaseStatus, ContentKind, ModerationCase, ReportReason
from community.types import utcnow
from tests.factories import make_event, make_thread, make_user


def page_text(response) -> str:
    return response.get_data(as_text=True)


def main_part(response) -> str:
    return page_text(response).split('<main id="main"', 1)[1].split("</main>", 1)[0]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_entries(action: AuditAction | None = None) -> list[AuditEntry]:
    """The audit log, oldest first (of one action when given), read afresh from the database."""
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def member(**overrides):
    """A member who joined long ago (no new-member limits apply), reading English."""
    overrides.setdefault("created_at", utcnow() - timedelta(days=365))
    overrides.setdefault("locale", "en")
    return make_user(**overrides)


def reply_post(thread=None, author=None, body="Buy cheap pills at pills.example"):
    """A reply (post number 2 or more) in `thread`."""
    from community.forum import services as forum

    thread = thread or make_thread(author=member())
    return forum.reply_to_thread(author or member(), thread, body)


def conversation_with(sender, recipient, *bodies):
    """A conversation between two members whose messages alternate between them; returns its messages."""
    conversation = messages.start_conversation(sender, [recipient], "Licensing question", bodies[0])
    for number, body in enumerate(bodies[1:], start=1):
        messages.reply(recipient if number % 2 else sender, conversation, body)
    return list(messages.get_messages_page(conversation, messages.get_participation(sender, conversation.id), 1).items)


def report(kind: ContentKind, target_id: int, reporter=None, reason=ReportReason.SPAM, note=""):
    reporter = reporter or member()
    return reports.report_content(reporter, kind, target_id, reason, note)


def open_case(kind: ContentKind, target_id: int) -> ModerationCase | None:
    db.session.expire_all()
    return db.session.scalar(
        select(ModerationCase).where(
            ModerationCase.kind == kind, ModerationCase.target_id == target_id, ModerationCase.status == CaseStatus.OPEN
        )
    )


def reported_event(**overrides):
    event = make_event(organizer=member(), **overrides)
    report(ContentKind.EVENT, event.id)
    return event
