"""Whole pages for visitors: what anyone may read is kept rendered for VISITOR_PAGE_CACHE_SECONDS.

Most readers of a public thread or event are not logged in, and their pages are all alike: the same
page in the same language. Members always get fresh pages (theirs carry their name, counts and forms).
A visitor's page differs from another's only in its CSRF token (the language switcher's form), so the
kept copy has a slot in its place and every answer puts the visitor's own token back. Pages with flashed
messages are neither kept nor served from the cache; neither is anything but a 200 HTML answer.
"""

import hashlib
import hmac
from functools import wraps

from flask import current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from community.extensions import cache


def _token_slot() -> str:
    """A stand-in for the CSRF token that no page can contain by chance, the same in every worker."""
    digest = hmac.new(current_app.secret_key.encode(), b"visitor-page-cache-token-slot", hashlib.sha256)
    return "csrf-slot-" + digest.hexdigest()[:32]


def _cacheable_request() -> bool:
    return (
        current_app.config["VISITOR_PAGE_CACHE_SECONDS"] > 0
        and request.method == "GET"
        and not current_user.is_authenticated
        and not session.get("_flashes")
    )


def _key() -> str:
    # The language decides the page's text; the path and query string decide everything else.
    return f"visitor-page:{get_locale()}:{request.full_path}"


def _token_of_this_request() -> str | None:
    """The CSRF token the page was rendered with, if it has a form (Flask-WTF keeps it on `g`)."""
    return g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))


def cached_for_visitors(view):
    """Serve the view's page to visitors from the cache when a recent copy exists, and keep new copies."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _cacheable_request():
            return view(*args, **kwargs)
        key = _key()
        kept = cache.get(key)
        if kept is not None:
            body, content_type = kept
            return current_app.response_class(body.replace(_token_slot(), generate_csrf()), content_type=content_type)
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and response.mimetype == "text/html" and not session.get("_flashes"):
            body = response.get_data(as_text=True)
            token = _token_of_this_request()
            if token:
                body = body.replace(token, _token_slot())
            cache.set(key, (body, response.content_type), timeout=current_app.config["VISITOR_PAGE_CACHE_SECONDS"])
        return response

    return wrapper

