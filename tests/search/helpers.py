"""Helpers for the search tests: hostile queries, who is looking and what they find."""

from flask_login import AnonymousUserMixin

from community.extensions import db
from community.search import services

# The queries members are warned about: empty, huge, only operators or punctuation, SQL and FTS syntax.
HOSTILE_QUERIES = [
    "",
    "   ",
    "x" * 2000,
    "licencia " * 300,
    '"',
    '""',
    '"""',
    "*",
    "**",
    "NEAR",
    "NEAR(a b)",
    "a NEAR b",
    "a AND",
    "OR",
    "NOT x",
    ":",
    "title:licencia",
    "body : x",
    "&",
    "a & b",
    "|",
    "a | b",
    "!",
    "!licencia",
    "-",
    "--",
    "- -",
    "-licencia",
    "(",
    ")",
    "((a)",
    "^a",
    "+a",
    "a*",
    "*a",
    "'",
    "'; DROP TABLE search_documents; --",
    "1' OR '1'='1",
    "\\",
    "%_%",
    "\x00\x01\x02",
    "\x02licencia\x03",
    "<mark>x</mark>",
    "<script>alert(1)</script>",
    "{}[]",
    "😀 🚀",
    "ab\u0301c",
    "a:*",
    "licencia:*",
    "'a':* & !b",
    "<->",
    "a <-> b",
    "a <2> b",
    'a "b c',
    '-"phrase only"',
    "\u200b",
    "ﷺ",
]


class Visitor(AnonymousUserMixin):
    """A visitor who is not logged in."""


def found(query, viewer, **options) -> list[tuple[str, str]]:
    """(kind, title or body start) of what `viewer` finds, best first (first page)."""
    db.session.expire_all()
    results = services.search(query, viewer, **options)
    return [(item.kind.value, _label(item)) for item in results.page.items]


def _label(item) -> str:
    target = item.target
    kind = item.kind.value
    if kind == "thread":
        return target.title
    if kind == "post":
        return target.body
    if kind == "event":
        return target.title
    if kind == "opportunity":
        return target.title
    return target.display_name


def titles(query, viewer, **options) -> list[str]:
    return [label for _kind, label in found(query, viewer, **options)]


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"
