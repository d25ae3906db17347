"""Calendars of events: a member's private, revocable iCalendar feed, and one event as an .ics file."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.events.ics import build_calendar
from community.events.models import CalendarFeed, Event, EventRSVP, RSVPStatus, listed_events, new_feed_token
from community.extensions import db
from community.types import utcnow


def get_calendar_feed(member: User) -> CalendarFeed:
    """The member's private feed address, created on first use."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == member.id))
    if feed is None:
        feed = CalendarFeed(user_id=member.id)
        db.session.add(feed)
        db.session.commit()
    return feed


def revoke_calendar_feed(member: User) -> CalendarFeed:
    """Give the member's feed a new address; the old one stops working at once."""
    feed = get_calendar_feed(member)
    feed.token = new_feed_token()
    db.session.commit()
    return feed


def get_feed_owner(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    feed = db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.token == token).options(joinedload(CalendarFeed.user))
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def list_feed_events(member: User, limit: int = 500) -> list[Event]:
    """The events the member is going to, from a month ago on (cancelled ones too, so calendars drop them)."""
    query = (
        select(Event)
        .join(EventRSVP, EventRSVP.event_id == Event.id)
        .where(
            EventRSVP.user_id == member.id,
            EventRSVP.status == RSVPStatus.GOING,
            Event.ends_at >= utcnow() - timedelta(days=30),
            *listed_events(),
        )
        .order_by(Event.starts_at)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def event_ics(event: Event, *, with_online_url: bool) -> bytes:
    return build_calendar([event], online_url_for=lambda _event: with_online_url)
