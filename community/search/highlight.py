"""Marking the matched words of a text, and cutting a snippet around them, the way SQLite's search matched.

FTS5's own snippet() must run inside a MATCH query, where a prefix term is expanded again for every
row (about a millisecond each on 100,000 posts): marking the page's twenty texts here costs less.
Words are compared as the unicode61 tokenizer compares them (case and diacritics folded); a single
word matches as a prefix of its light stem, a phrase as consecutive words, exactly as `as_fts5` asks.
"""

import re
from bisect import bisect_left

from community.search.query import ParsedQuery, fold, light_stem

TOKEN = re.compile(r"[^\W_]+")


def _matchers(parsed: ParsedQuery):
    words, phrases = [], []
    for part in parsed.required:
        if len(part) == 1:
            stem = light_stem(part[0])
            words.append((stem, len(stem) >= 3))
        else:
            phrases.append(tuple(fold(word) for word in part))
    return words, phrases


def _matched_tokens(folded: list[str], parsed: ParsedQuery) -> set[int]:
    words, phrases = _matchers(parsed)
    matched = set()
    for index, token in enumerate(folded):
        if any(token.startswith(stem) if prefix else token == stem for stem, prefix in words):
            matched.add(index)
    for phrase in phrases:
        size = len(phrase)
        for index in range(len(folded) - size + 1):
            if tuple(folded[index : index + size]) == phrase:
                matched.update(range(index, index + size))
    return matched


def mark(text: str, parsed: ParsedQuery, start: str, stop: str, window: int | None = None) -> str:
    """`text` with `start`/`stop` around each matched word; with `window`, only the `window` words around
    the most matches (an ellipsis where the text was cut)."""
    tokens = list(TOKEN.finditer(text))
    if not tokens:
        return text if window is None else text[:200]
    matched = _matched_tokens([fold(token.group()) for token in tokens], parsed)
    first, last = 0, len(tokens) - 1
    if window is not None and len(tokens) > window:
        first = _best_window(len(tokens), matched, window)
        last = first + window - 1
    out = ["…" if first > 0 else ""]
    position = tokens[first].start() if first > 0 else 0
    for index in range(first, last + 1):
        token = tokens[index]
        out.append(text[position : token.start()])
        out.append(f"{start}{token.group()}{stop}" if index in matched else token.group())
        position = token.end()
    if last < len(tokens) - 1:
        out.append(text[position : tokens[last].end()] + "…")
    else:
        out.append(text[position:])
    return "".join(out)


def _best_window(count: int, matched: set[int], window: int) -> int:
    """The first word of the window that starts just before a match and holds the most matches."""
    ordered = sorted(matched)
    best_start, best = 0, 0
    for index in ordered:
        start = max(0, min(index - 3, count - window))  # a few words of context before the match
        inside = bisect_left(ordered, start + window) - bisect_left(ordered, start)
        if inside > best:
            best_start, best = start, inside
    return best_start
