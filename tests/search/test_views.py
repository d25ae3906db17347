"""The search page: the box in every page's navigation, tabs, filters, friendly answers to bad input, query budget.

Pages are asked for in English, so assertions read the source strings.
"""

import re

import pytest

from community.forum import services as forum
from community.profiles.models import Visibility
from tests.factories import make_category, make_event, make_moderator, make_profile, make_thread, make_user
from tests.search.helpers import HOSTILE_QUERIES


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def page_text(response) -> str:
    return response.get_data(as_text=True)


def shown(response) -> str:
    """The page without the highlights' <mark> tags, as a reader reads the results."""
    return re.sub(r"</?mark>", "", page_text(response))


def test_every_page_has_a_search_box_in_its_navigation(client):
    page = page_text(client.get("/"))
    assert re.search(r'<form[^>]*action="/search"[^>]*role="search"', page)
    assert '<label class="visually-hidden" for="nav-search-q">' in page


def test_the_search_page_without_a_query_explains_how_to_search_with_examples(client):
    page = page_text(client.get("/search"))
    assert "How to search" in page
    assert 'href="/search?q=patent+-software"' in page
    assert "results" not in page.lower().split("how to search")[0]


def test_a_search_shows_ranked_results_with_highlights_and_links(client):
    thread = make_thread(title="Royalty stacking in biotech", body="How do you handle royalty stacking?",
                         language="en")  # fmt: skip
    response = client.get("/search?q=royalty")
    page = page_text(response)
    assert response.status_code == 200
    assert f'href="/forum/t/{thread.id}"' in page
    assert "<mark>Royalty</mark> stacking in biotech" in page
    assert "1 result" in page
    assert "<title>Search: royalty · Conecta TT</title>" in page


def test_the_tabs_show_counts_and_keep_the_search(client):
    make_thread(title="Technology transfer offices", body="Staff", language="en")
    make_event(title="Technology transfer day", language="en")
    make_profile(make_user(display_name="Tech Transfer"), visibility=Visibility.PUBLIC)
    page = page_text(client.get("/search?q=transfer&language=en"))
    assert re.search(r'aria-current="page">\s*All <span class="badge [^"]+">2</span>', page)
    assert 'href="/search?kind=events&amp;q=transfer&amp;language=en"' in page
    events_tab = shown(client.get("/search?kind=events&q=transfer&language=en"))
    assert "Technology transfer day" in events_tab and "Technology transfer offices" not in events_tab


def test_filters_narrow_the_results(client):
    category = make_category(slug="patents", name_en="Patents")
    make_thread(category=category, title="Prior art search", body="Tools", language="en")
    make_thread(title="Prior art in contracts", body="Clauses", language="en")
    page = shown(client.get("/search?q=prior+art&category=patents"))
    assert "Prior art search" in page and "Prior art in contracts" not in page


def test_results_are_paginated_with_the_search_in_the_page_links(client):
    category, author = make_category(), make_user()
    for number in range(23):
        forum.start_thread(author, category, f"Licensing case {number}", "Body", "en")
    page = page_text(client.get("/search?q=licensing"))
    assert "23 results" in page
    assert 'href="/search?page=2&amp;q=licensing"' in page
    assert client.get("/search?q=licensing&page=2").status_code == 200
    assert client.get("/search?q=licensing&page=3").status_code == 404


def test_hostile_queries_get_a_normal_page(client):
    make_thread(title="Licencia de patentes", body="Texto", language="es")
    for query in HOSTILE_QUERIES:
        response = client.get("/search", query_string={"q": query})
        assert response.status_code == 200, query
        page = page_text(response)
        assert "How to search" in page or "result" in page or "Nothing found" in page, query


def test_nothing_found_is_said_kindly_with_a_way_out_of_the_filters(client):
    make_thread(title="Licencia", body="Texto", language="es")
    page = page_text(client.get("/search?q=inexistente"))
    assert "Nothing found." in page
    page = page_text(client.get("/search?q=licencia&language=en"))
    assert "Nothing found." in page and "Search again without filters" in page


def test_a_query_of_exclusions_only_asks_for_a_word(client):
    page = page_text(client.get("/search?q=-software"))
    assert "Please type at least one word to look for" in page


def test_a_very_long_query_says_only_its_first_words_were_used(client):
    make_thread(title="Licencia", body="Texto", language="es")
    page = page_text(client.get("/search", query_string={"q": "licencia " + " ".join(f"w{n}" for n in range(30))}))
    assert "only its first words were used" in page


@pytest.mark.parametrize(
    "query_string, message",
    [
        ("q=x&category=nope", "Please choose one of the offered options."),
        ("q=x&country=XX", "Please choose a country from the list."),
        ("q=x&language=fr", "Please choose one of the offered options."),
        ("q=x&date_from=2026-02-31", "Please enter a date as year-month-day"),
        ("q=x&date_from=yesterday", "Please enter a date as year-month-day"),
        ("q=x&date_from=2026-03-01&date_to=2026-02-01", "The end of the period must not be before its start."),
    ],
)
def test_bad_filters_are_explained_beside_the_field(client, query_string, message):
    response = client.get(f"/search?{query_string}")
    assert response.status_code == 422
    assert message in page_text(response)


@pytest.mark.parametrize("query_string", ["kind=nope&q=x", "page=0&q=x", "page=-1&q=x", "page=99&q=x"])
def test_unknown_tabs_and_pages_are_not_found(client, query_string):
    make_thread(title="x marks", body="Texto", language="en")
    assert client.get(f"/search?{query_string}").status_code == 404


def test_far_dates_are_accepted(client):
    make_thread(title="Licencia", body="Texto", language="es")
    response = client.get("/search?q=licencia&date_from=0001-01-01&date_to=9999-12-31")
    assert response.status_code == 200 and "1 result" in page_text(response)


def test_member_text_in_results_is_inert(client):
    make_profile(make_user(display_name='<img src=x onerror="alert(1)">Eve'), visibility=Visibility.PUBLIC,
                 headline="<script>alert(1)</script>")  # fmt: skip
    page = page_text(client.get("/search?q=eve"))
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_visitors_do_not_find_members_only_profiles_but_members_do(client, login):
    make_profile(make_user(display_name="Reserved Person"), visibility=Visibility.MEMBERS)
    assert "Reserved Person" not in shown(client.get("/search?q=reserved"))
    login(make_user(locale="en"))
    assert "Reserved Person" in shown(client.get("/search?q=reserved"))


def test_moderators_see_hidden_results_marked_as_hidden(client, login):
    from community.extensions import db

    thread = make_thread(title="Spam offer", body="Buy now", language="en")
    forum.set_thread_hidden(thread, True)
    db.session.commit()
    assert "Spam offer" not in shown(client.get("/search?q=spam"))
    login(make_moderator(locale="en"))
    page = shown(client.get("/search?q=spam"))
    assert "Spam offer" in page and ">Hidden</span>" in page


def test_the_search_page_costs_the_same_queries_whatever_the_data_size(client, login, count_queries):
    def fill(count):
        category, author = make_category(), make_user()
        for number in range(count):
            thread = forum.start_thread(author, category, f"Patent pool {number}", "Body", "en")
            forum.reply_to_thread(author, thread, "Another patent reply")
            make_event(title=f"Patent clinic {number}", language="en", organizer=author)
            make_profile(make_user(display_name=f"Patent Expert {number}"), visibility=Visibility.PUBLIC)

    login(make_user(locale="en"))
    client.get("/search")  # the first request of a session records the member's activity
    fill(2)
    with count_queries() as small:
        assert client.get("/search?q=patent").status_code == 200
    fill(30)
    with count_queries() as large:
        assert client.get("/search?q=patent").status_code == 200
    assert large.count <= small.count, "\n".join(large.statements)


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "SEARCH_RATE_LIMIT": "2 per minute"}

    def test_searching_too_often_is_refused_for_a_while(self, client):
        statuses = [client.get("/search?q=licencia").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
