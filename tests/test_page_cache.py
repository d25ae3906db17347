"""Visitors' pages are kept rendered for a few seconds; members always get fresh ones."""

import re

import pytest

from community.forum import services as forum
from tests.factories import make_thread, make_user


@pytest.fixture
def app_config():
    return {"VISITOR_PAGE_CACHE_SECONDS": 30, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def thread(app):
    return make_thread(title="Licencias de vacunas", language="es")


def csrf_token_in(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_visitor_gets_the_kept_page_without_any_sql(app, thread, count_queries):
    first = app.test_client().get(f"/forum/t/{thread.id}")
    forum.reply_to_thread(make_user(), thread, "Una respuesta nueva")

    with count_queries() as queries:
        again = app.test_client().get(f"/forum/t/{thread.id}")

    assert first.status_code == again.status_code == 200
    assert queries.count == 0
    assert "Una respuesta nueva" not in again.text  # for up to VISITOR_PAGE_CACHE_SECONDS


def test_members_always_see_the_fresh_page(app, client, login, thread):
    app.test_client().get(f"/forum/t/{thread.id}")  # a visitor's copy is kept
    forum.reply_to_thread(make_user(), thread, "Una respuesta nueva")
    login(make_user())

    assert "Una respuesta nueva" in client.get(f"/forum/t/{thread.id}").text


def test_each_visitor_gets_their_own_csrf_token_and_can_change_the_language(app, thread):
    first, second = app.test_client(), app.test_client()
    first_token = csrf_token_in(first.get(f"/forum/t/{thread.id}").text)
    second_page = second.get(f"/forum/t/{thread.id}").text  # served from the kept copy
    second_token = csrf_token_in(second_page)

    assert first_token != second_token
    assert "csrf-slot-" not in second_page
    response = second.post("/language", data={"csrf_token": second_token, "locale": "pt", "next": "/forum/"})
    assert response.status_code == 302
    assert '<html lang="pt"' in second.get("/forum/").text


def test_each_language_has_its_own_copy(app, thread):
    spanish = app.test_client().get("/forum/", headers={"Accept-Language": "es"})
    portuguese = app.test_client().get("/forum/", headers={"Accept-Language": "pt-BR"})

    assert '<html lang="es"' in spanish.text
    assert '<html lang="pt"' in portuguese.text


def test_a_page_with_a_message_for_one_visitor_is_not_kept(app, client, login, thread):
    login(make_user())
    client.post("/logout", data={"csrf_token": csrf_token_in(client.get("/forum/").text)})
    with_message = client.get("/forum/")  # "You have been logged out", for this visitor only

    other = app.test_client().get("/forum/")

    assert 'class="flash-messages"' in with_message.text
    assert 'class="flash-messages"' not in other.text


def test_errors_are_not_kept(app):
    next_id = make_thread(title="Primero").id + 1
    assert app.test_client().get(f"/forum/t/{next_id}").status_code == 404

    assert make_thread(title="Segundo").id == next_id
    assert app.test_client().get(f"/forum/t/{next_id}").status_code == 200


def test_every_page_visitors_read_most_is_kept(app, thread, count_queries):
    from tests.factories import make_event, make_opportunity, make_profile

    event = make_event(title="Reunión de seguimiento")
    opportunity = make_opportunity(title="Vacuna termoestable")
    make_profile(make_user(display_name="Rosa Quispe"), visibility="public")
    paths = ["/", "/forum/", "/forum/latest", f"/forum/c/{thread.category.slug}", f"/forum/t/{thread.id}",
             "/events/", f"/events/{event.id}", "/members", "/search?q=vacuna", "/opportunities/",
             f"/opportunities/{opportunity.id}"]  # fmt: skip
    for path in paths:
        assert app.test_client().get(path).status_code == 200, path

    for path in paths:
        with count_queries() as queries:
            assert app.test_client().get(path).status_code == 200, path
        assert queries.count == 0, path
