"""Every page valid, accessible and self-contained, for every role in every language.

The audit crawls the site from the home page and from every route of the URL map; a route that takes
arguments is visited once through the sample in `url_samples`, which each area extends with its own.
"""

import pytest
from flask import url_for

from community.accounts.models import User
from community.accounts.tokens import fingerprint, make_token
from community.extensions import db
from tests.browser.audit import (
    BROWSER_LOCALES,
    LANGUAGES,
    PHONE_VIEWPORT,
    Auditor,
    AuditResult,
    Catalogs,
    HtmlChecker,
)
from tests.factories import PASSWORD, make_admin, make_moderator, make_user

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_tools")]

# Routes that are not pages: files and machine-readable answers.
NOT_PAGES = {"static", "bootstrap.static", "main.healthz"}


@pytest.fixture
def app_config():
    # Approval mode shows the moderators' pending-members page and its link.
    return {"REQUIRE_APPROVAL": True}


def url_samples(members: dict[str, User]) -> dict[str, dict]:
    """One set of arguments for every page route that takes some; a new such route must be added here."""
    member = members["member"]
    reset_token = make_token("reset", uid=member.id, pw=fingerprint(member.password_hash))
    return {
        "accounts.confirm_email": {"token": "not-a-valid-token"},
        "accounts.confirm_email_change": {"token": "not-a-valid-token"},
        "accounts.reset_password": {"token": reset_token},
    }


def start_urls(app, members) -> list[str]:
    samples = url_samples(members)
    urls = ["/"]
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in NOT_PAGES or "GET" not in rule.methods:
                continue
            if rule.arguments:
                assert rule.endpoint in samples, f"add a sample for {rule.endpoint} to url_samples()"
                urls.append(url_for(rule.endpoint, **samples[rule.endpoint]))
            else:
                urls.append(url_for(rule.endpoint))
    return urls


@pytest.fixture
def members():
    members = {
        "member": make_user(display_name="Ana Conceição"),
        "moderator": make_moderator(display_name="Lucía Hernández"),
        "admin": make_admin(display_name="Admin Conecta"),
    }
    make_user(display_name="Raúl Echevarría", is_approved=False)  # fills the pending-members page
    return members


def log_in(page, user: User) -> None:
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url(lambda url: "/login" not in url)


def test_every_page_passes_the_audit(app, live_server, browser, browser_log, members, capsys):
    catalogs = Catalogs()
    html = HtmlChecker()
    result = AuditResult()
    auditor = Auditor(app, live_server.url, catalogs, html, result)
    urls = [live_server.url + path for path in start_urls(app, members)]

    for role in ("visitor", "member", "moderator", "admin"):
        for language in LANGUAGES:
            context = browser.new_context(
                base_url=live_server.url, locale=BROWSER_LOCALES[language], viewport=PHONE_VIEWPORT
            )
            browser_log.watch(context)
            page = context.new_page()
            if role != "visitor":
                user = members[role]
                user.locale = language
                db.session.commit()
                log_in(page, user)
            auditor.crawl(page, role, language, urls, browser_log)
            context.close()
    html.run()
    live_server.errors.clear()  # each 5xx is already a problem of its page

    with capsys.disabled():
        print("\n" + result.summary())
    assert not result.problems, "\n".join(result.problems)
    assert result.visited[("member", "pt")] >= 10
