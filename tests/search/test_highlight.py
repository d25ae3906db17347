"""Snippets on SQLite: the matched words marked as FTS5 matched them, cut around the best passage."""

from community.search.highlight import mark
from community.search.query import parse_query


def marked(text, query, window=None):
    return mark(text, parse_query(query), "[", "]", window=window)


def test_words_are_marked_whatever_their_accents_case_and_plural():
    assert marked("Licencias y LICENCIA en São Paulo", "licencia sao") == "[Licencias] y [LICENCIA] en [São] Paulo"


def test_a_phrase_is_marked_only_where_its_words_stand_together():
    assert marked("transferencia de tecnología; tecnología de transferencia", '"transferencia de tecnologia"') == (
        "[transferencia] [de] [tecnología]; tecnología de transferencia"
    )


def test_excluded_words_are_not_marked():
    assert marked("patente de software", "patente -software") == "[patente] de software"


def test_the_snippet_is_cut_around_the_most_matches_with_ellipses():
    words = [f"w{n}" for n in range(100)]
    words[60] = "regalías"
    words[62] = "licencia"
    text = " ".join(words) + "."
    snippet = marked(text, "regalias licencia", window=10)
    assert snippet.startswith("…w57 w58 w59 [regalías] w61 [licencia]")
    assert snippet.endswith("…") and len(snippet.split()) == 10


def test_a_short_text_is_shown_whole_and_one_without_words_unchanged():
    assert marked("Hola, licencia.", "licencia", window=30) == "Hola, [licencia]."
    assert marked("¿?", "licencia", window=30) == "¿?"
