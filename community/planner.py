"""`flask db analyze`: up-to-date statistics for the database's query planner.

PostgreSQL gathers them by itself (autovacuum's ANALYZE); SQLite never does. Without them SQLite guesses,
and its guesses can pick an index that reads far more than needed: the dashboard's check that a member's
kept matches are still open read five opportunities by primary key through the index on their status,
every open opportunity (140 µs on 2,000 of them, 15 µs with statistics). Run it daily from cron, and
after loading much data at once (`flask seed bench`, a restore); on PostgreSQL it does no harm.
"""

import click
from flask.cli import with_appcontext
from sqlalchemy import text

from community.extensions import db

# SQLite reads at most this many rows of each index: statistics good enough to choose plans, in
# milliseconds even on large tables (PRAGMA analysis_limit).
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_statistics() -> None:
    with db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(text(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}"))
        connection.execute(text("ANALYZE"))


@click.command("analyze")
@with_appcontext
def analyze_command():
    """Refresh the statistics the database's query planner chooses plans by (daily, and after bulk loads)."""
    refresh_statistics()
    click.echo("Statistics refreshed.")
