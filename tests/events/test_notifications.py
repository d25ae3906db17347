"""Members who answered an event hear of its changes, messages and minutes in their notifications."""

from datetime import timedelta

from sqlalchemy import select

from community.events import services
from community.events.models import RSVPStatus
from community.extensions import db
from community.notifications.models import Notification, NotificationKind
from tests.events.test_services import event_data
from tests.factories import make_event, make_user


def kinds_for(user) -> list[NotificationKind]:
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)))


def answered_event(**overrides):
    organizer = make_user(display_name="Lucía")
    event = make_event(organizer=organizer, **overrides)
    going, interested, declined = make_user(), make_user(), make_user()
    services.rsvp_to_event(going, event, RSVPStatus.GOING)
    services.rsvp_to_event(interested, event, RSVPStatus.INTERESTED)
    services.rsvp_to_event(declined, event, RSVPStatus.NOT_GOING)
    return organizer, event, going, interested, declined


def test_a_new_time_is_notified_to_members_going_or_interested(app):
    organizer, event, going, interested, declined = answered_event()

    services.update_event(organizer, event, event_data(title=event.title))

    assert kinds_for(going) == [NotificationKind.EVENT_CHANGED]
    assert kinds_for(interested) == [NotificationKind.EVENT_CHANGED]
    assert kinds_for(declined) == []
    assert kinds_for(organizer) == []


def test_a_cancellation_is_notified(app):
    organizer, event, going, interested, _declined = answered_event()

    services.cancel_event(organizer, event)

    assert kinds_for(going) == [NotificationKind.EVENT_CANCELLED]
    assert kinds_for(interested) == [NotificationKind.EVENT_CANCELLED]


def test_an_organizers_message_is_notified_to_those_going(app):
    organizer, event, going, interested, _declined = answered_event()

    services.send_message_to_attendees(organizer, event, "Bring your questions about royalties.")

    assert kinds_for(going) == [NotificationKind.EVENT_MESSAGE]
    assert kinds_for(interested) == []


def test_published_minutes_are_notified_once_to_those_who_went(app):
    organizer, event, going, _interested, _declined = answered_event()
    event.starts_at -= timedelta(days=14)
    event.ends_at -= timedelta(days=14)
    db.session.commit()

    services.post_minutes(organizer, event, "Action items: draft the licence template.")
    services.post_minutes(organizer, event, "Action items, corrected.")

    assert kinds_for(going) == [NotificationKind.EVENT_MINUTES]


def test_the_notification_reads_in_the_members_language_and_leads_to_the_event(app, client, login):
    organizer, event, going, _interested, _declined = answered_event(title="Reunión de Lima")
    going.locale = "en"
    db.session.commit()
    services.cancel_event(organizer, event)
    login(going)

    page = client.get("/notifications").get_data(as_text=True)
    notification = db.session.scalar(select(Notification).where(Notification.user_id == going.id))
    opened = client.post(f"/notifications/{notification.id}/open")

    assert "Lucía cancelled “Reunión de Lima”" in page
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith(f"/events/{event.id}")
