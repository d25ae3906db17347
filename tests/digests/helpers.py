"""Helpers for the digest tests: members' settings, and what a member's digest would hold."""

from datetime import timedelta

from community.digests.models import DigestFrequency, DigestSettings
from community.digests.selection import Recipient, build_digests
from community.extensions import db
from community.types import utcnow


def choose(member, frequency=DigestFrequency.DAILY, weekday=0, hour=0):
    """Save the member's digest settings (daily at midnight, their time: due at any moment of the day)."""
    row = db.session.get(DigestSettings, member.id) or DigestSettings(user_id=member.id)
    row.frequency, row.weekday, row.hour = frequency, weekday, hour
    db.session.add(row)
    db.session.commit()
    return member


def digest_for(member, *, since=None, now=None, frequency=DigestFrequency.WEEKLY):
    """The digest selection would build for `member` now, covering the last week unless told."""
    now = now or utcnow() + timedelta(seconds=1)
    since = since or now - timedelta(days=7)
    [content] = build_digests([Recipient(member, frequency, since, now)], now)
    return content


def thread_titles(content) -> list[str]:
    return [item.title for item in content.threads]


def reply_titles(content) -> list[str]:
    return [item.title for item in content.replies]


def event_titles(content) -> list[str]:
    return [item.event.title for item in content.events]


def happened_at(thread, when):
    """Move a thread and its posts to `when`, as if they had been written then."""
    from sqlalchemy import update

    from community.forum.models import Post

    thread.created_at = thread.last_post_at = when
    db.session.execute(update(Post).where(Post.thread_id == thread.id).values(created_at=when))
    db.session.commit()
    return thread
