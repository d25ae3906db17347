"""Reading the signed links that accounts e-mails carry, and making them old."""

import re
import time

from itsdangerous import TimestampSigner


def link_in(message, path: str) -> str:
    """The `path` link of an e-mail, as a path on this site (e.g. "/confirm/<token>")."""
    match = re.search(rf"http://localhost({re.escape(path)}\S+)", message.text_body)
    assert match, f"no {path} link in {message.text_body!r}"
    return match.group(1)


def token_in(message, path: str) -> str:
    """The token of the `path` link in an e-mail, e.g. path="/confirm/"."""
    return link_in(message, path)[len(path) :]


def travel(monkeypatch, seconds: int) -> None:
    """Read every signed link as if `seconds` had passed since it was made."""
    later = int(time.time()) + seconds
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
