"""Signed, expiring links for e-mail confirmation, password reset and e-mail change."""

import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from community.errors import ActionRefused

EXPIRED = _l("This link has expired. Please ask for a new one.")
INVALID = _l("This link is not valid or has already been used.")


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"accounts.{purpose}")


def fingerprint(value: str) -> str:
    """A short digest of a secret, so a token can be bound to it without revealing it."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def make_token(purpose: str, **payload) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict:
    """The payload of a valid token; ActionRefused with a translated reason otherwise."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise ActionRefused(EXPIRED) from exc
    except BadSignature as exc:
        raise ActionRefused(INVALID) from exc
    if not isinstance(payload, dict):
        raise ActionRefused(INVALID)
    return payload
