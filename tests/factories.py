"""Plain builders for test data; every keyword overrides a default."""

import itertools
from functools import cache

from werkzeug.security import generate_password_hash

from community.accounts.models import Role, User
from community.extensions import db
from community.i18n import default_timezone_for
from community.types import utcnow

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


@cache
def _hash(password: str) -> str:
    """Hash each test password once: scrypt is slow on purpose, and tests make many members."""
    return generate_password_hash(password)


def make_user(*, password: str = PASSWORD, commit: bool = True, **overrides) -> User:
    """A confirmed, approved member who can log in with `password`."""
    number = next(_numbers)
    values = {
        "email": f"member{number}@example.org",
        "display_name": f"Member {number}",
        "country": "MX",
        "locale": "es",
        "role": Role.MEMBER,
        "email_confirmed_at": utcnow(),
        "is_approved": True,
    }
    values.update(overrides)
    values.setdefault("timezone", default_timezone_for(values["country"]))
    user = User(**values)
    user.password_hash = _hash(password)
    db.session.add(user)
    if commit:
        db.session.commit()
    return user


def make_moderator(**overrides) -> User:
    return make_user(role=Role.MODERATOR, **overrides)


def make_admin(**overrides) -> User:
    return make_user(role=Role.ADMIN, **overrides)
