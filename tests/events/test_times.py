"""Event times: typed on the event's clocks, stored in UTC, shown on the reader's and the region's clocks,
right across daylight-saving changes."""

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from community.events.times import (
    NonexistentLocalTime,
    format_in_zone,
    format_time_in_zone,
    reader_time,
    region_times,
    to_local,
    to_utc,
    zone_label,
)


def test_a_wall_clock_time_is_stored_as_the_utc_instant_of_its_zone():
    assert to_utc(datetime(2026, 6, 3, 10, 0), "America/Mexico_City") == datetime(2026, 6, 3, 16, 0, tzinfo=UTC)
    assert to_local(datetime(2026, 6, 3, 16, 0, tzinfo=UTC), "America/Mexico_City") == datetime(2026, 6, 3, 10, 0)


def test_the_same_santiago_time_is_an_hour_later_in_utc_after_daylight_saving_ends():
    # Chile goes from UTC-3 to UTC-4 on the night of 4 to 5 April 2026.
    before = to_utc(datetime(2026, 4, 4, 10, 0), "America/Santiago")
    after = to_utc(datetime(2026, 4, 6, 10, 0), "America/Santiago")

    assert before == datetime(2026, 4, 4, 13, 0, tzinfo=UTC)
    assert after == datetime(2026, 4, 6, 14, 0, tzinfo=UTC)


def test_a_time_skipped_by_the_clocks_is_refused():
    # Havana jumps from 00:00 to 01:00 on 8 March 2026.
    with pytest.raises(NonexistentLocalTime):
        to_utc(datetime(2026, 3, 8, 0, 30), "America/Havana")


def test_a_repeated_hour_is_read_as_its_first_occurrence():
    # Santiago repeats 23:00-24:00 on 4 April 2026: the first time round is still UTC-3.
    assert to_utc(datetime(2026, 4, 4, 23, 30), "America/Santiago") == datetime(2026, 4, 5, 2, 30, tzinfo=UTC)


def test_a_reader_in_new_york_sees_the_mexico_city_meeting_move_an_hour_when_new_york_changes_clocks(app):
    # Mexico City keeps UTC-6 all year; New York moves to summer time on 8 March 2026.
    friday = to_utc(datetime(2026, 3, 6, 10, 0), "America/Mexico_City")
    monday = to_utc(datetime(2026, 3, 9, 10, 0), "America/Mexico_City")
    with app.test_request_context(), force_locale("es"):
        assert reader_time(friday, "America/Mexico_City", "America/New_York") == "11:00"
        assert reader_time(monday, "America/Mexico_City", "America/New_York") == "12:00"


def test_no_reader_time_when_the_readers_clock_shows_the_events_time(app):
    start = to_utc(datetime(2026, 6, 3, 10, 0), "America/Bogota")
    with app.test_request_context(), force_locale("es"):
        assert reader_time(start, "America/Bogota", "America/Lima") is None
        assert reader_time(start, "America/Bogota", None) is None
        assert reader_time(start, "America/Bogota", "America/Argentina/Buenos_Aires") == "12:00"


def test_a_reader_whose_day_differs_sees_the_day_too(app):
    # (CLDR puts a narrow no-break space before AM.)
    start = to_utc(datetime(2026, 6, 3, 22, 0), "America/Mexico_City")
    with app.test_request_context(), force_locale("en"):
        assert reader_time(start, "America/Mexico_City", "Europe/Madrid") == "Thu, Jun 4, 6:00\u202fAM"


def test_each_reader_sees_the_same_start_in_their_own_language(app):
    start = to_utc(datetime(2026, 6, 3, 22, 0), "America/Mexico_City")
    shown = {}
    for language in ("es", "pt", "en", "es"):
        with app.test_request_context(), force_locale(language):
            shown.setdefault(language, []).append(
                (format_in_zone(start, "America/Mexico_City", "d MMM"), reader_time(start, "America/Mexico_City",
                                                                                    "Europe/Madrid"))
            )  # fmt: skip
    assert shown == {
        "es": [("3 jun", "jue, 4 jun, 6:00"), ("3 jun", "jue, 4 jun, 6:00")],
        "pt": [("3 jun.", "qui., 4 de jun. 06:00")],
        "en": [("3 Jun", "Thu, Jun 4, 6:00\u202fAM")],
    }


def test_the_region_table_is_computed_for_each_main_zone(app):
    # 10:00 in Mexico City on 2 July 2026 (winter in the south: Santiago is at UTC-4).
    start = to_utc(datetime(2026, 7, 2, 10, 0), "America/Mexico_City")
    with app.test_request_context(), force_locale("es"):
        rows = {row.label: row for row in region_times(start, "America/Mexico_City")}

    assert {label: row.text.rsplit(" ", 1)[-1] for label, row in rows.items()} == {
        "Ciudad de México": "10:00",
        "Bogotá / Lima": "11:00",
        "La Habana": "12:00",
        "Costa Rica": "10:00",
        "Santiago de Chile": "12:00",
        "Buenos Aires": "13:00",
        "São Paulo": "13:00",
    }
    assert rows["Ciudad de México"].is_event_zone
    assert not rows["São Paulo"].is_event_zone


def test_zone_names_follow_the_readers_language(app):
    with app.test_request_context():
        assert zone_label("America/Sao_Paulo", "pt") == "São Paulo"
        assert zone_label("America/Mexico_City", "en") == "Mexico City"
        assert zone_label("America/Argentina/Buenos_Aires", "es") == "Buenos Aires"
        with force_locale("en"):
            assert (
                format_time_in_zone(datetime(2026, 6, 3, 16, 0, tzinfo=UTC), "America/Mexico_City") == "10:00\u202fAM"
            )
