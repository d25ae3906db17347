"""A session's signed CSRF token, signed once per worker instead of on every page.

Flask-WTF keeps one random token per session and puts it in each page signed (`generate_csrf`): an
HMAC over the token and the time, worked out afresh on every request that shows a form, which is every
member's page (the log-out form is in the menu). It cost 45 µs, three hundredths of the dashboard.
Tokens here never expire on their own (WTF_CSRF_TIME_LIMIT is None: a stale tab must not lose a long
post), so the time in the signature is never read, and the token signed for a session the first time
serves every later page of that session: Flask-WTF takes the signed token of the request from `g`, where
this puts it before the view runs. With a time limit set, each page is signed afresh, as Flask-WTF does.
"""

from functools import lru_cache

from flask import Flask, g, session
from itsdangerous import URLSafeTimedSerializer

# One entry per session seen by the worker recently: about 150 bytes each.
SIGNED_TOKENS_KEPT = 4096


def init_app(app: Flask) -> None:
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")

    @app.before_request
    def reuse_signed_token() -> None:
        if app.config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None:
            return
        token = session.get(field)
        if isinstance(token, str):
            g.setdefault(field, _signed(app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key, token))


@lru_cache(maxsize=SIGNED_TOKENS_KEPT)
def _signed(secret_key: str | bytes, token: str) -> str:
    # The same serializer and salt as Flask-WTF's, which checks what comes back.
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token").dumps(token)
