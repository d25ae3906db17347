"""What a member typed in the search box, parsed into words, quoted phrases and exclusions.

Nothing the member types reaches a full-text engine as syntax: every word is cut out with a Unicode
word pattern and quoted again when a backend writes its own query language (FTS5 MATCH, or the
`websearch_to_tsquery` syntax on PostgreSQL). Operators, brackets, `NEAR`, `*`, `:` and friends are
either plain words or gone.
"""

import re
import unicodedata
from dataclasses import dataclass, field

# Long pastes are cut, not refused: the first words still find something.
MAX_QUERY_CHARS = 500
MAX_PARTS = 12  # words, phrases and exclusions together
MAX_PHRASE_WORDS = 8
MAX_WORD_CHARS = 60  # longer "words" (hashes, base64) are dropped: no document has them as one word

QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
CHUNK = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ParsedQuery:
    """Required words and phrases (all must match) and excluded ones (none may)."""

    required: tuple[tuple[str, ...], ...] = ()  # each a word (one item) or a phrase (several)
    excluded: tuple[tuple[str, ...], ...] = ()
    truncated: bool = False  # the query was too long and only its start was used
    ignored: list[str] = field(default_factory=list, compare=False)

    @property
    def is_empty(self) -> bool:
        """Nothing to look for (only exclusions count as nothing: "everything but X" is no search)."""
        return not self.required

    def as_websearch(self) -> str:
        """The query in PostgreSQL's `websearch_to_tsquery` syntax, every part quoted or a plain word."""
        parts = [_websearch_part(words) for words in self.required]
        parts += ["-" + _websearch_part(words) for words in self.excluded]
        return " ".join(parts)

    def as_fts5(self) -> str:
        """The query as an FTS5 MATCH expression: quoted strings only, single words matched as prefixes."""
        required = " AND ".join(_fts5_part(words) for words in self.required)
        if not self.excluded:
            return required
        return f"({required})" + "".join(f" NOT {_fts5_part(words)}" for words in self.excluded)


def _websearch_part(words: tuple[str, ...]) -> str:
    # websearch_to_tsquery reads a bare "or" as the OR operator: quoting keeps every word a word.
    if len(words) == 1 and words[0] != "or":
        return words[0]
    return '"' + " ".join(words) + '"'


def fold(word: str) -> str:
    """Lowercase without diacritics, as FTS5's unicode61 tokenizer (remove_diacritics 2) sees a word."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def light_stem(word: str) -> str:
    """Drop a plural ending, so that the prefix match on SQLite finds singular and plural alike.

    "licencias" -> "licencia", "patentes" -> "patent", "universidades" -> "universidad". PostgreSQL
    stems each language properly; SQLite (development and tests) has no stemmer, so this crude,
    language-blind rule plus a prefix match stands in for one.
    """
    folded = fold(word)
    if len(folded) >= 6 and folded.endswith("es"):
        return folded[:-2]
    if len(folded) >= 4 and folded.endswith("s") and not folded.endswith("ss"):
        return folded[:-1]
    return folded


def _fts5_part(words: tuple[str, ...]) -> str:
    if len(words) == 1:
        stem = light_stem(words[0])
        # A prefix of two letters or less would match half the dictionary.
        return f'"{stem}"*' if len(stem) >= 3 else f'"{stem}"'
    return '"' + " ".join(fold(word) for word in words) + '"'


def parse_query(text: str | None) -> ParsedQuery:
    """Split the member's query into words, "quoted phrases" and -exclusions; never raises."""
    text = unicodedata.normalize("NFC", (text or "")).translate(QUOTES)
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    required: list[tuple[str, ...]] = []
    excluded: list[tuple[str, ...]] = []
    ignored: list[str] = []
    for match in CHUNK.finditer(text):
        negated_phrase, phrase, bare = match.groups()
        if bare is not None:
            negated = bare.startswith("-")
            chunk = bare.lstrip("-")
        else:
            negated = bool(negated_phrase)
            chunk = phrase
        words = []
        for word in WORD.findall(chunk):
            if len(word) > MAX_WORD_CHARS:
                ignored.append(word[:20] + "…")
            else:
                words.append(word.lower())
        if not words:
            continue
        part = tuple(words[:MAX_PHRASE_WORDS])
        truncated = truncated or len(words) > MAX_PHRASE_WORDS
        target = excluded if negated else required
        if part in required or part in excluded:
            continue
        if len(required) + len(excluded) >= MAX_PARTS:
            truncated = True
            break
        target.append(part)
    return ParsedQuery(tuple(required), tuple(excluded), truncated, ignored)
