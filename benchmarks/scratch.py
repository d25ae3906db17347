"""What the benchmarks that build their own data (digests, matching, search) share: scratch databases, bulk
inserts, and counting statements."""

from pathlib import Path

from sqlalchemy import create_engine, event, insert, text
from sqlalchemy.engine import make_url

from community.extensions import db

BATCH = 5_000


def fresh_database(url: str, reuse: bool) -> str:
    """An empty database at `url` (an SQLite file, or a PostgreSQL database created if missing), or the
    data of an earlier run when `reuse`."""
    if url.startswith("sqlite"):
        path = Path(make_url(url).database)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not reuse:
            for leftover in path.parent.glob(path.name + "*"):
                leftover.unlink()
        return url
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = text("SELECT 1 FROM pg_database WHERE datname = :n")
        if not connection.execute(exists, {"n": parsed.database}).scalar():
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    if not reuse:
        engine = create_engine(parsed)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    return parsed.render_as_string(hide_password=False)


def insert_rows(table, rows: list[dict]) -> None:
    """Bulk insert in batches of BATCH rows (one statement each)."""
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start : start + BATCH])


class StatementCounter:
    """Counts the SQL statements `engine` runs inside a `with` block (`.count`)."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _count(self, *_args):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._count)
