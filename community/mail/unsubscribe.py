"""Signed links that unsubscribe a member from one kind of e-mail without logging in.

A token carries the member's id and a topic: "digest" or a NotificationTopic value ("messages", ...).
It is signed with the app's secret and expires after UNSUBSCRIBE_TOKEN_DAYS.
"""

from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from community.accounts.models import User
from community.errors import ActionRefused
from community.extensions import db

DIGEST = "digest"
INVALID_LINK = _l("This link is not valid or has expired.")


class InvalidUnsubscribeToken(ActionRefused):
    """The unsubscribe link was tampered with, has expired, or names no member or topic any more."""

    def __init__(self):
        super().__init__(INVALID_LINK)


def unsubscribe_topics() -> set[str]:
    """Every topic a member can unsubscribe from by link: the digest and each notification topic."""
    from community.notifications.models import NotificationTopic  # notifications sit above mail

    return {DIGEST} | {topic.value for topic in NotificationTopic}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="mail.unsubscribe")


def make_unsubscribe_token(user: User, topic: str) -> str:
    """A token that unsubscribes `user` from `topic`; ValueError for an unknown topic."""
    if topic not in unsubscribe_topics():
        raise ValueError(f"unknown unsubscribe topic: {topic!r}")
    return _serializer().dumps({"u": user.id, "t": topic})


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """(member, topic) of a valid token; InvalidUnsubscribeToken when it is bad, expired or stale."""
    max_age = current_app.config["UNSUBSCRIBE_TOKEN_DAYS"] * 24 * 3600
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except BadSignature as exc:  # SignatureExpired is a BadSignature too
        raise InvalidUnsubscribeToken from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise InvalidUnsubscribeToken
    topic = payload.get("t")
    if topic not in unsubscribe_topics():
        raise InvalidUnsubscribeToken
    user = db.session.get(User, payload["u"])
    if user is None or user.is_deleted:
        raise InvalidUnsubscribeToken
    return user, topic


def site_domain() -> str:
    """The host name of SITE_URL (e.g. "conecta-tt.org"): for Message-IDs and the default addresses."""
    return urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"


def unsubscribe_address() -> str:
    """Where the mailto: unsubscribe goes: MAIL_UNSUBSCRIBE_ADDRESS, else unsubscribe@<site domain>."""
    return current_app.config.get("MAIL_UNSUBSCRIBE_ADDRESS") or f"unsubscribe@{site_domain()}"


def unsubscribe_headers(url: str, token: str) -> dict[str, str]:
    """List-Unsubscribe (an https link and a mailto) and the RFC 8058 one-click header."""
    mailto = f"mailto:{unsubscribe_address()}?subject=unsubscribe-{token}"
    return {
        "List-Unsubscribe": f"<{url}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
