"""`flask seed demo` adds past and coming events across the region, with a follow-up chain from Mexico City 2023."""

from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from community.events.demo import load_events_demo
from community.events.models import Event
from community.extensions import db
from community.forum import services as forum
from community.seed.demo import DEMO_MEMBERS
from community.types import utcnow
from tests.factories import make_user


def test_demo_events_chain_from_the_mexico_city_conference_and_span_the_region(app):
    for name, email, country, locale, role in DEMO_MEMBERS:
        make_user(display_name=name, email=email, country=country, locale=locale, role=role, commit=False)
    db.session.commit()
    forum.ensure_default_categories()

    added = load_events_demo()

    events = list(db.session.scalars(select(Event)))
    assert added == len(events) >= 8
    now = utcnow()
    assert sum(e.ends_at < now for e in events) >= 3 and sum(e.starts_at > now for e in events) >= 3
    assert len({e.country for e in events if e.country}) >= 5
    assert len({e.timezone for e in events}) >= 6
    # Walk the chain back from the newest follow-up to its start.
    event = max((e for e in events if e.follow_up_of_id), key=lambda e: e.starts_at)
    chain = [event]
    while chain[-1].follow_up_of is not None:
        chain.append(chain[-1].follow_up_of)
    first = chain[-1]
    assert len(chain) >= 4 and chain[0].starts_at > now
    start = first.starts_at.astimezone(ZoneInfo(first.timezone))
    assert (first.city, start.year, start.month) == ("Ciudad de México", 2023, 5)
    assert all(e.thread_id for e in events if e.starts_at > now)
    # Loading twice adds nothing.
    assert load_events_demo() == 0
    assert db.session.scalar(select(func.count(Event.id))) == len(events)
