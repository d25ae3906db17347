"""How a request's transaction ends on PostgreSQL: committed when it only read, so prepared statements stay.

psycopg prepares a statement on the server once a connection has run it five times, and PostgreSQL then
skips planning it (planning a page's statements cost more than running them on the benchmark data). But
psycopg forgets every prepared statement on ROLLBACK, and a request's session ends with one: so, with a
rollback after every page, nothing was ever prepared and every statement was planned afresh.

A transaction that ran only SELECTs has nothing to undo, so committing it is the same as rolling it back
for the data; it ends with COMMIT instead, and the connection keeps its prepared statements. Anything
else (a write, DDL, a savepoint, a failed statement, an exception in the request) still ends with ROLLBACK.
"""

from flask import Flask
from sqlalchemy import event

from community.extensions import db

_ONLY_READ = "only_read"  # on the connection's info: the transaction has run nothing but SELECTs


def _reading(connection) -> None:
    connection.info[_ONLY_READ] = True


def _note_writes(connection, _cursor, statement: str, _parameters, _context, _executemany) -> None:
    if connection.info.get(_ONLY_READ) and statement.lstrip()[:6].upper() != "SELECT":
        connection.info[_ONLY_READ] = False


def _failed(context) -> None:
    if context.connection is not None:
        context.connection.info[_ONLY_READ] = False


def init_app(app: Flask) -> None:
    """Register the end of the request's transaction on PostgreSQL. Call after `db.init_app`: teardowns run
    in reverse order, so this one runs before Flask-SQLAlchemy closes the session.

    Not on SQLite: it prepares statements in the process, and keeps them whichever way a transaction ends,
    so committing there would only cost time.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    with app.app_context():
        engine = db.engine
    event.listen(engine, "begin", _reading)
    event.listen(engine, "before_cursor_execute", _note_writes)
    event.listen(engine, "handle_error", _failed)

    @app.teardown_appcontext
    def end_transaction(exception: BaseException | None) -> None:
        if exception is not None or not db.session.registry.has():
            return
        session = db.session()
        if not session.in_transaction() or session.new or session.dirty or session.deleted:
            return  # Flask-SQLAlchemy's close rolls it back
        if session.connection().info.get(_ONLY_READ):
            # What the request loaded stays readable after it, as after a rollback: a streamed answer (the
            # audit log's CSV) reads the member while it is sent.
            session.expire_on_commit = False
            session.commit()
