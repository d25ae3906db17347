"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from community import create_app
from community.extensions import db
from community.search.models import alembic_include_name, alembic_include_object
from config import TestingConfig


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL database beside the test one."""
    postgres = os.environ.get("TEST_DATABASE_URL", "")
    if not postgres.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    url = make_url(postgres)
    name = f"{url.database}_migrations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _differences(app) -> list:
    with db.engine.connect() as connection:
        # As migrations/env.py does: search's FTS5 table and its PostgreSQL-only index are not in the models.
        opts = {
            "compare_type": True,
            "include_name": alembic_include_name,
            "include_object": alembic_include_object(connection.dialect.name),
        }
        context = MigrationContext.configure(connection, opts=opts)
        return compare_metadata(context, db.metadata)


def test_upgrading_an_empty_database_gives_exactly_the_models(empty_database_url):
    config = type("MigrationTestConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    app = create_app(config)
    with app.app_context():
        upgrade()
        assert _differences(app) == []
        db.engine.dispose()


def test_every_migration_can_be_undone_and_redone(empty_database_url):
    config = type("MigrationTestConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    app = create_app(config)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert _differences(app) == []
        db.engine.dispose()


def test_messages_written_before_previews_get_theirs_when_upgrading(empty_database_url):
    config = type("MigrationTestConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    app = create_app(config)
    long_html = "<p>" + " ".join(["palabra"] * 40) + "</p>"
    with app.app_context():
        upgrade(revision="1c2de8865922")  # the last revision without previews
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (id, email, password_hash, display_name, handle, locale, timezone, role,"
                " is_approved, session_token, created_at) VALUES (1, 'ana@example.org', 'x', 'Ana', 'ana', 'es',"
                " 'UTC', 'member', true, 't', CURRENT_TIMESTAMP)"
            ))
            connection.execute(text(
                "INSERT INTO conversations (id, subject, created_by_id, is_group, created_at, message_count,"
                " last_message_at) VALUES (1, 'Hola', 1, false, CURRENT_TIMESTAMP, 2, CURRENT_TIMESTAMP)"
            ))
            connection.execute(
                text("INSERT INTO messages (id, conversation_id, number, author_id, body, body_html, created_at)"
                     " VALUES (:id, 1, :id, 1, 'x', :html, CURRENT_TIMESTAMP)"),
                [{"id": 1, "html": "<p>Hola <strong>João</strong>,\n<em>¿qué tal?</em></p>"},
                 {"id": 2, "html": long_html}],
            )  # fmt: skip
        upgrade()
        with db.engine.connect() as connection:
            previews = connection.execute(text("SELECT preview FROM messages ORDER BY id")).scalars().all()
        db.engine.dispose()
    assert previews[0] == "Hola João, ¿qué tal?"
    assert previews[1].endswith("palabra…") and len(previews[1]) <= 141 and "<" not in previews[1]
