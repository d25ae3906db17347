"""Configuration: production refuses unsafe settings; SQLite is set up for several writers."""

import multiprocessing

import pytest
from sqlalchemy import text

from community import create_app
from community.extensions import db
from config import ProductionConfig, TestingConfig


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db.example/conecta")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "too-short")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db.example/conecta")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_to_start_without_a_database_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app(ProductionConfig)


def test_production_sends_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db.example/conecta")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def _sqlite_config(path):
    return type("FileSQLiteConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path):
    app = create_app(_sqlite_config(tmp_path / "pragmas.db"))
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        db.engine.dispose()


def _write_many(path: str, worker: int, rows: int) -> None:
    """One 'gunicorn worker': its own app and connection, committing one row at a time."""
    from tests.factories import make_user

    app = create_app(_sqlite_config(path))
    with app.app_context():
        for row in range(rows):
            make_user(email=f"w{worker}-{row}@example.org", display_name=f"Writer {worker} {row}", password="pw")
        db.engine.dispose()


def test_several_processes_write_to_sqlite_at_once_without_locking_errors(tmp_path):
    path = tmp_path / "concurrent.db"
    app = create_app(_sqlite_config(path))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(str(path), n, 15)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM users")).scalar() == 60
        db.engine.dispose()


def test_production_starts_when_its_settings_are_in_the_environment_before_it_loads(tmp_path):
    """As under gunicorn: the variables exist before `config` is imported (the checks above set them after)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "COMMUNITY_CONFIG": "production", "SECRET_KEY": "s" * 48,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'production.db'}"}  # fmt: skip
    started = subprocess.run(
        [sys.executable, "-c", "from wsgi import app; print(app.config['SESSION_COOKIE_SECURE'])"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "True"
