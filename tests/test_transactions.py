"""How a request's transaction ends: on PostgreSQL a request that only read commits (so the connection keeps
the statements it prepared), and anything that wrote without committing is still undone, on every database."""

import threading
from contextlib import suppress

import pytest
from flask import Response, stream_with_context
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError
from werkzeug.test import EnvironBuilder

from community.accounts.models import User
from community.extensions import db
from tests.factories import make_user


@pytest.fixture
def app(app):
    """The app, with routes that read, write or fail (added before its first request)."""

    @app.route("/test/read")
    def read():
        return str(db.session.scalar(select(User.display_name).where(User.email == "ana@example.org")))

    @app.route("/test/write-unflushed")
    def write_unflushed():
        db.session.scalar(select(User).where(User.email == "ana@example.org")).display_name = "Changed"
        return "not committed"

    @app.route("/test/write-flushed")
    def write_flushed():
        db.session.scalar(select(User).where(User.email == "ana@example.org")).display_name = "Changed"
        db.session.flush()
        return "not committed"

    @app.route("/test/failed-select")
    def failed_select():
        with suppress(DBAPIError):  # a page that shrugs off a failed query
            db.session.execute(text("SELECT * FROM no_such_table"))
        return "shrugged"

    @app.route("/test/read-then-crash")
    def read_then_crash():
        db.session.scalar(select(User.id))
        raise RuntimeError("a bug")

    @app.route("/test/stream")
    def stream():
        ana = db.session.scalar(select(User).where(User.email == "ana@example.org"))

        def lines():
            yield "Hello, "
            yield ana.display_name  # read while the answer is sent, after the request's own end

        return Response(stream_with_context(lines()))

    @app.route("/test/prepared")
    def prepared():
        return str(db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")))

    return app


@pytest.fixture
def endings(app):
    """The ends of the transactions the engine sees: "commit" or "rollback", in order."""
    seen: list[str] = []
    event.listen(db.engine, "commit", lambda _connection: seen.append("commit"))
    event.listen(db.engine, "rollback", lambda _connection: seen.append("rollback"))
    return seen


@pytest.fixture
def ana(app):
    user = make_user(email="ana@example.org", display_name="Ana")
    db.session.remove()  # the test's own session holds no transaction open
    return user


def display_name() -> str:
    db.session.remove()
    return db.session.scalar(select(User.display_name).where(User.email == "ana@example.org"))


PREPARED = "prepared statements are PostgreSQL's (psycopg prepares a statement run five times)"


def on_postgresql(reason: str = PREPARED) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip(reason)


def test_on_postgresql_a_request_that_only_read_ends_with_a_commit(client, ana, endings):
    on_postgresql()

    assert client.get("/test/read").get_data(as_text=True) == "Ana"

    assert endings == ["commit"]


def test_changes_a_request_did_not_commit_are_undone(client, ana, endings):
    client.get("/test/write-unflushed")
    assert display_name() == "Ana"

    client.get("/test/write-flushed")
    assert display_name() == "Ana"
    assert "commit" not in endings


def test_a_request_whose_statement_failed_is_rolled_back_without_an_error(client, ana, endings):
    answer = client.get("/test/failed-select")

    assert answer.status_code == 200
    assert "commit" not in endings
    assert client.get("/test/read").get_data(as_text=True) == "Ana"


def test_a_request_that_failed_is_rolled_back(app, client, ana, endings):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    assert client.get("/test/read-then-crash").status_code == 500
    assert "commit" not in endings


def served_as_by_a_server(app, path: str) -> str:
    """The body of `path` as a WSGI server sends it: in a thread of its own (no app context of the test's
    around it), the request ended before its answer is read."""
    body = []

    def serve():
        answer = app.wsgi_app(EnvironBuilder(path=path).get_environ(), lambda status, headers: None)
        try:
            body.extend(chunk.decode() for chunk in answer)
        finally:
            answer.close()

    server = threading.Thread(target=serve)
    server.start()
    server.join()
    return "".join(body)


def test_on_postgresql_what_a_request_read_can_still_be_read_while_its_answer_is_streamed(app, ana):
    on_postgresql("the request's transaction ends this way on PostgreSQL only")

    assert served_as_by_a_server(app, "/test/stream") == "Hello, Ana"


def test_on_postgresql_a_connection_keeps_the_statements_it_prepared(app, client, ana):
    on_postgresql()

    for _ in range(6):
        client.get("/test/read")

    assert int(client.get("/test/prepared").get_data(as_text=True)) >= 1
