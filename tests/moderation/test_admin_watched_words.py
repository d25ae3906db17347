"""Watched words: admins list them per language, add them (stored lowercase) and remove them, audited.

Pages are asked for in English, so assertions read the source strings.
"""

import pytest
from sqlalchemy import select

from community.audit.models import AuditAction, AuditEntry
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.moderation import admin as services
from community.moderation.models import WatchedWord, WatchedWordAction
from tests.factories import make_admin, make_moderator
from tests.moderation.admin_support import audit_entries, count, main_part, page_text


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def admin(login):
    return login(make_admin(locale="en"))


def words() -> list[tuple[str, str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(select(WatchedWord).order_by(WatchedWord.language, WatchedWord.word))
    return [(word.language, word.word, word.action.value) for word in rows]


def test_an_admin_adds_a_word_stored_lowercase_and_it_is_audited(client, admin):
    response = client.post("/admin/watched-words", data={"language": "pt", "word": "  Ganhe   DINHEIRO ",
                                                         "action": "block"})  # fmt: skip
    assert response.headers["Location"] == "/admin/watched-words?language=pt"
    assert words() == [("pt", "ganhe dinheiro", "block")]
    (entry,) = audit_entries(AuditAction.ADD_WATCHED_WORD)
    assert entry.actor_id == admin.id and entry.target_kind == "watched_word"
    assert entry.details == {"language": "pt", "word": "ganhe dinheiro", "action": "block"}
    page = client.get("/admin/watched-words?language=pt")
    assert "“ganhe dinheiro” is now watched." in page_text(page)
    assert "ganhe dinheiro" in main_part(page) and "Refuse the text" in main_part(page)


def test_the_list_shows_one_language_at_a_time_with_counts(client, admin):
    services.add_watched_word(admin, "es", "casino", WatchedWordAction.REVIEW)
    services.add_watched_word(admin, "en", "casino", WatchedWordAction.BLOCK)
    services.add_watched_word(admin, "en", "lottery", WatchedWordAction.REVIEW)
    text = main_part(client.get("/admin/watched-words?language=en"))
    assert "lottery" in text and "Hold it for a moderator" in text
    assert "No word is watched in this language." in page_text(client.get("/admin/watched-words?language=pt"))
    spanish = main_part(client.get("/admin/watched-words"))  # Spanish first
    assert "casino" in spanish and "lottery" not in spanish
    assert client.get("/admin/watched-words?language=fr").status_code == 404


def test_the_same_word_in_another_language_is_a_different_word(app):
    admin = make_admin()
    services.add_watched_word(admin, "es", "gratis", WatchedWordAction.REVIEW)
    services.add_watched_word(admin, "pt", "gratis", WatchedWordAction.REVIEW)
    assert len(words()) == 2


def test_a_word_already_watched_is_refused_with_a_form_error(client, admin):
    services.add_watched_word(admin, "es", "casino", WatchedWordAction.REVIEW)
    response = client.post("/admin/watched-words", data={"language": "es", "word": "CASINO", "action": "block"})
    assert response.status_code == 422
    assert "“casino” is already watched in this language." in main_part(response)
    assert words() == [("es", "casino", "review")]
    assert len(audit_entries()) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"language": "es", "word": "   ", "action": "block"}, "Please write a word or a phrase."),
        ({"language": "fr", "word": "casino", "action": "block"}, "Please choose a language from the list."),
        ({"language": "es", "word": "casino", "action": "ban"}, "Please choose one of the offered options."),
        ({"language": "es", "word": "x" * 101, "action": "block"}, "This can have at most 100 characters."),
    ],
    ids=["empty word", "unknown language", "unknown action", "too long"],
)
def test_bad_input_is_refused_and_saves_nothing(client, admin, data, message):
    response = client.post("/admin/watched-words", data=data)
    assert response.status_code == 422 and message in main_part(response)
    assert words() == [] and count(AuditEntry) == 0


def test_removing_a_word_is_audited_and_the_entry_keeps_the_word(client, admin):
    word_id = services.add_watched_word(admin, "en", "lottery", WatchedWordAction.REVIEW).id
    response = client.post(f"/admin/watched-words/{word_id}/remove")
    assert response.headers["Location"] == "/admin/watched-words?language=en"
    assert words() == []
    entry = audit_entries(AuditAction.REMOVE_WATCHED_WORD)[0]
    assert entry.details == {"language": "en", "word": "lottery", "action": "review"}
    assert client.post(f"/admin/watched-words/{word_id}/remove").status_code == 404  # removed already
    assert len(audit_entries(AuditAction.REMOVE_WATCHED_WORD)) == 1


def test_the_service_refuses_non_admins_and_names_the_field(app):
    with pytest.raises(PermissionDenied):
        services.add_watched_word(make_moderator(), "es", "casino", WatchedWordAction.BLOCK)
    with pytest.raises(ActionRefused) as refused:
        services.add_watched_word(make_admin(), "es", "", WatchedWordAction.BLOCK)
    assert refused.value.field == "word"


def test_the_list_is_paginated_and_runs_the_same_queries_whatever_the_number_of_words(client, admin, count_queries):
    counts = []
    for total in (3, 120):
        start = len(words())
        db.session.add_all(WatchedWord(language="es", word=f"word{number:03d}", action=WatchedWordAction.REVIEW)
                           for number in range(start, total))  # fmt: skip
        db.session.commit()
        client.get("/admin/watched-words")
        with count_queries() as queries:
            response = client.get("/admin/watched-words")
        counts.append(queries.count)
    assert 'rel="next"' in page_text(response) and "language=es" in page_text(response)
    assert counts[0] == counts[1], counts
