"""Helpers shared by the tests of screened, held and hidden content (tests/moderation/test_content_*.py)."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from community.events.models import EventFormat, EventKind
from community.events.services import EventData
from community.extensions import db
from community.moderation.models import CaseStatus, ContentKind, ModerationCase, WatchedWord, WatchedWordAction
from community.notifications.models import Notification
from community.types import utcnow
from tests.factories import make_user

BLOCK, REVIEW = WatchedWordAction.BLOCK, WatchedWordAction.REVIEW


def member(**overrides):
    """A member who joined long ago (the newcomers' link rule does not apply), reading English."""
    overrides.setdefault("created_at", utcnow() - timedelta(days=365))
    overrides.setdefault("locale", "en")
    return make_user(**overrides)


def newcomer(**overrides):
    """A member who joined an hour ago, reading English."""
    overrides.setdefault("created_at", utcnow() - timedelta(hours=1))
    overrides.setdefault("locale", "en")
    return make_user(**overrides)


def watch(word: str, action: WatchedWordAction = BLOCK, language: str = "en") -> WatchedWord:
    """A watched word, as admins add them (lowercase). Add them before the first screening of a test:
    the word list is read once per request (the test's app context counts as one)."""
    row = WatchedWord(word=word.lower(), action=action, language=language)
    db.session.add(row)
    db.session.commit()
    return row


def open_case(kind: ContentKind, target_id: int) -> ModerationCase | None:
    db.session.expire_all()
    return db.session.scalar(
        select(ModerationCase).where(
            ModerationCase.kind == kind, ModerationCase.target_id == target_id, ModerationCase.status == CaseStatus.OPEN
        )
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def notified(user, kind=None) -> list[Notification]:
    """The member's notifications (of one kind when given), oldest first."""
    db.session.expire_all()
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def next_week_at(hour: int) -> datetime:
    day = (utcnow() + timedelta(days=7)).date()
    return datetime(day.year, day.month, day.day, hour, 0)


def event_data(**overrides) -> EventData:
    values = {
        "title": "Licensing workshop",
        "language": "en",
        "kind": EventKind.TRAINING,
        "starts_local": next_week_at(10),
        "ends_local": next_week_at(12),
        "timezone": "America/Lima",
        "format": EventFormat.IN_PERSON,
        "description": "Royalty rates and exclusivity.",
        "venue": "INDECOPI",
        "city": "Lima",
        "country": "PE",
    }
    values.update(overrides)
    return EventData(**values)


def event_form(**overrides) -> dict:
    day = (utcnow() + timedelta(days=10)).date()
    values = {
        "title": "Licensing workshop",
        "kind": "meeting",
        "language": "en",
        "description": "Royalty rates and exclusivity.",
        "timezone": "America/Lima",
        "starts_at": f"{day}T10:00",
        "ends_at": f"{day}T12:00",
        "format": "in_person",
        "venue": "INDECOPI",
        "city": "Lima",
        "country": "PE",
        "online_url": "",
        "capacity": "",
        "registration_deadline": "",
    }
    values.update(overrides)
    return values
