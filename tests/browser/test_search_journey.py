"""A member searches from the navigation in her language and opens a discussion written in another."""

import re

import pytest
from playwright.sync_api import expect

from community.forum import services as forum
from tests.factories import PASSWORD, make_event, make_user

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#submit").click()
    page.wait_for_url(lambda url: "/login" not in url)


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_a_member_finds_a_portuguese_discussion_without_typing_its_accents_and_opens_it(app, new_page):
    forum.ensure_default_categories()
    joao = make_user(display_name="João Araújo", locale="pt")
    category = forum.get_category("licenciamiento-contratos")
    thread = forum.start_thread(joao, category, "Licenciamento de patentes na Fiocruz",
                                "A **cessão** de direitos e a licença exclusiva: como vocês fazem?", "pt")  # fmt: skip
    forum.reply_to_thread(make_user(), thread, "Na USP a cessão total é rara.")
    make_event(title="Oficina de licenciamento em São Paulo", language="pt", city="São Paulo", country="BR")
    lucia = make_user(display_name="Lucía Hernández", email="lucia@example.org", locale="es")

    page = new_page(locale="es-MX", viewport=PHONE)
    log_in(page, lucia.email)
    # On a phone the search box is in the menu.
    page.locator(".navbar-toggler").click()
    page.locator("#nav-search-q").fill("licenciamento cessao")
    page.locator("#nav-search-q").press("Enter")

    expect(page).to_have_url(re.compile(r"/search\?q=licenciamento\+cessao$"))
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("#q")).to_have_value("licenciamento cessao")
    results = page.locator(".search-result")
    expect(results).to_have_count(1)
    expect(results.first.locator("h3 mark")).to_have_text("Licenciamento")
    expect(results.first.locator(".search-snippet mark").first).to_have_text("cessão")
    assert not scrolls_sideways(page)

    # A wider search: the tabs count each kind, the events tab keeps the query.
    page.locator("#q").fill("licenciamento")
    page.locator("#q").press("Enter")
    expect(page.locator(".search-result")).to_have_count(2)
    page.locator("main nav a[href*='kind=events']").click()
    expect(page.locator(".search-result")).to_have_count(1)
    expect(page.locator(".search-result h3 a")).to_have_text("Oficina de licenciamento em São Paulo")

    # Back to all results, and into the discussion itself.
    page.go_back()
    page.locator(".search-result-thread h3 a").click()
    expect(page).to_have_url(re.compile(rf"/forum/t/{thread.id}$"))
    expect(page.locator("main h1")).to_have_text("Licenciamento de patentes na Fiocruz")
    expect(page.locator("main h1")).to_have_attribute("lang", "pt")


def test_filters_open_and_narrow_the_search_at_desktop_width(app, new_page):
    forum.ensure_default_categories()
    author = make_user(locale="en")
    forum.start_thread(author, forum.get_category("patentes-busquedas"), "Prior art databases", "Which ones?", "en")
    forum.start_thread(author, forum.get_category("regulatorio"), "Prior approval of devices", "Steps?", "en")

    page = new_page()
    page.goto("/search?q=prior")
    expect(page.locator(".search-result")).to_have_count(2)
    page.locator("details summary").click()
    page.locator("#category").select_option(label="Patents and search")
    page.get_by_role("button", name="Apply the filters").click()
    expect(page.locator(".search-result")).to_have_count(1)
    expect(page.locator(".search-result h3 a")).to_have_text("Prior art databases")
    expect(page.locator("details")).to_have_attribute("open", "")
