"""Configuration classes; every setting can be overridden by an environment variable of the same name."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused by ProductionConfig.check


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'conecta.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SITE_NAME = os.environ.get("SITE_NAME", "Conecta TT")
    # Absolute address used in e-mails (links must work outside a request, e.g. from cron).
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")

    # Accounts
    REQUIRE_APPROVAL = _env_bool("REQUIRE_APPROVAL", False)
    CONFIRM_TOKEN_MAX_AGE = _env_int("CONFIRM_TOKEN_MAX_AGE", 3 * 24 * 3600)
    RESET_TOKEN_MAX_AGE = _env_int("RESET_TOKEN_MAX_AGE", 2 * 3600)
    REMEMBER_COOKIE_DURATION = _env_int("REMEMBER_COOKIE_DURATION", 30 * 24 * 3600)
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per minute; 100 per hour")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True

    # Pages anyone may read are kept rendered for visitors (not logged in) this many seconds; 0 turns it
    # off. A visitor may see a new post that much later.
    VISITOR_PAGE_CACHE_SECONDS = _env_int("VISITOR_PAGE_CACHE_SECONDS", 30)
    # The directory, search, the event list, category and thread pages are alike for plain members (same
    # language and timezone): kept this many seconds and shared by them, each member's own menu and marks
    # filled in (community/page_cache.py); the dashboard's coming events in a member's country are kept as
    # long. 0 turns it off. A member who has just sent a form gets fresh pages; others may see a change
    # that much later.
    MEMBER_PAGE_CACHE_SECONDS = _env_int("MEMBER_PAGE_CACHE_SECONDS", 20)
    # Where those pages are kept (Flask-Caching): each worker's memory by default (SimpleCache that does
    # not pickle what cannot change, community/worker_cache.py); with several workers,
    # CACHE_TYPE=RedisCache and CACHE_REDIS_URL=redis://127.0.0.1:6379/1 share them.
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "community.worker_cache.WorkerCache")
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "")
    CACHE_THRESHOLD = _env_int("CACHE_THRESHOLD", 2000)  # SimpleCache: at most this many pages per worker
    # The dashboard's counterparts are ranked once for all members with the same expertise areas and
    # country and kept this many seconds there (community/profiles/counterparts.py); 0 ranks on every
    # visit. A member who changes their areas sees their new counterparts at once; a new member may wait
    # that long to appear in others' panels.
    COUNTERPARTS_CACHE_SECONDS = _env_int("COUNTERPARTS_CACHE_SECONDS", 600)
    # Each member's "Matches for you" are ranked once and kept this many seconds, by ids, in the same
    # cache (community/opportunities/dashboard.py); 0 ranks on every visit. The opportunities shown are
    # read again on each visit (one closed or answered drops out at once), and a member who sends a form
    # (their profile, an interest) is ranked afresh; a new opportunity may wait that long to appear.
    MATCHES_CACHE_SECONDS = _env_int("MATCHES_CACHE_SECONDS", 300)

    # Mail: every message goes through the outbox and is delivered by `flask mail send-queued`.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Conecta TT <no-reply@conecta-tt.org>")
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 12)
    # Print each outgoing message on the terminal (development: click the confirmation link there).
    MAIL_CONSOLE = _env_bool("MAIL_CONSOLE", False)
    # Deliver the outbox right after the request that filled it, instead of waiting for the cron job.
    MAIL_SEND_AFTER_REQUEST = _env_bool("MAIL_SEND_AFTER_REQUEST", False)
    # Replies to the site's e-mails go here when set (otherwise mail clients reply to the From address).
    MAIL_REPLY_TO = os.environ.get("MAIL_REPLY_TO", "")
    # The mailto: of List-Unsubscribe (default unsubscribe@<host of SITE_URL>); reading that mailbox is
    # left to the mail server's operator: the https one-click link is what unsubscribes.
    MAIL_UNSUBSCRIBE_ADDRESS = os.environ.get("MAIL_UNSUBSCRIBE_ADDRESS", "")
    # Unsubscribe links in e-mails work for this many days.
    UNSUBSCRIBE_TOKEN_DAYS = _env_int("UNSUBSCRIBE_TOKEN_DAYS", 90)
    # After this many permanent refusals (SMTP 5xx) an address is marked undeliverable, and only account
    # mail (confirmations, password resets) is still sent to it until the member confirms or changes it.
    MAIL_MAX_BOUNCES = _env_int("MAIL_MAX_BOUNCES", 3)
    # Notification e-mails (`flask notifications send-emails`, every minute): at most one per thread or
    # conversation per member every NOTIFICATION_EMAIL_INTERVAL_MINUTES; what happens meanwhile waits
    # and goes in the next one.
    NOTIFICATION_EMAIL_INTERVAL_MINUTES = _env_int("NOTIFICATION_EMAIL_INTERVAL_MINUTES", 60)

    # Events: only moderators may announce events (by default any confirmed member may).
    EVENTS_ANNOUNCE_MODERATORS_ONLY = _env_bool("EVENTS_ANNOUNCE_MODERATORS_ONLY", False)

    # Messages: members who joined in the last MESSAGES_NEW_MEMBER_DAYS days may start at most
    # MESSAGES_NEW_MEMBER_CONVERSATIONS_PER_DAY conversations a day; everyone's sending is rate limited.
    MESSAGES_NEW_MEMBER_DAYS = _env_int("MESSAGES_NEW_MEMBER_DAYS", 7)
    MESSAGES_NEW_MEMBER_CONVERSATIONS_PER_DAY = _env_int("MESSAGES_NEW_MEMBER_CONVERSATIONS_PER_DAY", 5)
    MESSAGES_SEND_RATE_LIMIT = os.environ.get("MESSAGES_SEND_RATE_LIMIT", "20 per minute; 200 per day")

    # Moderation: a new member's first MODERATION_FIRST_POSTS_REVIEW posts wait for a moderator; so does
    # text with MODERATION_LINKS_THRESHOLD links or more from a member in their first
    # MODERATION_NEW_MEMBER_DAYS days; an item reported by MODERATION_AUTO_HIDE_REPORTS distinct members
    # is hidden until a moderator looks at it. Approval mode and who announces events are site settings
    # (community/settings.py) that admins change; the values above them are their defaults.
    MODERATION_FIRST_POSTS_REVIEW = _env_int("MODERATION_FIRST_POSTS_REVIEW", 2)
    MODERATION_NEW_MEMBER_DAYS = _env_int("MODERATION_NEW_MEMBER_DAYS", 3)
    MODERATION_LINKS_THRESHOLD = _env_int("MODERATION_LINKS_THRESHOLD", 3)
    MODERATION_AUTO_HIDE_REPORTS = _env_int("MODERATION_AUTO_HIDE_REPORTS", 3)

    # Digests: no digest for a member who has not visited for DIGEST_INACTIVE_DAYS days (until they come
    # back); `flask digests send` builds them for DIGEST_BATCH_SIZE members at a time.
    DIGEST_INACTIVE_DAYS = _env_int("DIGEST_INACTIVE_DAYS", 183)
    DIGEST_BATCH_SIZE = _env_int("DIGEST_BATCH_SIZE", 500)

    # Search: full-text queries cost more than page views; this caps them per address.
    SEARCH_RATE_LIMIT = os.environ.get("SEARCH_RATE_LIMIT", "60 per minute")

    # Languages and time
    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # Bootstrap is served from this site, never from a CDN.
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BTN_STYLE = "primary"

    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 4 * 1024 * 1024)
    # Stylesheets, scripts and icons may be reused for an hour: phones on slow links then load one file
    # per page instead of five.
    SEND_FILE_MAX_AGE_DEFAULT = _env_int("SEND_FILE_MAX_AGE_DEFAULT", 3600)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; a stale tab must not lose a long post

    @classmethod
    def check(cls) -> None:
        """Refuse to start with settings that are unsafe for this kind of deployment."""


class DevelopmentConfig(Config):
    DEBUG = True
    VISITOR_PAGE_CACHE_SECONDS = _env_int("VISITOR_PAGE_CACHE_SECONDS", 0)  # see every change at once
    MEMBER_PAGE_CACHE_SECONDS = _env_int("MEMBER_PAGE_CACHE_SECONDS", 0)
    COUNTERPARTS_CACHE_SECONDS = _env_int("COUNTERPARTS_CACHE_SECONDS", 0)
    MATCHES_CACHE_SECONDS = _env_int("MATCHES_CACHE_SECONDS", 0)
    MAIL_CONSOLE = _env_bool("MAIL_CONSOLE", True)
    MAIL_SEND_AFTER_REQUEST = _env_bool("MAIL_SEND_AFTER_REQUEST", True)


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SITE_URL = "http://localhost"
    SERVER_NAME = None
    MAIL_SERVER = ""
    MAIL_CONSOLE = False
    MAIL_SEND_AFTER_REQUEST = False
    # Tests create posts by brand-new members all the time: the first-posts rule is off (0) unless a test
    # module turns it on through its `app_config`.
    MODERATION_FIRST_POSTS_REVIEW = 0
    # Tests read pages right after changing data: no page cache unless a test turns it on.
    VISITOR_PAGE_CACHE_SECONDS = 0
    MEMBER_PAGE_CACHE_SECONDS = 0
    COUNTERPARTS_CACHE_SECONDS = 0
    MATCHES_CACHE_SECONDS = 0


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        secret = os.environ.get("SECRET_KEY", "")
        if len(secret) < 32 or secret == DEVELOPMENT_SECRET_KEY:
            raise RuntimeError("ProductionConfig needs SECRET_KEY: a random string of at least 32 characters.")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("ProductionConfig needs DATABASE_URL (e.g. postgresql+psycopg://user@host/db).")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
