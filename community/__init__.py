"""Conecta TT: the network of technology-transfer and IP professionals across Latin America."""

import os
import secrets
from pathlib import Path

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from community.application import CommunityFlask
from community.cookie_sessions import KeptCookieSessionInterface
from community.extensions import babel, bootstrap, cache, csrf, db, limiter, login_manager, migrate

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def create_app(config="development") -> Flask:
    """Build the application from a config name ("development", "testing", "production") or class."""
    from config import CONFIGS

    config_class = CONFIGS[config] if isinstance(config, str) else config
    config_class.check()
    app = CommunityFlask(__name__, instance_relative_config=True)
    app.config.from_object(config_class)
    app.session_interface = KeptCookieSessionInterface()
    os.makedirs(app.instance_path, exist_ok=True)  # the SQLite default lives there

    _init_extensions(app)
    _init_templates(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_request_hooks(app)

    from community.errors import register_error_handlers

    register_error_handlers(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL, a busy timeout and foreign keys, so several workers can write to SQLite at once."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _init_extensions(app: Flask) -> None:
    from community import compiled_statements, csrf_tokens, transactions
    from community.i18n import select_locale, select_timezone
    from community.types import render_migration_type

    db.init_app(app)
    transactions.init_app(app)  # after db: its teardown runs before the session is closed
    compiled_statements.init_app(app)
    # Batch mode lets Alembic alter SQLite tables (it copies them); a no-op on PostgreSQL.
    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path).parent / "migrations"),
        render_as_batch=True,
        render_item=render_migration_type,
    )
    csrf.init_app(app)
    csrf_tokens.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    login_manager.init_app(app, add_context_processor=False)  # templates get the member itself (_init_templates)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        from community.notifications.views import load_member

        # The id carries the member's session token; a rotated token ends every older session.
        member_id, _, token = user_id.partition(":")
        if not member_id.isdigit() or not token:
            return None
        user = load_member(int(member_id))
        if user is None or not user.is_active or not secrets.compare_digest(user.session_token, token):
            return None
        return user


def _init_templates(app: Flask) -> None:
    from flask_babel import format_number

    from community import i18n, template_i18n
    from community.types import utcnow

    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(
        LANGUAGES=i18n.LANGUAGES,
        language_name=i18n.language_name,
        country_name=i18n.country_name,
        format_number=format_number,
        now=utcnow,
    )
    template_i18n.install(app)  # _(), ngettext() and dates, cheaper than Flask-Babel's on every call

    @app.context_processor
    def language_context():
        return {"current_language": i18n.current_language()}

    @app.context_processor
    def member_context():
        # The member (or the anonymous visitor) itself rather than Flask-Login's proxy, which looks them up
        # again on each of the few dozen times a page reads `current_user`.
        return {"current_user": current_user._get_current_object()}


def _register_blueprints(app: Flask) -> None:
    from community.accounts.views import bp as accounts_bp
    from community.digests.views import bp as digests_bp
    from community.events.views import bp as events_bp
    from community.forum.views import bp as forum_bp
    from community.main.views import bp as main_bp
    from community.messages.views import bp as messages_bp
    from community.moderation.setup import init_app as init_moderation
    from community.moderation.views import bp as moderation_bp
    from community.notifications.views import bp as notifications_bp
    from community.opportunities.views import bp as opportunities_bp
    from community.profiles.views import bp as profiles_bp
    from community.search.views import bp as search_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(profiles_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(forum_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(opportunities_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(digests_bp)

    # Tables without a blueprint of their own: known to the metadata for create_all and Alembic.
    import community.audit.models  # noqa: F401
    import community.settings  # noqa: F401

    init_moderation(app)


def _register_cli(app: Flask) -> None:
    from flask_migrate.cli import db as migrate_db_cli

    from community.accounts.cli import users_cli
    from community.digests.cli import digests_cli
    from community.events.cli import events_cli
    from community.forum.cli import forum_cli
    from community.mail.cli import mail_cli
    from community.notifications.cli import notifications_cli
    from community.planner import analyze_command
    from community.profiles.cli import profiles_cli
    from community.search.cli import search_cli
    from community.seed.cli import seed_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(events_cli)
    app.cli.add_command(forum_cli)
    app.cli.add_command(profiles_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(digests_cli)
    app.cli.add_command(notifications_cli)
    # Beside Flask-Migrate's `db upgrade` and `db check`: `db analyze`.
    migrate_db_cli.add_command(analyze_command)


def _register_request_hooks(app: Flask) -> None:
    from community import page_cache
    from community.accounts.services import touch_last_seen
    from community.mail.sender import send_queued

    @app.before_request
    def record_activity():
        member = current_user._get_current_object()
        if member.is_authenticated and request.endpoint not in ("static", "bootstrap.static", "main.healthz"):
            touch_last_seen(member)

    page_cache.init_app(app)

    @app.after_request
    def security_headers(response):
        # Those a view has not set itself, found in one pass over the answer's headers (five setdefault()
        # calls passed over them ten times).
        present = {name.lower() for name, _value in response.headers}
        response.headers.extend([header for header in SECURITY_HEADERS if header[0].lower() not in present])
        if app.config["MAIL_SEND_AFTER_REQUEST"] and (g.get("mail_queued") or g.get("notified")):
            response.call_on_close(lambda: _deliver_now(app, send_queued))
        return response


def _deliver_now(app: Flask, send_queued) -> None:
    """Development: do the cron jobs' mail work right after the response (notification e-mails, the outbox)."""
    from community.notifications.emails import send_notification_emails

    with app.app_context():
        send_notification_emails()
        send_queued()
