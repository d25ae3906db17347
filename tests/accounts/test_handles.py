"""Every member has a unique @handle, made from their name, which they may change in their settings."""

import pytest

from community.accounts import services
from community.accounts.handles import handle_base
from community.extensions import db
from tests.factories import make_user


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.mark.parametrize(
    ("name", "handle"),
    [
        ("Lucía Hernández Gómez", "lucia.hernandez"),
        ("João Conceição Araújo", "joao.conceicao"),
        ("Émile O'Brien-Smith", "emile.o"),
        ("李", "member"),
        ("Al", "memberal"),
    ],
)
def test_a_handle_is_made_from_the_first_words_of_the_name_in_plain_letters(name, handle):
    assert handle_base(name) == handle


def test_handles_are_unique_with_a_number_added(app):
    first = make_user(display_name="Ana Souza")
    second = make_user(display_name="Ana Souza Lima")
    third = make_user(display_name="ANA SOUZA")
    assert [first.handle, second.handle, third.handle] == ["ana.souza", "ana.souza2", "ana.souza3"]


def test_a_member_changes_their_handle_in_the_settings(client, login):
    member = login(make_user(locale="en", display_name="Emily Carter"))
    page = client.get("/account").get_data(as_text=True)
    assert 'value="emily.carter"' in page
    response = client.post(
        "/account",
        data={"handle": "@Emily_WIPO", "locale": "en", "timezone": "UTC", "content_languages": ["es", "en"]},
        follow_redirects=True,
    )
    assert "Your preferences were saved." in response.get_data(as_text=True)
    db.session.refresh(member)
    assert member.handle == "emily_wipo"
    assert "@emily_wipo" in client.get(f"/members/{member.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        ("ab", "Use 3 to 30 letters"),
        ("with space", "Use 3 to 30 letters"),
        ("ends.", "Use 3 to 30 letters"),
        ("jose.pérez", "Use 3 to 30 letters"),
        ("Taken.Name", "This handle is taken."),
    ],
)
def test_a_bad_or_taken_handle_is_refused_and_nothing_is_saved(client, login, handle, message):
    make_user(display_name="Taken Name")
    member = login(make_user(locale="en", display_name="Emily Carter", timezone="UTC"))
    response = client.post(
        "/account", data={"handle": handle, "locale": "pt", "timezone": "UTC", "content_languages": ["en"]}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(member)
    assert (member.handle, member.locale) == ("emily.carter", "en")


def test_keeping_the_same_handle_is_not_a_change(app):
    member = make_user(display_name="Rosa Quispe")
    services.update_preferences(member, "pt", "America/Lima", handle="rosa.quispe")
    assert member.handle == "rosa.quispe" and member.locale == "pt"


def test_joining_with_a_handle_taken_a_moment_ago_picks_the_next_one(app, monkeypatch):
    from community.accounts import handles

    make_user(display_name="Ana Souza")
    # Another sign-up took "ana.souza" between this one's check and its insert.
    first_pick = iter(["ana.souza"])
    real_free_handle = handles.free_handle
    monkeypatch.setattr(
        handles, "free_handle", lambda connection, name: next(first_pick, None) or real_free_handle(connection, name)
    )
    member = services.register_member("ana@example.org", "a long enough password", "Ana Souza", "BR", "pt")
    assert member.handle == "ana.souza2"
