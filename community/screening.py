"""How the areas that publish content ask moderation about it, without depending on moderation.

Forum and events call `screen()` before saving new text and `hold_for_review()` after saving content
that must wait; the moderation area registers the functions that answer (watched words, a new
member's first posts, many links) when the app starts. With nothing registered everything publishes.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app


class Verdict(enum.IntEnum):
    # Ordered: the strictest answer of all screeners wins.
    PUBLISH = 0
    REVIEW = 1
    BLOCK = 2


@dataclass(frozen=True)
class Screening:
    verdict: Verdict = Verdict.PUBLISH
    reason: object = ""  # BLOCK: the translated (lazy) sentence shown to the author
    signal: str = ""  # REVIEW: why it waits ("first_posts", "watched_word", "links"), for the queue
    detail: str = ""  # e.g. the watched word that matched


PUBLISH = Screening()


def _hooks() -> dict:
    return current_app.extensions.setdefault("screening", {"screeners": [], "hold": None})


def register_screener(screener: Callable[..., Screening | None]) -> None:
    """Add `screener(author, text, *, kind, language) -> Screening | None` (None: nothing to say)."""
    if screener not in _hooks()["screeners"]:
        _hooks()["screeners"].append(screener)


def register_hold(hold: Callable[..., None]) -> None:
    """Set `hold(kind, target_id, author, screening)`, called for content saved awaiting review."""
    _hooks()["hold"] = hold


def screen(author, text: str, *, kind: str, language: str | None = None) -> Screening:
    """The strictest answer of the registered screeners for this new text by `author`.

    `kind` is "post", "thread", "event" or "opportunity"; moderators' own text is screened too (a screener
    may skip them).
    """
    answers = [screener(author, text, kind=kind, language=language) for screener in _hooks()["screeners"]]
    return max((answer for answer in answers if answer), key=lambda answer: answer.verdict, default=PUBLISH)


def hold_for_review(kind: str, target_id: int, author, screening: Screening) -> None:
    """Put saved content in the moderators' queue. Only flushes: the caller commits."""
    hold = _hooks()["hold"]
    if hold is not None:
        hold(kind, target_id, author, screening)
