"""Screening of new content: watched words, a new member's first posts, many links from a newcomer.

The forum, events and opportunities ask `community.screening.screen()` before they save text; the functions
here are what answers (registered in `community.moderation.setup`). Content that must wait is saved awaiting
review and put in the queue by `hold()`: a moderator publishes it (and its notifications go out then)
or rejects it.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from community.accounts.models import User
from community.extensions import db
from community.forum.models import Post
from community.i18n import LANGUAGES
from community.moderation.models import ContentKind, Signal, WatchedWord, WatchedWordAction
from community.moderation.reports import find_item, open_case_for
from community.screening import Screening, Verdict
from community.types import utcnow

# Kinds of content the first-posts rule holds: forum posts (a thread is its opening post), not events nor
# opportunities (watched words and links screen those as any text).
FORUM_KINDS = ("post", "thread")
# An http(s) address, or a Markdown link [text](target) counted once whatever its target.
LINK = re.compile(r"\[[^\]\n]*\]\([^)\s]*\)|https?://[^\s<>()\[\]]+", re.IGNORECASE)


def _never_held(author) -> bool:
    return bool(getattr(author, "is_authenticated", False) and author.is_moderator)


# --- watched words ---------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Lowercase, without accents, with single spaces: "Fármaco  GRATIS" and "farmaco gratis" are alike."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True)
class _WordList:
    pattern: re.Pattern | None  # every watched word of the languages, as whole words
    words: dict[str, tuple[str, WatchedWordAction]]  # normalized word → (word as written, action)

    def matches(self, text: str) -> list[tuple[str, WatchedWordAction]]:
        if self.pattern is None:
            return []
        return [self.words[match.group(1)] for match in self.pattern.finditer(normalize(text))]


def _compile(rows) -> _WordList:
    words: dict[str, tuple[str, WatchedWordAction]] = {}
    for word, action in rows:
        key = normalize(word)
        if not key:
            continue
        # The same word watched in two languages with two actions: block wins.
        if key not in words or action is WatchedWordAction.BLOCK:
            words[key] = (word, action)
    if not words:
        return _WordList(None, {})
    # Longest first, so a phrase wins over a word it starts with; whole words only (no letters around).
    alternatives = "|".join(re.escape(key).replace(r"\ ", r"\s+") for key in sorted(words, key=len, reverse=True))
    return _WordList(re.compile(rf"(?<!\w)({alternatives})(?!\w)"), words)


def _word_lists() -> dict[str | None, _WordList]:
    """The watched words by language (None: all of them), read once per request."""
    if "watched_words" not in g:
        rows = db.session.execute(select(WatchedWord.language, WatchedWord.word, WatchedWord.action)).all()
        lists = {language: _compile([(w, a) for lang, w, a in rows if lang == language]) for language in LANGUAGES}
        lists[None] = _compile([(word, action) for _lang, word, action in rows])
        g.watched_words = lists
    return g.watched_words


def forget_watched_words() -> None:
    """Drop this request's copy of the word list (after admins change it)."""
    g.pop("watched_words", None)


def screen_watched_words(author, text: str, *, kind: str, language: str | None) -> Screening | None:
    """BLOCK when the text contains a blocked word of its language, REVIEW for a word sent to review.

    Words match whole, whatever their case and accents; unknown language: every language's words.
    Moderators' text is blocked like anyone's but never held.
    """
    found = _word_lists().get(language if language in LANGUAGES else None, _word_lists()[None]).matches(text)
    blocked = [word for word, action in found if action is WatchedWordAction.BLOCK]
    if blocked:
        return Screening(
            Verdict.BLOCK,
            reason=_l("Your text contains “%(word)s”, which is not allowed here.", word=blocked[0]),
            signal=Signal.WATCHED_WORD.value,
            detail=blocked[0][:100],
        )
    if found and not _never_held(author):
        return Screening(Verdict.REVIEW, signal=Signal.WATCHED_WORD.value, detail=found[0][0][:100])
    return None


# --- a new member's first posts ----------------------------------------------------------------


def count_published_posts(author: User, limit: int) -> int:
    """How many of the member's posts others can read (not held, hidden or deleted), counting up to `limit`."""
    published = (
        select(Post.id)
        .where(
            Post.author_id == author.id,
            Post.awaiting_review.is_(False),
            Post.is_hidden.is_(False),
            Post.deleted_at.is_(None),
        )
        .limit(limit)
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(published)) or 0


def screen_first_posts(author, text: str, *, kind: str, language: str | None) -> Screening | None:
    """REVIEW while the member has fewer than MODERATION_FIRST_POSTS_REVIEW published posts (0: rule off)."""
    needed = current_app.config["MODERATION_FIRST_POSTS_REVIEW"]
    if needed <= 0 or kind not in FORUM_KINDS or _never_held(author) or author.id is None:
        return None
    if count_published_posts(author, needed) < needed:
        return Screening(Verdict.REVIEW, signal=Signal.FIRST_POSTS.value)
    return None


# --- links from newcomers ----------------------------------------------------------------------


def count_links(text: str) -> int:
    return len(LINK.findall(text or ""))


def screen_links(author, text: str, *, kind: str, language: str | None) -> Screening | None:
    """REVIEW text with MODERATION_LINKS_THRESHOLD links or more from a member of fewer than
    MODERATION_NEW_MEMBER_DAYS days (a threshold of 0 turns the rule off)."""
    threshold = current_app.config["MODERATION_LINKS_THRESHOLD"]
    if threshold <= 0 or _never_held(author) or author.created_at is None:
        return None
    if author.created_at <= utcnow() - timedelta(days=current_app.config["MODERATION_NEW_MEMBER_DAYS"]):
        return None
    links = count_links(text)
    if links >= threshold:
        return Screening(Verdict.REVIEW, signal=Signal.LINKS.value, detail=str(links))
    return None


# --- holding ---------------------------------------------------------------------------------


def hold(kind: str, target_id: int, author, screening: Screening) -> None:
    """Put content saved awaiting review in the queue: its open case (opened, or joined) waits for approval,
    with the signal that held it. `kind` is a ContentKind value: "post", "thread", "event" or "opportunity".
    Only flushes: the forum, events or opportunities service commits."""
    item = find_item(ContentKind(kind), target_id)
    if item is None:
        raise LookupError(f"no {kind} {target_id} to hold")
    case = open_case_for(item)
    case.awaiting_review = True
    case.signal = Signal(screening.signal) if screening.signal else None
    case.signal_detail = (screening.detail or "")[:100]
    case.updated_at = utcnow()
    db.session.flush()


# In this order: when several rules hold the text, the queue shows the first one's signal.
SCREENERS = (screen_watched_words, screen_links, screen_first_posts)
