"""Each worker's own cache (the default CACHE_TYPE): Flask-Caching's SimpleCache, keeping what cannot change
as it is instead of pickling it.

SimpleCache pickles every value it keeps and unpickles it on every read, so that a caller changing what it
read cannot change the kept copy. A member's dashboard reads five kept values (their ranked matches, their
expertise areas, the counterparts' ranking and names, their country's coming events): 85 µs a dashboard
in unpickling, a twentieth of the page. A value that cannot be changed in place needs no such copy: text,
numbers, moments, enum members, and tuples and frozensets of them (named tuples too). Those are kept as
they are; anything else (a list, a dict, a set, an object) is pickled as before. With several workers,
CACHE_TYPE=RedisCache shares the cache instead, and pickles everything, as it must.
"""

import pickle
from datetime import date, time, timedelta, tzinfo
from enum import Enum

from flask_caching.backends.simplecache import SimpleCache

_UNCHANGEABLE = (str, bytes, int, float, type(None), date, time, timedelta, tzinfo, Enum)  # bool is an int


def unchangeable(value) -> bool:
    """Whether nothing can change `value` in place, so that it may be kept and handed out as it is."""
    if isinstance(value, _UNCHANGEABLE):
        return True
    if isinstance(value, tuple | frozenset):
        # A subclass with attributes of its own could be changed through them (a named tuple has none).
        return not hasattr(value, "__dict__") and all(map(unchangeable, value))
    return False


class _Pickled(bytes):
    """A kept value that could be changed in place, pickled: a fresh copy for every reader."""


class KeepUnchangeable:
    """The worker cache's serializer: unchangeable values as they are, the others pickled."""

    def dumps(self, value):
        return value if unchangeable(value) else _Pickled(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))

    def loads(self, stored):
        return pickle.loads(stored) if type(stored) is _Pickled else stored  # noqa: S301 - pickled by us


class WorkerCache(SimpleCache):
    """SimpleCache (in the worker's memory, at most CACHE_THRESHOLD values) with `KeepUnchangeable`."""

    serializer = KeepUnchangeable()
