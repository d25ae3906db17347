"""The Atom feed of upcoming events, built with feedgen."""

from feedgen.feed import FeedGenerator
from flask import url_for
from flask_babel import gettext as _
from markupsafe import escape

from community.events.models import Event
from community.events.times import format_in_zone, zone_label
from community.i18n import current_language
from community.types import utcnow


def _summary(event: Event) -> str:
    when = f"{format_in_zone(event.starts_at, event.timezone, 'full')} ({zone_label(event.timezone)})"
    return f"<p>{escape(when)}</p>{event.description_html}"


def build_atom_feed(events: list[Event]) -> bytes:
    """An Atom document with one entry per upcoming event, soonest first; content is already sanitized HTML."""
    feed = FeedGenerator()
    page_url = url_for("events.list_events", _external=True)
    feed.id(page_url)
    feed.title(_("Upcoming events"))
    feed.subtitle(_("Meetings, webinars and trainings of the Conecta TT network."))
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.link(href=url_for("events.atom_feed", _external=True), rel="self", type="application/atom+xml")
    feed.language(current_language())
    feed.updated(max((event.updated_at for event in events), default=utcnow()))
    for event in reversed(events):  # feedgen puts the last added entry first
        entry = feed.add_entry()
        url = url_for("events.show_event", event_id=event.id, _external=True)
        entry.id(url)
        entry.title(event.title)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.author({"name": str(event.organizer.name)})
        entry.published(event.created_at)
        entry.updated(event.updated_at)
        entry.category(term=event.kind.value)
        entry.content(_summary(event), type="html")
    return feed.atom_str(pretty=False)
