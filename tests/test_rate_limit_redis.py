"""Rate limits shared through Redis, as several gunicorn workers share them in production."""

import os
import uuid

import pytest
import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def app_config():
    if not _redis_available():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        # A fresh namespace, so counters of an earlier run never leak into this one.
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "AUTH_RATE_LIMIT": "3 per minute",
    }


def test_login_attempts_beyond_the_limit_are_refused_with_429(app):
    first_worker = app.test_client()
    second_worker = app.test_client()
    form = {"email": "someone@example.org", "password": "wrong password"}
    statuses = [first_worker.post("/login", data=form).status_code for _ in range(2)]
    statuses.append(second_worker.post("/login", data=form).status_code)
    refused = second_worker.post("/login", data=form, headers={"Accept-Language": "en"})
    assert 429 not in statuses
    assert refused.status_code == 429
    assert "Too many requests" in refused.get_data(as_text=True)
    assert redis.Redis.from_url(REDIS_URL).keys(f"*{app.config['RATELIMIT_KEY_PREFIX']}*")
