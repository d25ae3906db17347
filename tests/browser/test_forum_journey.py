"""Three colleagues discuss in the forum: a thread in Spanish, a reply in Portuguese, a quote, an edit."""

import pytest
from playwright.sync_api import expect

from community.forum import services
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#submit").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_a_spanish_thread_gets_a_portuguese_reply_a_quote_and_an_edit(app, new_page, live_server):
    services.ensure_default_categories()
    lucia = make_user(display_name="Lucía Hernández", email="lucia@example.org", locale="es")
    joao = make_user(display_name="João Araújo", email="joao@example.org", locale="pt")

    # Lucía starts a thread in Spanish.
    lucia_page = new_page(locale="es-MX")
    log_in(lucia_page, lucia.email)
    lucia_page.locator("#main-nav a[href='/forum/']").click()
    lucia_page.get_by_role("link", name="Licenciamiento y contratos").click()
    lucia_page.locator("main a[href$='/new']").click()
    expect(lucia_page.locator("#language")).to_have_value("es")
    lucia_page.locator("#title").fill("¿Regalías escalonadas en licencias de software?")
    lucia_page.locator("#tags").fill("licencias, regalías")
    lucia_page.locator("#body").fill("¿Qué porcentajes **usan** ustedes?")
    lucia_page.locator("#submit").click()
    expect(lucia_page.locator("main h1")).to_have_text("¿Regalías escalonadas en licencias de software?")
    expect(lucia_page.locator("main h1")).to_have_attribute("lang", "es")
    expect(lucia_page.locator("#post-1 .post-body strong")).to_have_text("usan")
    thread_url = lucia_page.url

    # João replies in Portuguese, quoting her.
    joao_page = new_page(locale="pt-BR")
    log_in(joao_page, joao.email)
    joao_page.goto(thread_url)
    expect(joao_page.locator("#post-1 .unread-marker")).to_be_visible()  # new to him
    joao_page.locator("#post-1 a[href*='quote=']").click()
    expect(joao_page.locator("#body")).to_have_value(
        "> **Lucía Hernández**:\n>\n> ¿Qué porcentajes **usan** ustedes?\n\n"
    )
    joao_page.locator("#body").press("Control+End")  # the end of the text, not of the line the caret is on
    joao_page.locator("#body").type("Na Fiocruz usamos 3 % até um teto.")
    joao_page.locator("#submit").click()
    expect(joao_page.locator("#post-2 blockquote")).to_contain_text("Lucía Hernández")
    expect(joao_page.locator("#post-2 .post-body")).to_contain_text("Na Fiocruz usamos 3 % até um teto.")

    # He corrects himself; the first version stays in the history.
    joao_page.locator("#post-2 a[href$='/edit']").click()
    joao_page.locator("#body").fill("> Lucía\n\nNa Fiocruz usamos 3 % até um teto anual.")
    joao_page.locator("#submit").click()
    expect(joao_page.locator("#post-2 .post-body")).to_contain_text("teto anual")
    joao_page.locator("#post-2 a[href$='/history']").click()
    expect(joao_page.locator("main")).to_contain_text("Na Fiocruz usamos 3 % até um teto.")
    expect(joao_page.locator("main")).to_contain_text("teto anual")

    # Lucía sees the bell and the unread marker, and goes straight to the new reply.
    lucia_page.goto("/")
    expect(lucia_page.locator(".notification-bell .badge")).to_have_text("1")
    lucia_page.goto("/forum/c/licenciamiento-contratos")
    marker = lucia_page.locator("a.unread-marker")
    expect(marker).to_be_visible()
    marker.click()
    expect(lucia_page).to_have_url(f"{thread_url}?page=1#post-2")
    expect(lucia_page.locator("#post-2 .unread-marker")).to_be_visible()
    expect(lucia_page.locator("#post-1 .unread-marker")).to_have_count(0)
    expect(lucia_page.locator("#post-2 .post-body")).to_have_attribute("lang", "es")

    # Having read it, the marker and the bell's count are gone.
    lucia_page.goto("/forum/c/licenciamiento-contratos")
    expect(lucia_page.locator(".unread-marker")).to_have_count(0)
    expect(lucia_page.locator(".notification-bell .badge")).to_have_count(0)

    # She finds the reply helpful.
    lucia_page.goto(thread_url)
    lucia_page.locator("#post-2 form[action$='/helpful'] button").click()
    expect(lucia_page.locator("#post-2 form[action$='/helpful'] button")).to_have_attribute("aria-pressed", "true")
