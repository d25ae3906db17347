"""What a member types becomes words, phrases and exclusions, and never syntax for the engines."""

import sqlite3

import pytest

from community.search.query import MAX_PARTS, light_stem, parse_query
from tests.search.helpers import HOSTILE_QUERIES


def test_words_phrases_and_exclusions_are_told_apart():
    parsed = parse_query('Licencias "transferencia de tecnología" -software -"código abierto"')
    assert parsed.required == (("licencias",), ("transferencia", "de", "tecnología"))
    assert parsed.excluded == (("software",), ("código", "abierto"))


def test_typographic_quotes_make_phrases_too():
    assert parse_query("“acuerdo de licencia”").required == (("acuerdo", "de", "licencia"),)
    assert parse_query("«acordo de licença»").required == (("acordo", "de", "licença"),)


def test_an_unclosed_quote_runs_to_the_end():
    assert parse_query('patentes "modelo de utilidad').required == (("patentes",), ("modelo", "de", "utilidad"))


def test_punctuation_inside_a_word_makes_a_phrase_of_its_parts():
    assert parse_query("co-titularidad").required == (("co", "titularidad"),)
    assert parse_query("title:licencia").required == (("title", "licencia"),)


def test_only_exclusions_is_no_search():
    assert parse_query("-software").is_empty
    assert parse_query('-"open source" -gpl').is_empty


def test_repeated_words_count_once():
    assert parse_query("patente patente PATENTE").required == (("patente",),)


def test_long_queries_are_cut_and_say_so():
    parsed = parse_query(" ".join(f"palabra{n}" for n in range(40)))
    assert len(parsed.required) == MAX_PARTS and parsed.truncated
    assert parse_query("a" * 2000).is_empty  # one "word" longer than any real one


@pytest.mark.parametrize(
    "word, stem",
    [("licencias", "licencia"), ("patentes", "patent"), ("universidades", "universidad"), ("País", "pai"),
     ("licenciamiento", "licenciamiento"), ("process", "process"), ("Ação", "acao"), ("gas", "gas")],
)  # fmt: skip
def test_the_sqlite_plural_folding_is_crude_but_predictable(word, stem):
    assert light_stem(word) == stem


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_become_valid_fts5_expressions(query):
    """Every parsed query is valid FTS5 syntax (checked against a real FTS5 table)."""
    parsed = parse_query(query)
    if parsed.is_empty:
        return
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    connection.execute("INSERT INTO t VALUES ('licencia', 'a b c')")
    connection.execute("SELECT count(*) FROM t WHERE t MATCH ?", (parsed.as_fts5(),)).fetchone()


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_give_websearch_text_of_plain_words(query):
    text = parse_query(query).as_websearch()
    assert not set(text) & set("&|!():*<>\\'\x00\x02\x03")
