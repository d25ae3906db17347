"""A very common word: only the newest matches are counted and ranked, and the page says there are more."""

import pytest

from community.search import services
from tests.factories import make_thread, make_user

CAP = 5


@pytest.fixture(autouse=True)
def small_cap(monkeypatch):
    monkeypatch.setattr(services, "MATCH_CAP", CAP)


def test_a_common_word_beyond_the_cap_gives_a_page_of_results_and_says_there_are_more(visitor):
    for number in range(CAP + 3):
        make_thread(title=f"Licencia número {number}", body="Sobre licencias", language="es")
    results = services.search("licencia", visitor)
    assert results.counts["all"] == CAP
    assert "all" in results.capped and "forum" in results.capped
    assert len(results.page.items) == CAP
    assert results.page.pages == 1  # pagination stays within the capped set


def test_a_rare_word_still_finds_its_old_documents_among_many_newer_matches(visitor):
    make_thread(title="Cotitularidad antigua", body="Una licencia compartida", language="es")
    for number in range(CAP + 3):
        make_thread(title=f"Licencia número {number}", body="Sobre licencias", language="es")
    results = services.search("cotitularidad", visitor)
    assert [item.target.title for item in results.page.items] == ["Cotitularidad antigua"]
    assert results.counts["all"] == 1 and not results.capped


def test_below_the_cap_the_counts_are_exact(visitor):
    for number in range(CAP):
        make_thread(title=f"Licencia número {number}", body="Sobre licencias", language="es")
    results = services.search("licencia", visitor)
    assert results.counts["all"] == CAP and not results.capped


def test_the_page_says_more_than_the_cap(client):
    for number in range(CAP + 1):
        make_thread(title=f"Licensing number {number}", body="About licenses", language="en")
    response = client.get("/search?q=licensing", headers={"Accept-Language": "en"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"More than {CAP} results" in text
    assert f"{CAP}+" in text
    assert client.get("/search?q=licensing&page=2", headers={"Accept-Language": "en"}).status_code == 404


def test_a_member_sees_the_capped_page_too(client, login):
    login(make_user(locale="en"))
    for number in range(CAP + 1):
        make_thread(title=f"Licensing number {number}", body="About licenses", language="en")
    assert f"More than {CAP} results" in client.get("/search?q=licensing").get_data(as_text=True)


def test_an_empty_tab_and_a_page_past_the_end_still_count_every_tab(visitor):
    for number in range(3):
        make_thread(title=f"Licencia número {number}", body="Sobre licencias", language="es")

    empty_tab = services.search("licencia", visitor, kind="events")
    past_the_end = services.search("licencia", visitor, page=2)

    for results in (empty_tab, past_the_end):
        assert results.page.items == []
        assert (results.counts["all"], results.counts["forum"], results.counts["events"]) == (3, 3, 0)
