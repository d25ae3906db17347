"""Events moderators hid or still review send no reminders and leave the calendars."""

from datetime import timedelta

import pytest

from community.events import calendars, reminders
from community.events.models import EventRSVP, RSVPStatus
from community.extensions import db
from tests.factories import make_event, make_user

pytestmark = pytest.mark.usefixtures("app")


@pytest.mark.parametrize("flag", ["is_hidden", "awaiting_review"])
def test_no_reminders_for_an_event_hidden_or_awaiting_review(outbox, flag):
    member = make_user()
    shown, withheld = make_event(starts_in=timedelta(hours=20)), make_event(starts_in=timedelta(hours=20))
    setattr(withheld, flag, True)
    for event in (shown, withheld):
        db.session.add(EventRSVP(event_id=event.id, user_id=member.id, status=RSVPStatus.GOING))
    db.session.commit()

    assert reminders.send_due_reminders() == 1
    assert len(outbox) == 1


def test_a_hidden_event_leaves_the_members_calendar_until_it_is_restored():
    member = make_user()
    event = make_event()
    db.session.add(EventRSVP(event_id=event.id, user_id=member.id, status=RSVPStatus.GOING))
    event.is_hidden = True
    db.session.commit()
    assert calendars.list_feed_events(member) == []
    event.is_hidden = False
    db.session.commit()
    assert calendars.list_feed_events(member) == [event]
