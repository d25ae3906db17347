"""Each worker's cache hands out what cannot change as it was kept, and a fresh copy of anything else."""

from datetime import UTC, date, datetime
from typing import NamedTuple

from community.events.models import RSVPStatus
from community.extensions import cache
from community.worker_cache import WorkerCache, unchangeable


class Seen(NamedTuple):
    id: int
    title: str
    at: datetime


class Tagged(tuple):
    """A tuple with attributes of its own, which could be changed."""


def test_text_numbers_moments_enums_and_tuples_of_them_cannot_change():
    moment = datetime(2026, 12, 7, 14, 30, tzinfo=UTC)
    for value in ("Lima", b"x", 7, 2.5, True, None, date(2026, 12, 7), moment, RSVPStatus.GOING,
                  (1, "a", (moment, None)), frozenset({1, 2}), Seen(1, "Clinic", moment), ()):  # fmt: skip
        assert unchangeable(value), value
    for value in ([1], {"a": 1}, {1}, (1, [2]), Seen(1, ["Clinic"], moment), Tagged((1,)), object()):
        assert not unchangeable(value), value


def test_an_unchangeable_value_is_handed_out_as_kept():
    kept = WorkerCache()
    moment = datetime(2026, 12, 7, tzinfo=UTC)
    events = (Seen(1, "Clinic", moment), Seen(2, "Webinar", moment))
    kept.set("events", events)
    assert kept.get("events") is events


def test_a_changeable_value_is_copied_for_every_reader_so_the_kept_one_stays():
    kept = WorkerCache()
    kept.set("matches", {"fits": [1, 2]})
    read = kept.get("matches")
    read["fits"].append(3)
    assert kept.get("matches") == {"fits": [1, 2]}
    assert kept.get("matches") is not kept.get("matches")


def test_bytes_of_ones_own_are_not_taken_for_a_pickled_value():
    kept = WorkerCache()
    kept.set("raw", b"\x80\x05K\x01.")  # a pickle of 1, kept as bytes
    assert kept.get("raw") == b"\x80\x05K\x01."


def test_the_app_keeps_pages_and_panels_in_it_by_default(app):
    with app.app_context():
        assert isinstance(cache.cache, WorkerCache)
