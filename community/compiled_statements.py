"""SQLAlchemy's cache of compiled statements, finding a statement built once without hashing it again.

SQLAlchemy finds a statement's compiled SQL by its cache key: a nested tuple of the statement's whole
structure, hashed afresh on every execution. For the dashboard's statements (a thousand elements or more
each) that took 20–40 µs apiece during a request, whose other work has pushed those objects out of the
processor's cache: 120 µs of a dashboard, a sixteenth of it. Yet most of a page's statements are built
once (at import, or once per shape with `functools.cache`, so their parameters are bound at execution),
and such a statement keeps the same cache-key tuple for life: SQLAlchemy memoizes it on the statement.

This cache finds those by the tuple's identity first, then by value as SQLAlchemy does, and remembers a
compiled statement under both. It holds every tuple it remembers by identity, so no other object can
take its id while it is known; both halves are bounded like SQLAlchemy's own (least recently used go).
It is set as each engine's `compiled_cache` execution option, which SQLAlchemy documents for a cache of
one's own.
"""

import threading

from cachetools import LRUCache
from flask import Flask

from community.extensions import db

STATEMENTS_KEPT = 500  # as SQLAlchemy's default query_cache_size


class CompiledStatements:
    """A `compiled_cache` mapping: SQLAlchemy calls `get(key)` and sets `cache[key] = compiled`.

    The key is (dialect, statement's cache key, column keys, schema translation, executemany); only the
    second is large.
    """

    def __init__(self, size: int = STATEMENTS_KEPT):
        self._by_identity: LRUCache = LRUCache(size)  # (dialect, id(key), rest) -> (key, compiled)
        self._by_value: LRUCache = LRUCache(size)
        self._lock = threading.Lock()  # cachetools' caches are not safe for threads

    @staticmethod
    def _identity(key: tuple) -> tuple:
        dialect, statement_key, *rest = key
        return (dialect, id(statement_key), *rest)

    def get(self, key: tuple, default=None):
        identity = self._identity(key)
        with self._lock:
            found = self._by_identity.get(identity)
            if found is not None and found[0] is key[1]:
                return found[1]
            compiled = self._by_value.get(key)  # built anew (per request): hashed, as SQLAlchemy does
            if compiled is None:
                return default
            self._by_identity[identity] = (key[1], compiled)
            return compiled

    def __setitem__(self, key: tuple, compiled) -> None:
        with self._lock:
            self._by_value[key] = compiled
            self._by_identity[self._identity(key)] = (key[1], compiled)


def init_app(app: Flask) -> None:
    """Give every engine of the app its cache of compiled statements. Call after `db.init_app`."""
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        engine.update_execution_options(compiled_cache=CompiledStatements())
