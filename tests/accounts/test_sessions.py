"""Sessions: a cookie copied from a member's browser stops working once they log out, change or reset
their password, log out everywhere or delete the account.

Sessions live in signed cookies, so the server cannot forget one; what ends them is the member's
session token, which every session and remember-me cookie carries and which those events rotate.
"""

import re

import pytest

from community.extensions import db
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"
SESSION = "session"
REMEMBER = "remember_token"


@pytest.fixture
def ana(app):
    return make_user(email="ana@example.org", locale="en")


def new_browser(app):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return browser


@pytest.fixture
def browser(app, ana):
    """Ana's browser, logged in through the form with "keep me logged in" ticked."""
    browser = new_browser(app)
    response = browser.post("/login", data={"email": ana.email, "password": PASSWORD, "remember": "y"})
    assert response.headers["Location"] == "/"
    return browser


def copy_of(app, browser, *cookies):
    """Another browser holding copies of `browser`'s cookies, as a thief would."""
    thief = new_browser(app)
    for name in cookies:
        cookie = browser.get_cookie(name)
        assert cookie is not None, f"{name} cookie not set"
        thief.set_cookie(name, cookie.value)
    return thief


def is_logged_in(browser) -> bool:
    response = browser.get("/account")
    return response.status_code == 200


def test_copied_cookies_work_while_the_session_lasts(app, browser):
    assert is_logged_in(copy_of(app, browser, SESSION))
    assert is_logged_in(copy_of(app, browser, REMEMBER))


@pytest.mark.parametrize("cookies", [(SESSION,), (REMEMBER,), (SESSION, REMEMBER)])
def test_logging_out_ends_copies_of_the_session(app, browser, cookies):
    thief = copy_of(app, browser, *cookies)

    browser.post("/logout")

    assert not is_logged_in(browser)
    assert not is_logged_in(thief)


def test_logging_out_ends_the_sessions_on_other_devices_too(app, ana, browser):
    phone = new_browser(app)
    phone.post("/login", data={"email": ana.email, "password": PASSWORD})

    browser.post("/logout")

    assert not is_logged_in(phone)


def test_logging_in_again_after_logging_out_works(browser, ana):
    browser.post("/logout")

    browser.post("/login", data={"email": ana.email, "password": PASSWORD})

    assert is_logged_in(browser)


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, ana, browser):
    phone = new_browser(app)
    phone.post("/login", data={"email": ana.email, "password": PASSWORD, "remember": "y"})
    thief = copy_of(app, browser, SESSION, REMEMBER)

    browser.post(
        "/account/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )

    assert is_logged_in(browser)
    assert not is_logged_in(phone)
    assert not is_logged_in(thief)


def test_changing_the_password_keeps_this_device_remembered(app, browser):
    browser.post(
        "/account/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )

    assert is_logged_in(copy_of(app, browser, REMEMBER))


def test_logging_out_everywhere_ends_every_session(app, browser):
    thief = copy_of(app, browser, SESSION, REMEMBER)

    response = browser.post("/account/log-out-everywhere", follow_redirects=True)

    assert "You have been logged out on every device." in response.get_data(as_text=True)
    assert not is_logged_in(browser)
    assert not is_logged_in(thief)


def test_resetting_the_password_ends_every_session(app, ana, browser, outbox):
    thief = copy_of(app, browser, SESSION, REMEMBER)
    stranger = new_browser(app)
    stranger.post("/password/forgot", data={"email": ana.email})
    link = re.search(r"http://localhost(/password/reset/\S+)", outbox.last.text_body).group(1)

    stranger.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert not is_logged_in(browser)
    assert not is_logged_in(thief)


def test_deleting_the_account_ends_every_session(app, browser):
    thief = copy_of(app, browser, SESSION, REMEMBER)

    browser.post("/account/delete", data={"current_password": PASSWORD, "confirm": "y"})

    assert not is_logged_in(browser)
    assert not is_logged_in(thief)


def test_remember_me_cookie_alone_starts_a_new_session(app, browser):
    later = copy_of(app, browser, REMEMBER)

    assert is_logged_in(later)
    assert later.get_cookie(SESSION) is not None


def test_without_remember_me_no_remember_cookie_is_set(app, ana):
    browser = new_browser(app)

    browser.post("/login", data={"email": ana.email, "password": PASSWORD})

    assert browser.get_cookie(REMEMBER) is None


@pytest.mark.parametrize("user_id", ["{id}", "{id}:", "{id}:forged-token", "x:{token}", ":{token}"])
def test_session_without_the_current_token_is_anonymous(app, ana, user_id):
    browser = new_browser(app)
    with browser.session_transaction() as session:
        session["_user_id"] = user_id.format(id=ana.id, token=ana.session_token)

    assert not is_logged_in(browser)


def test_member_who_is_no_longer_active_is_logged_out(app, ana, browser):
    ana.is_approved = False
    db.session.commit()

    assert not is_logged_in(browser)
