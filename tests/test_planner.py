"""`flask db analyze` gives the query planner statistics, so it stops guessing on large tables."""

import pytest
from sqlalchemy import event, text

from community.extensions import db
from community.opportunities.matching import still_matching
from tests.factories import make_opportunity, make_user


def _plan_of(call) -> str:
    """SQLite's plan for the statement `call` runs, with the values it ran with."""
    seen = []

    def record(_connection, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    [(statement, parameters)] = [(sql, values) for sql, values in seen if "FROM opportunities" in sql]
    cursor = db.session.connection().connection.dbapi_connection.cursor()
    return "\n".join(row[-1] for row in cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters))


def _last_analyzed():
    """When the opportunities' statistics were last gathered (SQLite: how many rows of them it holds)."""
    if db.engine.dialect.name == "sqlite":
        exists = db.session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"))
        return exists and db.session.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'opportunities'"))
    db.session.execute(text("SELECT pg_stat_clear_snapshot()"))  # the statistics views are read once per transaction
    return db.session.scalar(text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'opportunities'"))


def test_the_command_refreshes_the_statistics(app, runner):
    author = make_user()
    for number in range(12):
        make_opportunity(author=author, title=f"Licencia de tecnología {number}")
    before = _last_analyzed()

    result = runner.invoke(args=["db", "analyze"])

    assert result.exit_code == 0, result.output
    assert "Statistics refreshed." in result.output
    after = _last_analyzed()
    assert after and (not before or after > before)


def test_with_statistics_sqlite_reads_a_members_kept_matches_by_primary_key(app, runner):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the planner's guesses without statistics are SQLite's")
    author, member = make_user(), make_user(country="AR")
    ids = [make_opportunity(author=author, title=f"Licencia {number}").id for number in range(12)]

    runner.invoke(args=["db", "analyze"])

    plan = _plan_of(lambda: still_matching(member, ids[:5]))
    assert "SEARCH opportunities USING INTEGER PRIMARY KEY" in plan, plan
