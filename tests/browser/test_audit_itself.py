"""The page audit catches what it promises to: a page without a title, an unlabeled input, a broken link."""

import pytest
from flask import Blueprint, render_template_string

from tests.browser.audit import PHONE_VIEWPORT, Auditor, AuditResult, Catalogs, HtmlChecker

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_tools")]

PAGE = """{% extends "layout.html" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}<h1>{{ title }}</h1>{{ body|safe }}{% endblock %}"""

flawed_pages = Blueprint("flawed", __name__)


@flawed_pages.route("/audit-sample/fine")
def fine_page():
    return render_template_string(PAGE, title="A fine page", body="<p>Nothing wrong here.</p>")


@flawed_pages.route("/audit-sample/no-title")
def page_without_title():
    return render_template_string(PAGE, title="", body="<p>Untitled.</p>")


@flawed_pages.route("/audit-sample/unlabeled-input")
def page_with_unlabeled_input():
    return render_template_string(PAGE, title="Unlabeled", body='<form><input type="text" name="q"></form>')


@flawed_pages.route("/audit-sample/broken-link")
def page_with_broken_link():
    return render_template_string(PAGE, title="Broken link", body='<a href="/no-such-page">Somewhere</a>')


@flawed_pages.route("/audit-sample/spanish-on-an-english-page")
def page_with_a_foreign_string():
    return render_template_string(PAGE, title="Mixed", body="<p>Iniciar sesión</p>")


@flawed_pages.route("/audit-sample/third-party-image")
def page_loading_from_another_origin():
    # 192.0.2.0/24 is reserved for documentation: nothing answers there, and the browser reaches no other host.
    return render_template_string(PAGE, title="Tracker", body='<img src="http://192.0.2.1/pixel.png" alt="">')


@flawed_pages.route("/audit-sample/let-through")
def page_whose_policy_lets_another_origin_through():
    page = page_loading_from_another_origin()
    return page, {"Content-Security-Policy": "default-src 'self'; img-src *"}


@pytest.fixture
def app_with_flawed_pages(app):
    app.register_blueprint(flawed_pages)
    return app


def audit(app, live_server, browser, browser_log, path) -> list[str]:
    result = AuditResult()
    html = HtmlChecker()
    auditor = Auditor(app, live_server.url, Catalogs(), html, result)
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE_VIEWPORT)
    browser_log.watch(context)
    # Only the sample page itself: the whole site is the page audit's job.
    auditor.crawl(context.new_page(), "visitor", "en", [live_server.url + path], browser_log, follow_links=False)
    context.close()
    html.run()
    browser_log.console_errors.clear()
    return result.problems


def test_a_fine_page_passes(app_with_flawed_pages, live_server, browser, browser_log):
    assert audit(app_with_flawed_pages, live_server, browser, browser_log, "/audit-sample/fine") == []


def test_a_page_without_a_title_fails(app_with_flawed_pages, live_server, browser, browser_log):
    problems = audit(app_with_flawed_pages, live_server, browser, browser_log, "/audit-sample/no-title")

    assert any("no-title" in p and "has no title of its own" in p for p in problems), problems


def test_a_page_with_an_unlabeled_input_fails(app_with_flawed_pages, live_server, browser, browser_log):
    problems = audit(app_with_flawed_pages, live_server, browser, browser_log, "/audit-sample/unlabeled-input")

    assert any("unlabeled-input" in p and "accessibility: label (critical)" in p for p in problems), problems


def test_a_page_with_a_broken_link_fails(app_with_flawed_pages, live_server, browser, browser_log):
    problems = audit(app_with_flawed_pages, live_server, browser, browser_log, "/audit-sample/broken-link")

    assert any("/no-such-page" in p and "not found (linked from" in p and "broken-link" in p for p in problems), (
        problems
    )


def test_a_string_left_in_another_language_fails(app_with_flawed_pages, live_server, browser, browser_log):
    path = "/audit-sample/spanish-on-an-english-page"
    problems = audit(app_with_flawed_pages, live_server, browser, browser_log, path)

    assert any("not in en: 'Iniciar sesión'" in p for p in problems), problems


def test_a_request_to_another_origin_fails(app_with_flawed_pages, live_server, browser, browser_log):
    problems = audit(app_with_flawed_pages, live_server, browser, browser_log, "/audit-sample/third-party-image")

    # The Content-Security-Policy stops it first; were it to let it through, the browser log would catch it.
    assert any("third-party-image" in p and "http://192.0.2.1/pixel.png" in p for p in problems), problems


def test_a_request_to_another_origin_that_the_policy_lets_through_fails_too(
    app_with_flawed_pages, live_server, browser, browser_log
):
    problems = audit(app_with_flawed_pages, live_server, browser, browser_log, "/audit-sample/let-through")

    assert any("request to another origin: http://192.0.2.1/pixel.png" in p for p in problems), problems
