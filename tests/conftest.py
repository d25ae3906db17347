"""Fixtures shared by every test: the app on a clean database, clients, mail and a real SMTP server."""

import email
import email.policy
import os
import socket
import sqlite3
import time

import pytest
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import Rule

from community import create_app
from community.extensions import db
from community.mail.models import OutboxMessage
from config import TestingConfig


def _database_of_this_worker(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (`<name>_gw0`, ...), created here."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url.startswith("postgresql") or not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


_STARTED = pytest.StashKey[float]()
POSTGRES_URL = _database_of_this_worker(os.environ.get("TEST_DATABASE_URL", ""))
if POSTGRES_URL:
    os.environ["TEST_DATABASE_URL"] = POSTGRES_URL  # for tests that read it (migrations)


def pytest_sessionstart(session):
    session.config.stash[_STARTED] = time.time()


def pytest_terminal_summary(terminalreporter, config):
    """Print the page audit's summaries, written by whichever workers ran its parts in this run."""
    from tests.browser.audit import SUMMARY_FILES, SUMMARY_FOLDER

    started = config.stash.get(_STARTED, None)
    summaries = sorted(SUMMARY_FOLDER.glob(SUMMARY_FILES))
    written = [path for path in summaries if started and path.stat().st_mtime >= started]
    if written:
        terminalreporter.write_sep("-", "page audit")
        for path in written:
            terminalreporter.write(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session", autouse=True)
def _fresh_postgres_schema():
    """Start a PostgreSQL run from an empty schema, whatever an earlier run left behind."""
    if POSTGRES_URL.startswith("postgresql"):
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    yield


def _empty_all_tables() -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        _empty_postgres_tables(tables)
    else:
        for name in tables:
            db.session.execute(text(f'DELETE FROM "{name}"'))
    db.session.commit()


def _empty_postgres_tables(tables: list[str]) -> None:
    """Delete the rows a test left and restart the sequences it moved, as TRUNCATE … RESTART IDENTITY would.

    A TRUNCATE of every table costs 140 ms (CASCADE pulls in each referencing table, empty or not); most
    tests write to a handful of tables, and deleting from those (dependents first) takes a few ms.
    """
    probes = " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT FROM \"{name}\")" for name in tables)
    written = set(db.session.scalars(text(probes)))
    moved = db.session.scalars(
        text("SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences WHERE last_value IS NOT NULL")
    ).all()
    try:
        for name in tables:
            if name in written:
                db.session.execute(text(f'DELETE FROM "{name}"'))
    except IntegrityError:  # rows that refer to each other in a way the table order does not untangle
        db.session.rollback()
        quoted = ", ".join(f'"{name}"' for name in tables)
        db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        return
    for sequence in moved:
        db.session.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))


@pytest.fixture
def app_config() -> dict:
    """Settings a test module may override for its `app` (e.g. REQUIRE_APPROVAL=True)."""
    return {}


class FreshContextClient(FlaskClient):
    """A test client whose every request gets its own app context, as it does in production.

    The `app` fixture keeps an app context open so tests can use the database directly; without this,
    Flask would reuse that context for requests, and `g` (the logged-in user, the chosen locale)
    would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class SharedTemplateCode(BytecodeCache):
    """Compiled templates kept for the whole run: each test's new app would otherwise compile them again.

    Buckets are keyed by the template's name and checksum, so an edited template is compiled afresh.
    """

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedTemplateCode()


def _keep_url_builders() -> None:
    """Werkzeug's URL builders compiled once for the whole run, not again for each test's new app.

    Adding a rule to an app's URL map generates two Python functions for `url_for` (through `ast` and
    `compile`): most of `create_app`, and of each test's setup (43 ms, 20 ms with this). A builder depends
    only on its rule's parsed parts, defaults and converters, the same in every app of the run, and is
    bound to each rule afterwards, so one compiled function serves them all. `Rule._compile_builder` is
    Werkzeug's own and private: if a release renames it, nothing is kept and the tests run as before.
    """
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or getattr(compile_builder, "kept", False):
        return
    builders = {}

    def kept_builder(rule, append_unknown=True):
        try:
            key = (
                rule.rule, tuple(rule._trace), tuple(sorted((rule.defaults or {}).items())), append_unknown,
                tuple((name, type(converter)) for name, converter in rule._converters.items()),
            )  # fmt: skip
            hash(key)
        except (AttributeError, TypeError):  # a default that is no plain value
            return compile_builder(rule, append_unknown)
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    kept_builder.kept = True
    Rule._compile_builder = kept_builder


_keep_url_builders()


class EmptySchema:
    """An empty database made once per process and copied for each test, instead of `create_all` per test.

    On SQLite each test's in-memory database is a copy (sqlite3's backup) of one built by `create_all`,
    virtual tables and triggers included. On PostgreSQL the tables outlive the test (its rows are deleted),
    so they are created by the first test only.
    """

    def __init__(self):
        self.sqlite: sqlite3.Connection | None = None
        self.postgres_ready = False

    def engine_options(self, database_url: str) -> dict:
        if database_url != "sqlite://" or self.sqlite is None:
            return {}
        return {"creator": self._sqlite_copy}

    def _sqlite_copy(self) -> sqlite3.Connection:
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        self.sqlite.backup(connection)
        return connection

    def create(self, database_url: str) -> None:
        if database_url == "sqlite://" and self.sqlite is not None:
            return
        if database_url.startswith("postgresql") and self.postgres_ready:
            return
        db.create_all()
        if database_url == "sqlite://":
            self.sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            db.session.connection().connection.dbapi_connection.backup(self.sqlite)
            db.session.rollback()
        elif database_url.startswith("postgresql"):
            self.postgres_ready = True


EMPTY_SCHEMA = EmptySchema()


@pytest.fixture
def app(app_config):
    # A subclass rather than config.update() afterwards: some settings (RATELIMIT_ENABLED) are read
    # only when create_app binds the extensions.
    database_url = app_config.get("SQLALCHEMY_DATABASE_URI", POSTGRES_URL or "sqlite://")
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": EMPTY_SCHEMA.engine_options(database_url),
        **app_config,
    }
    app = create_app(type("TestConfig", (TestingConfig,), settings))
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    with app.app_context():
        EMPTY_SCHEMA.create(database_url)
        app.test_client_class = FreshContextClient
        yield app
        db.session.rollback()
        db.session.remove()
        if db.engine.dialect.name == "postgresql" or not app.config["SQLALCHEMY_DATABASE_URI"].endswith("://"):
            _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """Log `user` in on `client` without going through the form."""

    def log_in(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return log_in


class QueryCounter:
    """Counts the SQL statements the app runs while it is active (for constant-query guarantees)."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, _conn, _cursor, statement, *_args):
        self.statements.append(statement)

    def __enter__(self):
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries: client.get(...)`, then `queries.count`."""
    return lambda: QueryCounter(db.engine)


class Outbox:
    """The e-mails the app has queued, read from the database each time."""

    def _all(self) -> list[OutboxMessage]:
        db.session.expire_all()
        return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def to(self, address: str) -> list[OutboxMessage]:
        return [message for message in self._all() if message.recipient == address]

    @property
    def last(self) -> OutboxMessage:
        messages = self._all()
        assert messages, "no e-mail was queued"
        return messages[-1]


@pytest.fixture
def outbox(app) -> Outbox:
    return Outbox()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """A real aiosmtpd server on 127.0.0.1 that keeps what it receives as parsed messages."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(app):
    server = SMTPServer()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    yield server
    server.stop()
