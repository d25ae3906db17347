"""A newcomer joins, confirms by e-mail, logs in and picks a language; a member resets a forgotten password."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db
from tests.factories import make_user

pytestmark = pytest.mark.browser

NAME = "María José Pérez"
EMAIL = "maria.jose@example.org"
PASSWORD = "paçoca de amendoim 2024"


def link_in_mail(message, site_url: str) -> str:
    """The one link to the site in the plain-text part of `message`."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(re.escape(site_url) + r"/\S+", text)
    assert len(links) == 1, f"expected one link to {site_url} in:\n{text}"
    return links[0]


def mail_to(smtp_server, address: str):
    messages = [message for message in smtp_server.messages if message["To"] == address]
    assert len(messages) == 1, f"expected one message to {address}, got {len(messages)}"
    return messages[0]


def log_in(page, email: str, password: str) -> None:
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#submit").click()


def switch_language(page, code: str) -> None:
    page.locator(f"footer button[name=locale][value={code}]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def saved_locale(email: str) -> str:
    db.session.rollback()  # end this thread's transaction, to see what the server has committed
    return db.session.scalar(select(User.locale).where(User.email == email))


def test_newcomer_joins_confirms_logs_in_and_switches_language(new_page, live_server, smtp_server):
    page = new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("navigation").get_by_role("link", name="Join", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/join")
    page.locator("#display_name").fill(NAME)
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    page.locator("#country").select_option("BR")
    page.locator("#locale").select_option("es")
    page.locator("#submit").click()
    expect(page).to_have_url(f"{live_server.url}/join/check-your-email")

    assert live_server.deliver_mail() == 1
    message = mail_to(smtp_server, EMAIL)
    assert message["Content-Language"] == "es"  # written in the language the newcomer chose
    confirm_link = link_in_mail(message, live_server.url)
    assert confirm_link.startswith(f"{live_server.url}/confirm/")

    page.goto(confirm_link)
    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.locator(".alert-success")).to_be_visible()
    log_in(page, EMAIL, PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main h1")).to_contain_text(NAME)
    # The language chosen on the form wins over the browser's English.
    expect(page.locator("html")).to_have_attribute("lang", "es")

    switch_language(page, "pt")
    expect(page.locator("main h1")).to_contain_text(NAME)
    page.locator("#main-nav a[href='/account']").click()
    expect(page.locator("html")).to_have_attribute("lang", "pt")
    assert saved_locale(EMAIL) == "pt"

    switch_language(page, "en")
    expect(page).to_have_url(f"{live_server.url}/account")  # the switcher stays on the page
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert saved_locale(EMAIL) == "en"

    # The choice belongs to the member, not to this browser: it follows them to another one.
    other_browser = new_page(locale="pt-BR")
    other_browser.goto("/login")
    expect(other_browser.locator("html")).to_have_attribute("lang", "pt")
    log_in(other_browser, EMAIL, PASSWORD)
    expect(other_browser.locator("main h1")).to_contain_text(NAME)
    expect(other_browser.locator("html")).to_have_attribute("lang", "en")


def test_member_resets_a_forgotten_password(app, new_page, live_server, smtp_server):
    member = make_user(display_name="João Araújo", email="joao@example.org", locale="pt")
    new_password = "uma senha nova e longa"
    page = new_page()

    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_url(f"{live_server.url}/password/forgot")
    page.locator("#email").fill(member.email)
    page.locator("#submit").click()
    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.locator(".alert-info")).to_be_visible()

    assert live_server.deliver_mail() == 1
    reset_link = link_in_mail(mail_to(smtp_server, member.email), live_server.url)
    assert reset_link.startswith(f"{live_server.url}/password/reset/")

    page.goto(reset_link)
    page.locator("#password").fill(new_password)
    page.locator("#confirm").fill(new_password)
    page.locator("#submit").click()
    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.locator(".alert-success")).to_be_visible()

    log_in(page, member.email, new_password)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main h1")).to_contain_text("João Araújo")
    expect(page.locator("html")).to_have_attribute("lang", "pt")
    # The link worked once: now that the password changed, it is refused.
    assert page.request.get(reset_link).status == 400
