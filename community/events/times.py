"""Event times: local input to UTC, and UTC to the reader's zone, the event's zone and the region's zones."""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_skeleton, get_datetime_format, get_timezone_location
from babel.dates import format_time as babel_format_time
from flask_babel import get_locale

from community.i18n import DEFAULT_LANGUAGE

# The network's main zones, west to east; Bogotá and Lima share one clock (UTC-5, no daylight saving).
REGION_ZONES = (
    ("America/Mexico_City",),
    ("America/Bogota", "America/Lima"),
    ("America/Havana",),
    ("America/Costa_Rica",),
    ("America/Santiago",),
    ("America/Argentina/Buenos_Aires",),
    ("America/Sao_Paulo",),
)


class NonexistentLocalTime(ValueError):
    """The wall-clock time is skipped in that zone (the clocks jump forward over it)."""


def to_utc(local: datetime, zone_name: str) -> datetime:
    """Read a naive wall-clock time in `zone_name` as a UTC instant.

    Raises NonexistentLocalTime for a time inside a daylight-saving gap. An ambiguous time (the hour
    repeated when clocks go back) is read as its first occurrence.
    """
    zone = ZoneInfo(zone_name)
    aware = local.replace(tzinfo=zone, fold=0)
    instant = aware.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local:
        raise NonexistentLocalTime(local)
    return instant


def to_local(instant: datetime, zone_name: str) -> datetime:
    """The naive wall-clock time of a UTC instant in `zone_name` (for filling forms)."""
    return instant.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)


def _language() -> str:
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


# Lists of events show the same few starts, zones and languages on page after page, and Babel takes tens
# of microseconds to format each: the texts below are remembered by what decides them.


def zone_label(zone_name: str, language: str | None = None) -> str:
    """The city a zone is named for, in the reader's language ("Ciudad de México", "Buenos Aires")."""
    return _zone_label(zone_name, language or _language())


@lru_cache(maxsize=512)
def _zone_label(zone_name: str, language: str) -> str:
    if zone_name == "UTC":
        return "UTC"
    return get_timezone_location(zone_name, locale=language, return_city=True).rsplit("/", 1)[-1]


def format_in_zone(instant: datetime, zone_name: str, format: str = "medium") -> str:
    """A UTC instant as a date and time on the clocks of `zone_name`, in the reader's language."""
    return _format_in_zone(instant, zone_name, format, _language())


@lru_cache(maxsize=8192)
def _format_in_zone(instant: datetime, zone_name: str, format: str, language: str) -> str:
    return babel_format_datetime(instant, format, tzinfo=ZoneInfo(zone_name), locale=language)


def format_day_and_time(instant: datetime, zone_name: str, language: str | None = None) -> str:
    """A short weekday, day, month and time ("vie, 4 dic, 21:55"), glued as the locale glues them."""
    language = language or _language()
    local = instant.astimezone(ZoneInfo(zone_name))
    day = format_skeleton("MMMEd", local, locale=language)
    time = babel_format_time(local, "short", locale=language)
    return get_datetime_format("short", locale=language).replace("{1}", day).replace("{0}", time)


def format_time_in_zone(instant: datetime, zone_name: str, language: str | None = None) -> str:
    return babel_format_time(instant, "short", tzinfo=ZoneInfo(zone_name), locale=language or _language())


def format_date_in_zone(instant: datetime, zone_name: str, format: str = "full") -> str:
    return babel_format_date(instant.astimezone(ZoneInfo(zone_name)), format, locale=_language())


def same_clock(instant: datetime, zone_a: str, zone_b: str) -> bool:
    """Whether two zones show the same wall-clock time at `instant` (then "your time" says nothing new)."""
    return instant.astimezone(ZoneInfo(zone_a)).utcoffset() == instant.astimezone(ZoneInfo(zone_b)).utcoffset()


def reader_time(instant: datetime, event_zone: str, reader_zone: str | None) -> str | None:
    """The start on the reader's clock, or None when the reader's clock shows the event's own time.

    Just the time when the reader's date is the event's date, else date and time.
    """
    if not reader_zone:
        return None
    return _reader_time(instant, event_zone, reader_zone, _language())


@lru_cache(maxsize=8192)
def _reader_time(instant: datetime, event_zone: str, reader_zone: str, language: str) -> str | None:
    if same_clock(instant, event_zone, reader_zone):
        return None
    event_day = instant.astimezone(ZoneInfo(event_zone)).date()
    reader_day = instant.astimezone(ZoneInfo(reader_zone)).date()
    if event_day == reader_day:
        return format_time_in_zone(instant, reader_zone, language)
    return format_day_and_time(instant, reader_zone, language)


@dataclass(frozen=True)
class ZoneTime:
    label: str
    text: str
    is_event_zone: bool = False


def region_times(instant: datetime, event_zone: str) -> list[ZoneTime]:
    """The start time in each of the region's main zones, computed from the instant."""
    rows = []
    for zones in REGION_ZONES:
        label = " / ".join(zone_label(zone) for zone in zones)
        rows.append(ZoneTime(label, format_day_and_time(instant, zones[0]), event_zone in zones))
    return rows
