"""Lucía finds João in the directory and writes to him in Spanish; he sees the badge and answers in Portuguese."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_profile, make_user

pytestmark = pytest.mark.browser


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#submit").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_a_member_found_in_the_directory_gets_a_message_and_replies_in_another_language(app, new_page):
    lucia = make_user(display_name="Lucía Hernández", email="lucia@example.org", locale="es", country="MX")
    joao = make_user(display_name="João Araújo", email="joao@example.org", locale="pt", country="BR")
    make_profile(joao, headline="Exame de patentes no INPI", organization="INPI")
    make_profile(make_user(display_name="Camila Muñoz", country="CL"), headline="Licencias en la Universidad de Chile")

    # Lucía looks for a counterpart at the INPI and writes to him from his profile.
    lucia_page = new_page(locale="es-MX")
    log_in(lucia_page, lucia.email)
    lucia_page.locator("#main-nav a[href='/members']").click()
    lucia_page.locator("#q").fill("INPI")
    lucia_page.locator("#search").click()
    lucia_page.get_by_role("link", name="João Araújo").click()
    expect(lucia_page.locator("h1")).to_have_text("João Araújo")
    lucia_page.locator(".profile-actions a.send-message").click()
    expect(lucia_page.locator("#recipients")).to_have_value(f"@{joao.handle}")
    lucia_page.locator("#subject").fill("Examen prioritario para una patente de diagnóstico")
    lucia_page.locator("#body").fill("Hola, João: ¿el INPI acepta **examen prioritario** en fase nacional?")
    lucia_page.locator("#submit").click()
    expect(lucia_page.locator("h1")).to_have_text("Examen prioritario para una patente de diagnóstico")
    expect(lucia_page.locator(".message .post-body strong")).to_have_text("examen prioritario")
    expect(lucia_page.locator(".messages-link .badge")).to_have_count(0)

    # João sees the unread badge on every page, opens his inbox and the conversation.
    joao_page = new_page(locale="pt-BR")
    log_in(joao_page, joao.email)
    expect(joao_page.locator(".messages-link .badge")).to_have_text("1")
    expect(joao_page.locator(".notification-bell .badge")).to_have_text("1")
    joao_page.goto("/forum/")
    expect(joao_page.locator(".messages-link .badge")).to_have_text("1")
    joao_page.locator(".messages-link").click()
    conversation = joao_page.locator(".conversation-list .conversation")
    expect(conversation).to_have_count(1)
    expect(conversation.locator(".unread-count")).to_be_visible()
    conversation.get_by_role("link", name="Examen prioritario para una patente de diagnóstico").click()
    expect(joao_page.locator(".message .unread-marker")).to_have_count(1)
    expect(joao_page.locator(".messages-link .badge")).to_have_count(0)  # read now
    expect(joao_page.locator(".notification-bell .badge")).to_have_count(0)

    # He answers in Portuguese.
    joao_page.locator("#body").fill("Olá, Lucía! Sim, desde que o pedido já esteja na *fase nacional*.")
    joao_page.locator("#submit").click()
    expect(joao_page.locator(".message")).to_have_count(2)
    expect(joao_page.locator(".message").last.locator(".post-body em")).to_have_text("fase nacional")

    # Lucía sees his answer marked as new, and then nothing unread.
    lucia_page.goto("/")
    expect(lucia_page.locator(".messages-link .badge")).to_have_text("1")
    lucia_page.locator(".messages-link").click()
    lucia_page.locator(".conversation-list a").first.click()
    new = lucia_page.locator(".message", has=lucia_page.locator(".unread-marker"))
    expect(new).to_have_count(1)
    expect(new).to_contain_text("Olá, Lucía!")
    expect(lucia_page.locator(".messages-link .badge")).to_have_count(0)
