"""When a member's digest is due: periods (a day, an ISO week, a month) counted in the member's own timezone.

A digest is due once per period, as soon as the member's chosen moment in it has passed: every day at
their hour; every week on their day of the week at their hour; every month on the first such day of the
week in the month (the first Monday, by default) at their hour. The period key ("d2026-03-09",
"w2026-11", "m2026-03") names the period, so `digests(user_id, period_key)` holds at most one digest each.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from community.digests.models import DigestFrequency

# How far back the first digest of a member looks (the length of one period), and the most a digest
# ever covers (two periods: a member who comes back after a long gap gets the latest news, not all of it).
PERIOD_LENGTH = {
    DigestFrequency.DAILY: timedelta(days=1),
    DigestFrequency.WEEKLY: timedelta(days=7),
    DigestFrequency.MONTHLY: timedelta(days=31),
}
LONGEST_WINDOW = {frequency: 2 * length for frequency, length in PERIOD_LENGTH.items()}
SENDING_FREQUENCIES = (DigestFrequency.DAILY, DigestFrequency.WEEKLY, DigestFrequency.MONTHLY)


@dataclass(frozen=True)
class Period:
    key: str
    due_at: datetime  # UTC: the member's moment in this period
    frequency: DigestFrequency

    @property
    def starts_at(self) -> datetime:
        """Where the first digest of a member starts: one period before it is due."""
        return self.due_at - PERIOD_LENGTH[self.frequency]


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    # A local hour skipped by a daylight-saving change counts as the hour after it.
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone).astimezone(UTC)


def current_period(frequency: DigestFrequency, weekday: int, hour: int, zone_name: str | None,
                   now: datetime) -> Period:  # fmt: skip
    """The period `now` falls in for a member with these settings, and when their digest is due in it."""
    zone = zone_of(zone_name)
    today = now.astimezone(zone).date()
    if frequency is DigestFrequency.DAILY:
        return Period(f"d{today.isoformat()}", _at(today, hour, zone), frequency)
    if frequency is DigestFrequency.WEEKLY:
        year, week, _ = today.isocalendar()
        day = today - timedelta(days=today.weekday()) + timedelta(days=weekday)
        return Period(f"w{year}-{week:02d}", _at(day, hour, zone), frequency)
    if frequency is DigestFrequency.MONTHLY:
        first = today.replace(day=1)
        day = first + timedelta(days=(weekday - first.weekday()) % 7)
        return Period(f"m{today.year}-{today.month:02d}", _at(day, hour, zone), frequency)
    raise ValueError(f"no digest period for {frequency}")


def due_period(frequency: DigestFrequency, weekday: int, hour: int, zone_name: str | None,
               now: datetime) -> Period | None:  # fmt: skip
    """The current period if the member's moment in it has passed, else None."""
    period = current_period(frequency, weekday, hour, zone_name, now)
    return period if period.due_at <= now else None
