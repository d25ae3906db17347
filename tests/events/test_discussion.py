"""Each event gets its discussion thread in the forum's events category; the minutes are posted there too."""

from datetime import timedelta

from community.events import services
from community.events.models import EventRSVP, RSVPStatus
from community.extensions import db
from community.forum import services as forum
from tests.events.test_services import event_data
from tests.factories import make_event, make_user


def test_an_announced_event_opens_its_thread_in_the_events_category(app, client):
    forum.ensure_default_categories()

    event = services.create_event(make_user(), event_data(title="Reunión de seguimiento en Bogotá"))

    thread = forum.get_thread(event.thread_id)
    assert thread.category.slug == "eventos-capacitacion"
    assert thread.title == "Reunión de seguimiento en Bogotá"
    assert thread.language == "es"
    assert f"/events/{event.id}" in thread.first_post.body
    assert f'href="/forum/t/{thread.id}"' in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_without_the_forum_category_the_event_stands_alone(app):
    event = services.create_event(make_user(), event_data())
    assert event.thread_id is None


def test_the_minutes_are_posted_in_the_thread(app):
    forum.ensure_default_categories()
    event = services.create_event(make_user(), event_data())
    event.starts_at -= timedelta(days=30)
    event.ends_at -= timedelta(days=30)
    db.session.add(EventRSVP(event=event, user=make_user(), status=RSVPStatus.GOING))
    db.session.commit()

    services.post_minutes(event.organizer, event, "Acuerdo: **compartir contratos**.")

    thread = forum.get_thread(event.thread_id)
    assert thread.post_count == 2
    assert "compartir contratos" in forum.get_thread_page(thread, 1).items[-1].body


def test_a_past_event_without_thread_still_takes_minutes(app):
    event = make_event(starts_in=timedelta(days=-2))
    services.post_minutes(event.organizer, event, "Acuerdos")
    assert event.minutes_posted_at is not None
