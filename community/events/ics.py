"""iCalendar files of events (RFC 5545, built with `icalendar`) and "add to calendar" links."""

from collections.abc import Iterable
from datetime import UTC
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import icalendar
from flask import current_app

from community.events.models import Event, EventFormat, EventStatus
from community.i18n import country_name
from community.mail import external_url
from community.types import utcnow

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Conecta TT//Events//EN"
ICS_STATUS = {
    EventStatus.SCHEDULED: "CONFIRMED",
    EventStatus.POSTPONED: "TENTATIVE",
    EventStatus.CANCELLED: "CANCELLED",
}


def event_uid(event: Event) -> str:
    """A UID that stays the same for the event's whole life, so calendars update it in place."""
    host = urlsplit(current_app.config["SITE_URL"]).hostname or "conecta-tt.org"
    return f"event-{event.id}@{host}"


def location_text(event: Event, language: str = "en") -> str:
    parts = [event.venue, event.city, country_name(event.country, language)]
    return ", ".join(part for part in parts if part)


def _vevent(event: Event, *, with_online_url: bool) -> icalendar.Event:
    zone = ZoneInfo(event.timezone)
    item = icalendar.Event()
    item.add("uid", event_uid(event))
    item.add("dtstamp", utcnow())
    item.add("created", event.created_at)
    item.add("last-modified", event.updated_at)
    item.add("sequence", event.sequence)
    item.add("summary", event.title)
    # Times in the event's own zone, with its VTIMEZONE added to the calendar; UTC for a UTC event.
    if event.timezone == "UTC":
        item.add("dtstart", event.starts_at.astimezone(UTC))
        item.add("dtend", event.ends_at.astimezone(UTC))
    else:
        item.add("dtstart", event.starts_at.astimezone(zone))
        item.add("dtend", event.ends_at.astimezone(zone))
    page = external_url("events.show_event", event_id=event.id)
    description = event.description
    if with_online_url and event.online_url and event.format is not EventFormat.IN_PERSON:
        description = f"{event.online_url}\n\n{description}"
    item.add("description", f"{description}\n\n{page}".strip())
    item.add("url", page)
    location = location_text(event, event.language)
    if location:
        item.add("location", location)
    elif with_online_url and event.online_url:
        item.add("location", event.online_url)
    item.add("status", ICS_STATUS[event.status])
    return item


def build_calendar(events: Iterable[Event], *, name: str | None = None, online_url_for=lambda event: False) -> bytes:
    """An iCalendar file with `events`; `online_url_for(event)` says whether its online link may be included."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_vevent(event, with_online_url=online_url_for(event)))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _utc_stamp(value) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(event: Event) -> str:
    """Google Calendar's "new event" page, filled in; a plain link, nothing is loaded from Google."""
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_utc_stamp(event.starts_at)}/{_utc_stamp(event.ends_at)}",
        "ctz": event.timezone,
        "details": external_url("events.show_event", event_id=event.id),
        "location": location_text(event, event.language),
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_url(event: Event) -> str:
    """Outlook on the web's "new event" page, filled in; a plain link."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": event.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": event.ends_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": external_url("events.show_event", event_id=event.id),
        "location": location_text(event, event.language),
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)
