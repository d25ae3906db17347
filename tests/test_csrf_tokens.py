"""A session's CSRF token is signed once and reused on its later pages, and still guards every form."""

import re
import time

import pytest

from tests.factories import member_client


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def clock(monkeypatch):
    """The clock, moved on by hand: a signature made a minute later differs from the first."""
    now = {"seconds": time.time()}
    monkeypatch.setattr(time, "time", lambda: now["seconds"])
    return now


def csrf_tokens_in(page: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', page))


def test_a_members_pages_carry_one_signed_token_however_far_apart(app, clock):
    client, _member = member_client(app)
    client.get("/")  # the session's token is made on its first page with a form
    clock["seconds"] += 60
    second = csrf_tokens_in(client.get("/").text)
    clock["seconds"] += 3600
    later = csrf_tokens_in(client.get("/members").text)
    assert len(second) == 1
    assert later == second
    assert client.post("/logout", data={"csrf_token": second.pop()}).status_code == 302


def test_each_session_has_its_own_token(app, clock):
    first, _ = member_client(app)
    second, _ = member_client(app)
    assert csrf_tokens_in(first.get("/").text) != csrf_tokens_in(second.get("/").text)


def test_a_forged_token_is_still_refused(app, clock):
    client, _member = member_client(app)
    token = csrf_tokens_in(client.get("/").text).pop()
    response = client.post("/logout", data={"csrf_token": token[:-2] + "xx"})
    assert response.status_code == 400


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True, "WTF_CSRF_TIME_LIMIT": 3600}])
def test_tokens_that_expire_are_signed_afresh_on_every_page(app, clock):
    client, _member = member_client(app)
    first = csrf_tokens_in(client.get("/").text)
    clock["seconds"] += 60
    later = csrf_tokens_in(client.get("/").text)
    assert later != first
    assert client.post("/logout", data={"csrf_token": later.pop()}).status_code == 302
