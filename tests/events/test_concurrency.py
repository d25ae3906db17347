"""Members asking for the last seat at the same moment: exactly one gets it (PostgreSQL row lock)."""

import threading

import pytest
from sqlalchemy import select

from community.events.models import EventRSVP, RSVPStatus
from community.extensions import db
from tests.factories import make_event, make_user


@pytest.fixture
def postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writes; the row lock is a PostgreSQL matter (set TEST_DATABASE_URL)")


def test_concurrent_requests_for_the_last_seat_give_it_to_exactly_one_member(app, postgres):
    event = make_event(capacity=3, going_count=2)
    members = [make_user() for _ in range(8)]
    barrier = threading.Barrier(len(members))
    statuses: list[int] = []
    errors: list[BaseException] = []

    url = f"/events/{event.id}/rsvp"

    def take_seat(user_id: str):
        try:
            client = app.test_client()
            with app.app_context(), client.session_transaction() as session:
                session["_user_id"] = user_id
                session["_fresh"] = True
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data={"answer": "going"}).status_code)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=take_seat, args=(member.get_id(),)) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert statuses == [302] * len(members)
    db.session.expire_all()
    answers = list(db.session.scalars(select(EventRSVP.status).where(EventRSVP.event_id == event.id)))
    assert answers.count(RSVPStatus.GOING) == 1
    assert answers.count(RSVPStatus.WAITLISTED) == len(members) - 1
    db.session.refresh(event)
    assert event.going_count == 3
