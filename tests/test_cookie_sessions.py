"""Session cookies a worker has opened before are not decoded again, and are refused exactly as before."""

import time
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer

from tests.factories import member_client

LIFETIME = timedelta(days=1)


@pytest.fixture
def app_config():
    return {"PERMANENT_SESSION_LIFETIME": LIFETIME}


@pytest.fixture
def decodings(monkeypatch):
    """How many times a session cookie's signature was checked and its content decoded."""
    calls = []
    loads = URLSafeTimedSerializer.loads

    def counted(serializer, *args, **kwargs):
        calls.append(args[0])
        return loads(serializer, *args, **kwargs)

    monkeypatch.setattr(URLSafeTimedSerializer, "loads", counted)
    return calls


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_members_cookie_is_decoded_once_per_worker(app, decodings):
    client, member = member_client(app)
    for _visit in range(3):
        assert member.display_name in client.get("/").text
    assert decodings.count(session_cookie(client)) == 1


def test_each_request_changes_its_own_copy_of_the_session(app):
    client, member = member_client(app)
    cookie = session_cookie(client)

    def open_session():
        request = app.test_request_context("/", headers={"Cookie": f"session={cookie}"}).request
        return app.session_interface.open_session(app, request)

    first = open_session()
    first["_user_id"] = "someone else"
    first["csrf_token"] = "changed"
    assert open_session()["_user_id"] == member.get_id()
    assert "changed" not in open_session().values()


def test_a_cookie_older_than_the_session_lifetime_is_refused_though_opened_before(app, monkeypatch, decodings):
    client, member = member_client(app)
    client.get("/")  # the session as the site leaves it on the first page
    assert member.display_name in client.get("/").text
    assert session_cookie(client) in decodings  # opened before: remembered
    later = time.time() + LIFETIME.total_seconds() + 5
    monkeypatch.setattr(time, "time", lambda: later)
    answer = client.get("/messages/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_cookie_opened_before_is_refused_once_the_secret_key_changes(app):
    client, member = member_client(app)
    client.get("/")
    assert member.display_name in client.get("/").text
    app.secret_key = "a-new-secret-key-for-this-test-0123456789-abcdefghij"
    assert client.get("/messages/").status_code == 302


def test_a_tampered_cookie_is_refused(app):
    client, member = member_client(app)
    assert member.display_name in client.get("/").text
    client.set_cookie("session", session_cookie(client)[:-3] + "abc")
    assert client.get("/messages/").status_code == 302


def test_a_session_with_waiting_messages_is_decoded_on_every_request(app, decodings):
    client, _member = member_client(app)
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Saved.")]
    cookie = session_cookie(client)
    for _request in range(2):
        request = app.test_request_context("/", headers={"Cookie": f"session={cookie}"}).request
        session = app.session_interface.open_session(app, request)
        session["_flashes"].append(("message", "Changed in place."))
    assert decodings.count(cookie) == 2
    assert session["_flashes"] == [("message", "Saved."), ("message", "Changed in place.")]
