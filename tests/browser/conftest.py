"""Browser tests: the app served by a live server in a thread, driven by headless Debian Chromium."""

import os
import shutil
import threading
from urllib.parse import urlsplit

import pytest
from flask import got_request_exception
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from community import create_app
from community.extensions import db
from community.mail.sender import send_queued
from config import TestingConfig
from tests.conftest import POSTGRES_URL, _empty_all_tables

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Nothing leaves the machine: every host but the live server's fails to resolve at once (IP addresses
    # too), and `BrowserLog` reports the request. Blocking with Playwright's routing instead would send
    # every request through Python and turn off the browser's cache: a third of the page audit's time.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
CHROMIUM_MISSING = "Chromium is required in CI: install the Debian packages chromium and chromium-driver"
# Fail fast: every page of the app answers in milliseconds. Assertions wait as long as actions do: a CI
# machine shared with the other test worker and Chromium's processes can stall for seconds, and with
# expect()'s own default (5 s) a journey once failed in CI still seeing the page it had clicked away from.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture
def app(tmp_path, app_config):
    """The app with a database the server's threads share: a SQLite file, or TEST_DATABASE_URL."""
    database_url = POSTGRES_URL or f"sqlite:///{tmp_path / 'live.db'}"
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A real browser posts the CSRF token, so the forms are checked as in production.
        "WTF_CSRF_ENABLED": True,
        **app_config,
    }
    app = create_app(type("LiveServerConfig", (TestingConfig,), settings))
    with app.app_context():
        db.create_all()
        yield app
        db.session.rollback()
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            _empty_all_tables()
        db.engine.dispose()


class RequestsInFlight:
    """WSGI middleware that counts the answers still being given, so the server can wait for them to end.

    The server answers each request in a thread of its own, which a stopped server does not wait for. One
    still answering (a page the browser has already left) holds a database connection; were the engine
    disposed under it, the connection would be checked in to the discarded pool and never closed. An
    answer ends with its last byte (a streamed one releases its connection there) or when it is closed;
    werkzeug closes it only once the client has closed a kept-alive connection, which may be much later.
    """

    def __init__(self, app):
        self.app = app
        self.count = 0
        self.changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self.changed:
            self.count += 1
        try:
            answer = self.app(environ, start_response)
        except BaseException:
            self._ended()
            raise
        return _Counted(answer, self._ended)

    def _ended(self) -> None:
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count == 0, timeout)


class _Counted:
    """An answer that reports its end once: after its last byte, or when closed before it."""

    def __init__(self, answer, ended):
        self.answer, self._ended, self._done = answer, ended, False

    def __iter__(self):
        try:
            yield from self.answer
        finally:
            self._end()

    def close(self) -> None:
        try:
            if hasattr(self.answer, "close"):
                self.answer.close()
        finally:
            self._end()

    def _end(self) -> None:
        if not self._done:
            self._done = True
            self._ended()


class LiveServer:
    """The app served over HTTP on 127.0.0.1 by werkzeug, in a background thread."""

    def __init__(self, app):
        self.app = app
        self.in_flight = RequestsInFlight(app)
        # Port 0: the system picks a free one.
        self.server = make_server("127.0.0.1", 0, self.in_flight, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.errors: list[str] = []
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
        )

    def _record_error(self, sender, exception, **extra):
        self.errors.append(f"{type(exception).__name__}: {exception}")

    def start(self) -> None:
        got_request_exception.connect(self._record_error, self.app)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self._thread.join(timeout=10)
        if not self.in_flight.wait_until_idle(timeout=10):
            self.errors.append(f"{self.in_flight.count} answers were still going 10 s after the server stopped")
        self.server.server_close()
        got_request_exception.disconnect(self._record_error, self.app)

    def deliver_mail(self) -> int:
        """Send the queued mail over SMTP, as the cron job does; return how many messages went out."""
        with self.app.app_context():
            sent, failed = send_queued()
        assert failed == 0, "some queued mail could not be delivered"
        return sent


@pytest.fixture
def live_server(app, smtp_server):
    """The app on http://127.0.0.1:<free port>, its mail links pointing there, its mail going to smtp_server."""
    server = LiveServer(app)
    app.config["SITE_URL"] = server.url
    server.start()
    yield server
    server.stop()
    if server.errors:
        pytest.fail("the live server raised:\n" + "\n".join(server.errors), pytrace=False)


@pytest.fixture(scope="session")
def audit_tools():
    """The page audit's tools: Java for the Nu Html Checker, and the npm packages vnu-jar and axe-core."""
    from tests.browser.audit import AXE_JS, VNU_JAR

    missing = [str(path) for path in (VNU_JAR, AXE_JS) if not path.exists()]
    if shutil.which("java") is None:
        missing.append("java (Debian package default-jre-headless)")
    if missing:
        message = f"the page audit needs {', '.join(missing)}: run `make test` (npm ci) and `make system-deps`"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session; each test gets its own context."""
    if not os.path.exists(CHROMIUM):
        if _in_ci():
            pytest.fail(CHROMIUM_MISSING, pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing: install the Debian packages chromium and chromium-driver")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class BrowserLog:
    """What went wrong in the browser: console errors, page errors, failed and foreign requests.

    Chromium logs a console error for every page answered with an error status too; a test that
    opens one on purpose clears `console_errors` afterwards.
    """

    def __init__(self, origin: str):
        self.origin = origin
        self.console_errors: list[str] = []
        self.failed_requests: list[str] = []
        self.foreign_requests: list[str] = []

    def _is_foreign(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return False
        return f"{parts.scheme}://{parts.netloc}" != self.origin

    def watch(self, context) -> None:
        context.on("request", self._on_request)
        context.on("console", self._on_console)
        context.on("weberror", self._on_page_error)
        context.on("requestfailed", self._on_request_failed)

    def _on_request(self, request) -> None:
        if self._is_foreign(request.url):  # it fails: CHROMIUM_ARGS resolve no other host
            self.foreign_requests.append(request.url)

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def _on_page_error(self, web_error) -> None:
        self.console_errors.append(f"uncaught {web_error.error}")

    def _on_request_failed(self, request) -> None:
        # Leaving a page cancels what it was still loading: that is no failure of the site.
        # Requests to other origins fail because no other host resolves, and are reported as such.
        if request.failure != "net::ERR_ABORTED" and not self._is_foreign(request.url):
            self.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def problems(self) -> list[str]:
        return (
            [f"request to another origin: {url}" for url in self.foreign_requests]
            + [f"console error: {text}" for text in self.console_errors]
            + [f"failed request: {text}" for text in self.failed_requests]
        )


@pytest.fixture
def browser_log(live_server) -> BrowserLog:
    return BrowserLog(live_server.url)


@pytest.fixture
def new_page(browser, live_server, browser_log):
    """Open a page in a new browser context (English-speaking unless `locale` says otherwise).

    The test fails if any page requested another origin, logged a console error (CSP violations
    included) or had a request fail.
    """
    contexts = []

    def open_page(**context_options):
        options = {"base_url": live_server.url, "locale": "en-US", "reduced_motion": "reduce", **context_options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        browser_log.watch(context)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    problems = [f"server error: {error}" for error in live_server.errors] + browser_log.problems()
    live_server.errors.clear()  # reported here, with what the browser saw of them
    if problems:
        pytest.fail("the browser reported:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(new_page):
    return new_page()
