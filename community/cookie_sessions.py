"""Flask's signed-cookie sessions, with a cookie this worker has already checked not checked again.

A logged-in member's browser sends the same session cookie on every page until the session changes.
Flask builds a signer, checks the cookie's signature, decompresses and decodes it on each request:
about a twentieth of the member's dashboard.
Here the signer is built once, and each worker remembers the cookies it opened recently with what they
held and when they were signed, so a cookie seen again is only checked for its age, exactly as Flask
checks it. Only sessions made of plain values (text, numbers, flags) are remembered: every request
gets its own copy to change, and a list in it (waiting flash messages) could be changed in place.
"""

import threading
import time

from cachetools import LRUCache
from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

# Recently opened cookies each worker remembers: about 400 bytes each with what they hold.
OPENED_COOKIES_KEPT = 4096
_PLAIN = frozenset({str, int, float, bool, type(None)})


class KeptCookieSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}
        self._opened: LRUCache = LRUCache(OPENED_COOKIES_KEPT)  # cookie -> (signed at, what it holds)
        self._lock = threading.Lock()  # a threaded server (`flask run`, gthread workers) shares it

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if keys not in self._serializers:
            # New keys (set while the app runs, as tests do): no cookie checked with the old ones stands.
            self._serializers = {keys: super().get_signing_serializer(app)}
            with self._lock:
                self._opened.clear()
        return self._serializers[keys]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        with self._lock:
            opened = self._opened.get(cookie)
        if opened is not None:
            signed_at, values = opened
            # itsdangerous's own test of a signature's age, on the time it read from the cookie.
            age = int(time.time()) - signed_at
            return self.session_class(values) if 0 <= age <= max_age else self.session_class()
        try:
            values, signed = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(type(value) in _PLAIN for value in values.values()):
            with self._lock:
                self._opened[cookie] = (int(signed.timestamp()), values)
        return self.session_class(values)  # a dict of its own: the request may change it
