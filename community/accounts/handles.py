"""Handles: the short, unique name members write as @handle to mention each other in the forum.

Every member gets one when the account is created, made from the display name ("Lucía Hernández
Gómez" → "lucia.hernandez"), with a number added when it is taken ("lucia.hernandez2").
"""

import re
import unicodedata

from sqlalchemy import event, select

from community.accounts.models import User

HANDLE_MAX = 30
HANDLE_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9._]{1,28}[a-z0-9])$")
_WORD = re.compile(r"[a-z0-9]+")


def handle_base(display_name: str) -> str:
    """The handle a name suggests, before making it unique: ASCII, lowercase, first two words."""
    ascii_name = unicodedata.normalize("NFKD", display_name or "").encode("ascii", "ignore").decode().lower()
    base = ".".join(_WORD.findall(ascii_name)[:2])[: HANDLE_MAX - 6].strip(".")
    return base if len(base) >= 3 else f"member{base}"


def free_handle(connection, display_name: str) -> str:
    """A handle no member has yet, in one query over the handles that start the same way."""
    base = handle_base(display_name)
    taken = set(
        connection.scalars(select(User.handle).where(User.handle.like(base.replace("_", r"\_") + "%", escape="\\")))
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


@event.listens_for(User, "before_insert")
def _give_handle(_mapper, connection, user: User) -> None:
    if not user.handle:
        user.handle = free_handle(connection, user.display_name)
