"""Helpers for links that come from the request."""

from urllib.parse import urlsplit


def safe_next_url(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: a login link must not send members elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
