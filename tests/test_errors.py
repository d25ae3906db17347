"""Error pages, security headers and the health check.

Every error is a page of the site (layout, navigation, a translated title and explanation), never a
bare server message; every response carries the security headers.
"""

import pytest
from flask import abort
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError

from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from tests.factories import make_user

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def app(app):
    """The app, with routes that fail on purpose (added before its first request)."""

    @app.route("/test/abort/<int:code>")
    def abort_with(code):
        abort(code)

    @app.route("/test/forbidden")
    def forbidden():
        raise PermissionDenied

    @app.route("/test/crash")
    def crash():
        raise RuntimeError("a bug")

    @app.route("/test/database-crash")
    def database_crash():
        make_user(email="same@example.org")
        make_user(email="same@example.org")  # breaks the unique constraint

    return app


@pytest.fixture
def production_errors(app):
    """Handle unexpected exceptions as in production instead of letting them reach the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False


def text(response) -> str:
    return response.get_data(as_text=True)


def assert_error_page(response, code: int, title: str) -> None:
    page = text(response)
    assert response.status_code == code
    assert response.mimetype == "text/html"
    assert f"<title>{title} · Conecta TT</title>" in page
    assert f"<h1>{title}</h1>" in page
    assert 'aria-label="Main navigation"' in page
    assert "Go to the home page" in page


@pytest.mark.parametrize(
    ("code", "title"),
    [
        (400, "Bad request"),
        (403, "Access denied"),
        (404, "Page not found"),
        (405, "Method not allowed"),
        (413, "Too large"),
        (429, "Too many requests"),
        (500, "Something went wrong"),
    ],
)
def test_each_error_is_a_translated_page_of_the_site(client, code, title):
    response = client.get(f"/test/abort/{code}", headers=ENGLISH)

    assert_error_page(response, code, title)


def test_unknown_address_is_not_found(client):
    response = client.get("/no/such/page", headers=ENGLISH)

    assert_error_page(response, 404, "Page not found")
    assert "The page you were looking for does not exist" in text(response)


def test_error_pages_follow_the_visitors_language(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "pt-BR"})

    assert response.status_code == 404
    assert '<html lang="pt">' in text(response)


def test_wrong_method_keeps_the_allow_header(client):
    response = client.get("/logout", headers=ENGLISH)

    assert_error_page(response, 405, "Method not allowed")
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


def test_too_large_a_request_is_refused(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024

    response = client.post("/login", data={"email": "a@example.org", "password": "x" * 5000}, headers=ENGLISH)

    assert_error_page(response, 413, "Too large")


def test_permission_denied_is_an_access_denied_page(client):
    assert_error_page(client.get("/test/forbidden", headers=ENGLISH), 403, "Access denied")


@pytest.mark.usefixtures("production_errors")
def test_unexpected_exception_is_a_500_page(client):
    response = client.get("/test/crash", headers=ENGLISH)

    assert_error_page(response, 500, "Something went wrong")
    assert "a bug" not in text(response)


@pytest.mark.usefixtures("production_errors")
def test_database_error_of_a_member_is_still_a_500_page(client, login):
    login(make_user(locale="en"))

    response = client.get("/test/database-crash")

    assert_error_page(response, 500, "Something went wrong")
    assert "My account" in text(response)


def test_errors_answer_json_to_json_clients(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json", **ENGLISH})

    assert response.status_code == 404
    assert response.json == {"error": "Page not found"}


def test_refusal_is_translated_when_shown_not_when_raised(app):
    reason = _l("This thread is locked.")

    refusal = ActionRefused(reason)  # outside any request, as in a CLI command

    assert refusal.reason is reason
    with force_locale("en"):
        assert str(refusal) == "This thread is locked."


# Security headers


@pytest.mark.parametrize("path", ["/", "/login", "/no/such/page", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers

    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_a_header_a_page_sets_itself_is_kept_and_each_header_comes_once(app):
    @app.route("/test/own-policy")
    def own_policy():
        return "x", 200, {"Referrer-Policy": "no-referrer", "x-frame-options": "SAMEORIGIN"}

    headers = app.test_client().get("/test/own-policy").headers
    assert headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert len(headers.getlist("Content-Security-Policy")) == 1


@pytest.mark.usefixtures("production_errors")
def test_500_page_carries_the_security_headers(client):
    headers = client.get("/test/crash").headers

    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_scripts_or_styles(client):
    page = text(client.get("/login"))

    assert "<script>" not in page
    assert "style=" not in page
    assert "<style" not in page


def test_session_cookie_is_http_only_and_same_site(client):
    make_user(email="ana@example.org")

    client.post("/login", data={"email": "ana@example.org", "password": "correct horse battery staple"})

    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


# Health check


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_check_reports_an_unreachable_database(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(db.session, "execute", unreachable)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}
