"""Accounts, through the browser's eyes: forms, redirects, flashed messages, refused links, languages.

Pages are asked for in English (Accept-Language: en) and members are made with locale="en", so the
assertions read the source strings whatever the state of the Spanish and Portuguese catalogs.
"""

import re

import pytest
from sqlalchemy import func, select

from community.accounts.models import User
from community.extensions import db
from tests.accounts.links import link_in, travel
from tests.factories import PASSWORD, make_moderator, make_user

NEW_PASSWORD = "a brand new passphrase"
INVALID_LINK = "This link is not valid or has already been used."
EXPIRED_LINK = "This link has expired. Please ask for a new one."
FORM_EXPIRED = "Your form expired or was sent from another site. Please reload the page and try again."


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def text(response) -> str:
    return response.get_data(as_text=True)






def log_in(client, email, password=PASSWORD, **query):
    return client.post("/login", data={"email": email, "password": password}, query_string=query)


# Joining

JOIN_FORM = {
    "display_name": "Ana Souza",
    "email": "ana@example.org",
    "password": PASSWORD,
    "confirm": PASSWORD,
    "country": "BR",
    "locale": "pt",
}


def test_join_page_shows_the_form(client):
    response = client.get("/join")

    assert response.status_code == 200
    assert "Join the network" in text(response)
    assert 'name="display_name"' in text(response)


def test_joining_creates_an_unconfirmed_member_and_mails_in_the_chosen_language(client, outbox):
    response = client.post("/join", data=JOIN_FORM)

    assert response.status_code == 302
    assert response.headers["Location"] == "/join/check-your-email"
    user = db.session.scalar(select(User))
    assert (user.email, user.display_name, user.country, user.locale) == ("ana@example.org", "Ana Souza", "BR", "pt")
    assert not user.is_confirmed
    assert outbox.last.recipient == "ana@example.org"
    assert outbox.last.template == "accounts/email/confirm"
    assert outbox.last.locale == "pt"
    assert "Check your e-mail" in text(client.get(response.headers["Location"]))


def test_joining_with_a_taken_address_looks_the_same_and_mails_its_owner(client, outbox):
    owner = make_user(email="ana@example.org", locale="en")

    response = client.post("/join", data=JOIN_FORM | {"email": "ANA@example.org", "display_name": "Intruder"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/join/check-your-email"
    assert user_count() == 1
    assert reload(owner).display_name == owner.display_name
    assert [message.template for message in outbox.to("ana@example.org")] == ["accounts/email/already_registered"]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"display_name": ""}, "Please tell us your name."),
        ({"display_name": "   "}, "Please tell us your name."),
        ({"display_name": "A" * 81}, "The name can have at most 80 characters."),
        ({"email": ""}, "Please enter your e-mail address."),
        ({"email": "ana.example.org"}, "Please enter a valid e-mail address."),
        ({"email": "ana@"}, "Please enter a valid e-mail address."),
        ({"email": "a" * 250 + "@example.org"}, "This address is too long."),
        ({"password": "", "confirm": ""}, "Please choose a password."),
        ({"password": "short", "confirm": "short"}, "The password must have between 10 and 128 characters."),
        ({"password": "p" * 129, "confirm": "p" * 129}, "The password must have between 10 and 128 characters."),
        ({"confirm": ""}, "Please repeat the password."),
        ({"confirm": PASSWORD + "!"}, "The two passwords do not match."),
        ({"country": ""}, "Please choose your country."),
        ({"country": "XX"}, "Please choose a country from the list."),
        ({"country": "Brazil"}, "Please choose a country from the list."),
        ({"locale": "fr"}, "Not a valid choice."),
    ],
)
def test_joining_with_bad_input_shows_the_error_and_creates_nothing(client, outbox, changes, error):
    response = client.post("/join", data=JOIN_FORM | changes)

    assert response.status_code == 422
    assert error in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert user_count() == 0
    assert len(outbox) == 0


def test_logged_in_member_is_sent_home_from_the_join_page(client, login):
    login(make_user(locale="en"))

    assert client.get("/join").headers["Location"] == "/"


# Confirming the address


def test_confirmation_link_confirms_and_invites_to_log_in(client, outbox):
    client.post("/join", data=JOIN_FORM)

    response = client.get(link_in(outbox.last, "/confirm/"), follow_redirects=True)

    assert response.request.path == "/login"
    assert "Thank you, your e-mail address is confirmed. You can log in now." in text(response)
    assert db.session.scalar(select(User)).is_confirmed
    assert log_in(client, "ana@example.org").headers["Location"] == "/"


def test_following_the_confirmation_link_twice_is_harmless(client, outbox):
    client.post("/join", data=JOIN_FORM)
    link = link_in(outbox.last, "/confirm/")
    client.get(link)

    response = client.get(link)

    assert response.status_code == 302
    assert db.session.scalar(select(User)).is_confirmed


@pytest.mark.parametrize(
    "tamper", [lambda link: link[:-3] + "xyz", lambda link: link + "x", lambda link: "/confirm/abc"]
)
def test_tampered_confirmation_link_is_refused(client, outbox, tamper):
    client.post("/join", data=JOIN_FORM)

    response = client.get(tamper(link_in(outbox.last, "/confirm/")))

    assert response.status_code == 400
    assert INVALID_LINK in text(response)
    assert not db.session.scalar(select(User)).is_confirmed


def test_expired_confirmation_link_is_refused(app, client, outbox, monkeypatch):
    client.post("/join", data=JOIN_FORM)
    travel(monkeypatch, app.config["CONFIRM_TOKEN_MAX_AGE"] + 1)

    response = client.get(link_in(outbox.last, "/confirm/"))

    assert response.status_code == 400
    assert EXPIRED_LINK in text(response)
    assert "Send me a new confirmation link" in text(response)
    assert not db.session.scalar(select(User)).is_confirmed


def test_new_confirmation_link_gets_the_same_answer_for_any_address(client, outbox):
    waiting = make_user(email_confirmed_at=None, locale="en")

    for address in (waiting.email, "nobody@example.org"):
        response = client.post("/confirm", data={"email": address})
        assert response.headers["Location"] == "/join/check-your-email"

    assert [message.recipient for message in outbox] == [waiting.email]


@pytest.mark.parametrize(
    ("email", "error"),
    [("", "Please enter your e-mail address."), ("nobody", "Please enter a valid e-mail address.")],
)
def test_new_confirmation_link_needs_a_valid_address(client, email, error):
    response = client.post("/confirm", data={"email": email})

    assert response.status_code == 422
    assert error in text(response)


# Logging in


def test_member_logs_in_and_sees_the_dashboard(client):
    make_user(email="ana@example.org", display_name="Ana", locale="en")

    response = log_in(client, "Ana@Example.org")

    assert response.headers["Location"] == "/"
    page = text(client.get("/"))
    assert "Welcome back, Ana!" in page
    assert "Welcome, Ana" in page


@pytest.mark.parametrize(
    ("email", "password"), [("ana@example.org", "not the password"), ("nobody@example.org", PASSWORD)]
)
def test_wrong_password_and_unknown_address_get_the_same_answer(client, email, password):
    make_user(email="ana@example.org", locale="en")

    response = log_in(client, email, password)

    assert response.status_code == 401
    assert "Wrong e-mail address or password." in text(response)
    assert client.get("/account").status_code == 302


def test_unconfirmed_member_is_asked_to_confirm_first(client):
    user = make_user(email_confirmed_at=None, locale="en")

    response = log_in(client, user.email)

    assert response.status_code == 401
    assert "Please confirm your e-mail address first" in text(response)


def test_deleted_member_cannot_log_in(client, login):
    login(make_user(email="ana@example.org", locale="en"))
    client.post("/account/delete", data={"current_password": PASSWORD, "confirm": "y"})

    response = log_in(client, "ana@example.org")

    assert response.status_code == 401
    assert "Wrong e-mail address or password." in text(response)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "", "password": PASSWORD}, "Please enter your e-mail address."),
        ({"email": "ana@example.org", "password": ""}, "Please enter your password."),
        ({"email": "not an address", "password": PASSWORD}, "Please enter a valid e-mail address."),
        ({"email": "a" * 250 + "@example.org", "password": PASSWORD}, "This address is too long."),
    ],
)
def test_login_with_bad_input_shows_the_error(client, data, error):
    make_user(email="ana@example.org", locale="en")

    response = client.post("/login", data=data)

    assert response.status_code == 422
    assert error in text(response)


def test_login_with_a_huge_password_is_just_wrong(client):
    make_user(email="ana@example.org", locale="en")

    response = log_in(client, "ana@example.org", "p" * 100_000)

    assert response.status_code == 401
    assert "Wrong e-mail address or password." in text(response)


def test_login_goes_on_to_the_page_asked_for(client):
    make_user(email="ana@example.org", locale="en")
    response = client.get("/account")
    assert response.headers["Location"] == "/login?next=%2Faccount"

    response = log_in(client, "ana@example.org", next="/account?tab=1")

    assert response.headers["Location"] == "/account?tab=1"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "http:/evil.example",
    ],
)
def test_login_never_sends_the_member_to_another_site(client, target):
    make_user(email="ana@example.org", locale="en")

    response = log_in(client, "ana@example.org", next=target)

    assert response.headers["Location"] == "/"


def test_logged_in_member_is_sent_home_from_the_login_page(client, login):
    login(make_user(locale="en"))

    assert client.get("/login").headers["Location"] == "/"


def test_logging_out_ends_the_session(client):
    make_user(email="ana@example.org", locale="en")
    log_in(client, "ana@example.org")

    response = client.post("/logout", follow_redirects=True)

    assert "You have logged out." in text(response)
    assert client.get("/account").status_code == 302


def test_logging_out_needs_a_post(client):
    assert client.get("/logout").status_code == 405


# Forgotten password


@pytest.mark.parametrize("known", [True, False])
def test_forgotten_password_gets_the_same_answer_for_any_address(client, outbox, known):
    make_user(email="ana@example.org", locale="en")

    response = client.post(
        "/password/forgot",
        data={"email": "ana@example.org" if known else "nobody@example.org"},
        follow_redirects=True,
    )

    assert response.request.path == "/login"
    assert "If this address belongs to an account, we have sent it a link" in text(response)
    assert len(outbox) == (1 if known else 0)


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "Please enter your e-mail address."),
        ("ana", "Please enter a valid e-mail address."),
        ("a" * 250 + "@example.org", "This address is too long."),
    ],
)
def test_forgotten_password_needs_a_valid_address(client, email, error):
    response = client.post("/password/forgot", data={"email": email})

    assert response.status_code == 422
    assert error in text(response)


@pytest.fixture
def reset_link(client, outbox):
    """The link that a member, Ana, received after saying she forgot her password."""
    make_user(email="ana@example.org", locale="en")
    client.post("/password/forgot", data={"email": "ana@example.org"})
    return link_in(outbox.last, "/password/reset/")


def test_reset_link_lets_the_member_choose_a_new_password(client, reset_link):
    assert client.get(reset_link).status_code == 200

    response = client.post(reset_link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)

    assert "Your password has been changed. Please log in with the new one." in text(response)
    assert log_in(client, "ana@example.org", PASSWORD).status_code == 401
    assert log_in(client, "ana@example.org", NEW_PASSWORD).headers["Location"] == "/"


def test_reset_link_works_only_once(client, reset_link):
    client.post(reset_link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    for method in (client.get, client.post):
        response = method(reset_link, data={"password": "yet another passphrase", "confirm": "yet another passphrase"})
        assert response.status_code == 400
        assert INVALID_LINK in text(response)
    assert log_in(client, "ana@example.org", NEW_PASSWORD).status_code == 302


def test_expired_reset_link_is_refused(app, client, reset_link, monkeypatch):
    travel(monkeypatch, app.config["RESET_TOKEN_MAX_AGE"] + 1)

    response = client.post(reset_link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 400
    assert EXPIRED_LINK in text(response)
    assert log_in(client, "ana@example.org", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "tamper", [lambda link: link[:-4] + "abcd", lambda link: link + "x" * 5000, lambda link: "/password/reset/x.y.z"]
)
def test_tampered_reset_link_is_refused(client, reset_link, tamper):
    response = client.get(tamper(reset_link))

    assert response.status_code == 400
    assert INVALID_LINK in text(response)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"password": "", "confirm": ""}, "Please choose a password."),
        ({"password": "short", "confirm": "short"}, "The password must have between 10 and 128 characters."),
        ({"password": "p" * 129, "confirm": "p" * 129}, "The password must have between 10 and 128 characters."),
        ({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "?"}, "The two passwords do not match."),
    ],
)
def test_reset_form_with_bad_input_keeps_the_old_password(client, reset_link, data, error):
    response = client.post(reset_link, data=data)

    assert response.status_code == 422
    assert error in text(response)
    assert log_in(client, "ana@example.org", PASSWORD).status_code == 302


# Account settings


@pytest.fixture
def ana(login):
    """Ana, logged in, reading the site in English."""
    return login(make_user(email="ana@example.org", display_name="Ana", locale="en", timezone="America/Lima"))


def test_account_pages_need_a_login(client):
    for path in ("/account", "/account/password", "/account/email", "/account/delete"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_settings_show_the_member_and_their_preferences(client, ana):
    response = client.get("/account")

    assert response.status_code == 200
    assert "You are logged in as ana@example.org." in text(response)
    assert '<option selected value="America/Lima">' in text(response)


def test_preferences_are_saved(client, ana):
    data = {"locale": "en", "timezone": "America/Bogota", "content_languages": ["es", "pt", "en"]}
    response = client.post("/account", data=data, follow_redirects=True)

    assert "Your preferences were saved." in text(response)
    assert (reload(ana).locale, reload(ana).timezone) == ("en", "America/Bogota")


def test_saved_language_is_used_for_the_member(client, ana):
    client.post("/account", data={"locale": "pt", "timezone": "America/Lima", "content_languages": ["pt"]})

    assert '<html lang="pt">' in text(client.get("/account", headers={"Accept-Language": "en"}))


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"locale": "en", "timezone": "Mars/Olympus_Mons"}, "Please choose a valid time zone."),
        ({"locale": "en", "timezone": ""}, "Please choose a valid time zone."),
        ({"locale": "en", "timezone": "Etc/GMT+5"}, "Please choose a valid time zone."),
        ({"locale": "en", "timezone": "America/" + "x" * 100}, "Please choose a valid time zone."),
        ({"locale": "fr", "timezone": "America/Bogota"}, "Not a valid choice."),
    ],
)
def test_unknown_language_or_time_zone_is_refused(client, ana, data, error):
    response = client.post("/account", data=data)

    assert response.status_code == 422
    assert error in text(response)
    assert (reload(ana).locale, reload(ana).timezone) == ("en", "America/Lima")


def test_password_change_keeps_the_member_logged_in(client, ana):
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )

    assert response.request.path == "/account"
    assert "Your password has been changed. Your other sessions have been closed." in text(response)
    assert reload(ana).check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"current_password": "wrong password!"}, "Your current password is not correct."),
        ({"current_password": ""}, "Please enter your current password."),
        ({"password": "short", "confirm": "short"}, "The password must have between 10 and 128 characters."),
        ({"password": "p" * 129, "confirm": "p" * 129}, "The password must have between 10 and 128 characters."),
        ({"confirm": "something else"}, "The two passwords do not match."),
    ],
)
def test_password_change_with_bad_input_keeps_the_password(client, ana, data, error):
    form = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD} | data

    response = client.post("/account/password", data=form)

    assert response.status_code == 422
    assert error in text(response)
    assert reload(ana).check_password(PASSWORD)


def test_email_change_sends_a_link_to_the_new_address(client, ana, outbox):
    response = client.post(
        "/account/email", data={"email": "ana@new.example", "current_password": PASSWORD}, follow_redirects=True
    )

    assert "We have sent a confirmation link to ana@new.example." in text(response)
    assert reload(ana).email == "ana@example.org"
    assert outbox.last.recipient == "ana@new.example"
    assert outbox.last.locale == "en"


def test_following_the_email_change_link_switches_the_address_and_tells_the_old_one(client, ana, outbox):
    client.post("/account/email", data={"email": "ana@new.example", "current_password": PASSWORD})
    link = link_in(outbox.last, "/account/email/confirm/")

    response = client.get(link, follow_redirects=True)

    assert "Your e-mail address has been changed." in text(response)
    assert reload(ana).email == "ana@new.example"
    assert [message.template for message in outbox.to("ana@example.org")] == ["accounts/email/email_changed"]
    reused = client.get(link)
    assert reused.status_code == 400
    assert INVALID_LINK in text(reused)


def test_expired_email_change_link_is_refused(app, client, ana, outbox, monkeypatch):
    client.post("/account/email", data={"email": "ana@new.example", "current_password": PASSWORD})
    travel(monkeypatch, app.config["CONFIRM_TOKEN_MAX_AGE"] + 1)

    response = client.get(link_in(outbox.last, "/account/email/confirm/"))

    assert response.status_code == 400
    assert EXPIRED_LINK in text(response)
    assert reload(ana).email == "ana@example.org"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "taken@example.org"}, "This address cannot be used. Please choose another one."),
        ({"email": "ana@example.org"}, "This is already your e-mail address."),
        ({"current_password": "wrong password!"}, "Your current password is not correct."),
        ({"current_password": ""}, "Please enter your current password."),
        ({"email": ""}, "Please enter your e-mail address."),
        ({"email": "ana@"}, "Please enter a valid e-mail address."),
        ({"email": "a" * 250 + "@example.org"}, "This address is too long."),
    ],
)
def test_email_change_with_bad_input_is_refused(client, ana, outbox, data, error):
    make_user(email="taken@example.org")

    response = client.post("/account/email", data={"email": "ana@new.example", "current_password": PASSWORD} | data)

    assert response.status_code == 422
    assert error in text(response)
    assert len(outbox) == 0


def test_wrong_password_on_email_change_is_shown_at_the_password_field(client, ana):
    response = client.post("/account/email", data={"email": "ana@new.example", "current_password": "wrong password!"})

    page = text(response)
    assert 'id="current_password-error"' in page
    assert page.index("Your current password is not correct.") > page.index('id="current_password"')


def test_deleting_the_account_logs_out_and_keeps_a_former_member(client, ana):
    response = client.post(
        "/account/delete", data={"current_password": PASSWORD, "confirm": "y"}, follow_redirects=True
    )

    assert "Your account has been deleted." in text(response)
    assert "Join the network" in text(response)
    deleted = reload(ana)
    assert deleted.is_deleted
    assert log_in(client, "ana@example.org").status_code == 401


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"current_password": "wrong password!", "confirm": "y"}, "Your current password is not correct."),
        ({"current_password": "", "confirm": "y"}, "Please enter your current password."),
        ({"current_password": PASSWORD}, "Please tick the box to confirm."),
    ],
)
def test_deleting_the_account_needs_the_password_and_the_tick(client, ana, data, error):
    response = client.post("/account/delete", data=data)

    assert response.status_code == 422
    assert error in text(response)
    assert not reload(ana).is_deleted


# Approval of new members


class TestApprovalMode:
    @pytest.fixture
    def app_config(self):
        return {"REQUIRE_APPROVAL": True}

    def test_new_member_confirms_then_waits_for_a_moderator(self, client, outbox):
        client.post("/join", data=JOIN_FORM)

        response = client.get(link_in(outbox.last, "/confirm/"), follow_redirects=True)

        assert "A moderator will approve your membership soon." in text(response)
        refused = log_in(client, "ana@example.org")
        assert refused.status_code == 401
        assert "Your membership is waiting for a moderator&#39;s approval." in text(refused)

    def test_moderator_approves_a_waiting_member_who_gets_an_email(self, client, login, outbox):
        member = make_user(display_name="Bea Lima", email="bea@example.org", is_approved=False, locale="en")
        login(make_moderator(locale="en"))
        page = client.get("/members/pending")
        assert page.status_code == 200
        assert "Bea Lima" in text(page)

        response = client.post(f"/members/{member.id}/approve", follow_redirects=True)

        assert "Bea Lima can now take part in the network." in text(response)
        assert "No one is waiting for approval." in text(response)
        assert reload(member).is_approved
        assert outbox.last.recipient == "bea@example.org"
        assert outbox.last.template == "accounts/email/approved"
        client.post("/logout")
        assert log_in(client, "bea@example.org").headers["Location"] == "/"

    def test_plain_members_may_not_approve(self, client, login, outbox):
        member = make_user(is_approved=False)
        login(make_user(locale="en"))

        for response in (client.get("/members/pending"), client.post(f"/members/{member.id}/approve")):
            assert response.status_code == 403
            assert "Access denied" in text(response)
        assert not reload(member).is_approved
        assert len(outbox) == 0

    def test_visitors_are_asked_to_log_in(self, client):
        assert client.get("/members/pending").headers["Location"] == "/login?next=%2Fmembers%2Fpending"

    def test_members_cannot_probe_which_ids_exist(self, client, login):
        login(make_user(locale="en"))

        assert client.post("/members/999/approve").status_code == 403

    def test_approving_someone_unknown_is_not_found(self, client, login):
        login(make_moderator(locale="en"))

        assert client.post("/members/999/approve").status_code == 404


# Language


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [("pt-BR,pt;q=0.9", "pt"), ("en-GB", "en"), ("es-MX", "es"), ("fr, de", "es"), ("", "es"), ("de, en;q=0.5", "en")],
)
def test_visitors_get_their_browser_language_else_spanish(client, accept_language, language):
    response = client.get("/", headers={"Accept-Language": accept_language})

    assert f'<html lang="{language}">' in text(response)


def test_chosen_language_beats_the_browser_language(client):
    response = client.post("/language", data={"locale": "pt", "next": "/login"})

    assert response.headers["Location"] == "/login"
    assert '<html lang="pt">' in text(client.get("/", headers={"Accept-Language": "en"}))


def test_saved_language_beats_the_chosen_one(client, login):
    login(make_user(locale="pt"))
    with client.session_transaction() as session:
        session["locale"] = "en"

    assert '<html lang="pt">' in text(client.get("/"))


def test_member_choosing_a_language_saves_it(client, login):
    member = login(make_user(locale="es"))

    client.post("/language", data={"locale": "en"})

    assert reload(member).locale == "en"
    assert '<html lang="en">' in text(client.get("/", headers={"Accept-Language": "pt"}))


@pytest.mark.parametrize("data", [{"locale": "fr"}, {"locale": ""}, {}, {"locale": "x" * 1000}])
def test_unknown_language_is_a_bad_request(client, data):
    response = client.post("/language", data=data)

    assert response.status_code == 400
    assert "Bad request" in text(response)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example", "evil"])
def test_language_switch_stays_on_this_site(client, target):
    response = client.post("/language", data={"locale": "en", "next": target})

    assert response.headers["Location"] == "/"


# Rate limiting and forged forms


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "AUTH_RATE_LIMIT": "3 per minute"}

    @pytest.mark.parametrize("path", ["/login", "/join", "/password/forgot", "/confirm"])
    def test_fourth_attempt_in_a_minute_is_refused(self, client, path):
        for _ in range(3):
            assert client.post(path, data={"email": "ana@example.org", "password": "guess"}).status_code != 429

        response = client.post(path, data={"email": "ana@example.org", "password": "guess"})

        assert response.status_code == 429
        assert "Too many requests" in text(response)
        assert "Retry-After" in response.headers

    def test_reading_the_form_is_not_limited(self, client):
        for _ in range(5):
            assert client.get("/login").status_code == 200


# Each form that changes something, as a forged cross-site POST would reach it.
FORM_PATHS = [
    "/join",
    "/login",
    "/logout",
    "/confirm",
    "/password/forgot",
    "/password/reset/some-token",
    "/account",
    "/account/password",
    "/account/email",
    "/account/delete",
    "/account/log-out-everywhere",
    "/members/1/approve",
    "/language",
]


class TestForgedForms:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    @pytest.mark.parametrize("path", FORM_PATHS)
    @pytest.mark.parametrize("token", [None, "forged-token"])
    def test_post_without_a_valid_token_is_refused(self, client, login, path, token):
        member = login(make_user(email="ana@example.org", locale="en"))
        data = {"email": "ana@example.org", "password": PASSWORD, "current_password": PASSWORD, "locale": "en"}
        if token:
            data["csrf_token"] = token

        response = client.post(path, data=data)

        assert response.status_code == 400
        assert FORM_EXPIRED in text(response)
        assert reload(member).get_id() == member.get_id()

    def test_post_with_the_token_of_the_page_is_accepted(self, client):
        make_user(email="ana@example.org", locale="en")
        page = text(client.get("/login"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

        response = log_in_with_token(client, token)

        assert response.headers["Location"] == "/"

    def test_token_of_another_visitor_is_refused(self, app, client):
        make_user(email="ana@example.org", locale="en")
        other = app.test_client()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(other.get("/login"))).group(1)
        client.get("/login")

        response = log_in_with_token(client, token)

        assert response.status_code == 400


def log_in_with_token(client, token):
    return client.post("/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": token})
