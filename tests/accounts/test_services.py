"""Accounts, through its services: joining, confirming, logging in, passwords, addresses, approval."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from community.accounts import services
from community.accounts.models import Role, User
from community.accounts.tokens import EXPIRED, INVALID, make_token
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.types import utcnow
from tests.accounts.links import token_in, travel
from tests.factories import PASSWORD, make_admin, make_moderator, make_user

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(autouse=True)
def english(app):
    """Services run outside any request, as from the CLI; read what they say in English."""
    with force_locale("en"):
        yield


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))






def join(email="ana@example.org", locale="en", **overrides) -> User | None:
    values = {"password": PASSWORD, "display_name": "Ana Souza", "country": "BR", "locale": locale}
    values.update(overrides)
    return services.register_member(email, **values)


# Joining


def test_joining_creates_an_unconfirmed_member_and_mails_a_link(outbox):
    user = join("  Ana@Example.org ", locale="pt")

    assert user.email == "ana@example.org"
    assert user.display_name == "Ana Souza"
    assert user.role is Role.MEMBER
    assert user.timezone == "America/Sao_Paulo"
    assert user.check_password(PASSWORD)
    assert not user.is_confirmed
    assert not user.is_active
    message = outbox.last
    assert message.recipient == "ana@example.org"
    assert message.template == "accounts/email/confirm"
    assert message.locale == "pt"
    assert token_in(message, "/confirm/")


def test_joining_mails_in_the_chosen_language(outbox):
    join(locale="en")

    message = outbox.last
    assert message.locale == "en"
    assert message.subject == "Confirm your e-mail address for Conecta TT"
    assert "Please confirm your e-mail address" in message.text_body


def test_joining_with_an_unknown_language_falls_back_to_spanish():
    assert join(locale="xx").locale == "es"


def test_joining_with_a_taken_address_creates_nothing_and_tells_its_owner(outbox):
    owner = make_user(email="ana@example.org", locale="en")

    assert join("ANA@example.org") is None

    assert user_count() == 1
    assert db.session.get(User, owner.id).display_name == owner.display_name
    (message,) = outbox.to("ana@example.org")
    assert message.template == "accounts/email/already_registered"
    assert "http://localhost/password/forgot" in message.text_body


def test_joining_needs_approval_when_the_network_requires_it(app):
    app.config["REQUIRE_APPROVAL"] = True

    assert join().is_approved is False


# Confirming the address


def test_confirmation_link_confirms_the_address(outbox):
    user = join()

    services.confirm_email(token_in(outbox.last, "/confirm/"))

    assert user.is_confirmed
    assert user.is_active


def test_following_the_confirmation_link_twice_is_harmless(outbox):
    user = join()
    token = token_in(outbox.last, "/confirm/")
    services.confirm_email(token)
    confirmed_at = user.email_confirmed_at

    assert services.confirm_email(token) == user
    assert user.email_confirmed_at == confirmed_at


def test_tampered_confirmation_link_is_refused(outbox):
    join()
    token = token_in(outbox.last, "/confirm/")

    with pytest.raises(ActionRefused) as refusal:
        services.confirm_email(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert refusal.value.reason == INVALID


def test_expired_confirmation_link_is_refused(app, outbox, monkeypatch):
    user = join()
    token = token_in(outbox.last, "/confirm/")
    travel(monkeypatch, app.config["CONFIRM_TOKEN_MAX_AGE"] + 1)

    with pytest.raises(ActionRefused) as refusal:
        services.confirm_email(token)
    assert refusal.value.reason == EXPIRED
    assert not user.is_confirmed


def test_a_reset_link_is_not_a_confirmation_link():
    user = make_user(email_confirmed_at=None)
    token = make_token("reset", uid=user.id, email=user.email)

    with pytest.raises(ActionRefused):
        services.confirm_email(token)


def test_new_confirmation_link_is_sent_only_to_unconfirmed_members(outbox):
    waiting = make_user(email_confirmed_at=None)
    confirmed = make_user()

    services.resend_confirmation(waiting.email.upper())
    services.resend_confirmation(confirmed.email)
    services.resend_confirmation("nobody@example.org")

    assert [message.recipient for message in outbox] == [waiting.email]
    assert outbox.last.template == "accounts/email/confirm"


# Logging in


def test_member_logs_in_with_the_right_password():
    user = make_user(email="ana@example.org")

    assert services.authenticate(" ANA@example.org", PASSWORD) == user


@pytest.mark.parametrize(
    ("email", "password"),
    [("ana@example.org", "wrong password!"), ("nobody@example.org", PASSWORD), ("ana@example.org", "")],
)
def test_wrong_password_and_unknown_address_get_the_same_answer(email, password):
    make_user(email="ana@example.org")

    with pytest.raises(ActionRefused) as refusal:
        services.authenticate(email, password)
    assert refusal.value.reason == services.WRONG_CREDENTIALS


def test_unconfirmed_member_is_asked_to_confirm_first():
    user = make_user(email_confirmed_at=None)

    with pytest.raises(ActionRefused, match="confirm your e-mail address"):
        services.authenticate(user.email, PASSWORD)


def test_unconfirmed_member_with_a_wrong_password_learns_nothing_more():
    user = make_user(email_confirmed_at=None)

    with pytest.raises(ActionRefused) as refusal:
        services.authenticate(user.email, "wrong password!")
    assert refusal.value.reason == services.WRONG_CREDENTIALS


def test_member_waiting_for_approval_cannot_log_in():
    user = make_user(is_approved=False)

    with pytest.raises(ActionRefused, match="waiting for a moderator"):
        services.authenticate(user.email, PASSWORD)


def test_last_seen_is_written_at_most_every_five_minutes():
    user = make_user()
    services.touch_last_seen(user)
    first = user.last_seen_at

    services.touch_last_seen(user)
    assert user.last_seen_at == first

    user.last_seen_at = utcnow() - timedelta(minutes=6)
    services.touch_last_seen(user)
    assert user.last_seen_at > first


# Forgotten password


def test_forgotten_password_mails_a_reset_link(outbox):
    user = make_user(locale="en")

    services.request_password_reset(user.email)

    message = outbox.last
    assert message.recipient == user.email
    assert message.template == "accounts/email/reset_password"
    assert message.subject == "Reset your Conecta TT password"
    assert token_in(message, "/password/reset/")


def test_forgotten_password_for_an_unknown_address_sends_nothing(outbox):
    services.request_password_reset("nobody@example.org")

    assert len(outbox) == 0


def test_reset_link_sets_a_new_password_and_ends_every_session(outbox):
    user = make_user()
    old_session = user.get_id()
    services.request_password_reset(user.email)

    services.reset_password(token_in(outbox.last, "/password/reset/"), NEW_PASSWORD)

    assert services.authenticate(user.email, NEW_PASSWORD) == user
    assert not user.check_password(PASSWORD)
    assert user.get_id() != old_session


def test_reset_link_works_only_once(outbox):
    user = make_user()
    services.request_password_reset(user.email)
    token = token_in(outbox.last, "/password/reset/")
    services.reset_password(token, NEW_PASSWORD)

    with pytest.raises(ActionRefused) as refusal:
        services.reset_password(token, "yet another passphrase")
    assert refusal.value.reason == INVALID
    assert user.check_password(NEW_PASSWORD)


def test_reset_link_dies_when_the_password_changes_meanwhile(outbox):
    user = make_user()
    services.request_password_reset(user.email)
    services.change_password(user, PASSWORD, NEW_PASSWORD)

    with pytest.raises(ActionRefused):
        services.check_reset_token(token_in(outbox.last, "/password/reset/"))


def test_expired_reset_link_is_refused(app, outbox, monkeypatch):
    user = make_user()
    services.request_password_reset(user.email)
    travel(monkeypatch, app.config["RESET_TOKEN_MAX_AGE"] + 1)

    with pytest.raises(ActionRefused) as refusal:
        services.reset_password(token_in(outbox.last, "/password/reset/"), NEW_PASSWORD)
    assert refusal.value.reason == EXPIRED
    assert user.check_password(PASSWORD)


def test_reset_link_confirms_an_unconfirmed_address(outbox):
    user = make_user(email_confirmed_at=None)
    services.request_password_reset(user.email)

    services.reset_password(token_in(outbox.last, "/password/reset/"), NEW_PASSWORD)

    assert user.is_confirmed


# Password and sessions


def test_changing_the_password_needs_the_current_one():
    user = make_user()
    session_id = user.get_id()

    with pytest.raises(ActionRefused, match="current password is not correct"):
        services.change_password(user, "wrong password!", NEW_PASSWORD)
    assert user.check_password(PASSWORD)
    assert user.get_id() == session_id


def test_changing_the_password_rotates_the_session_token():
    user = make_user()
    session_id = user.get_id()

    services.change_password(user, PASSWORD, NEW_PASSWORD)

    assert user.check_password(NEW_PASSWORD)
    assert user.get_id() != session_id


@pytest.mark.parametrize("log_out", [services.log_out, services.log_out_everywhere])
def test_logging_out_rotates_the_session_token(log_out):
    user = make_user()
    session_id = user.get_id()

    log_out(user)

    db.session.expire_all()
    assert db.session.get(User, user.id).get_id() != session_id


# Changing the e-mail address


def test_new_address_gets_a_confirmation_link_and_changes_when_followed(outbox):
    user = make_user(email="old@example.org", locale="en")

    services.request_email_change(user, PASSWORD, " New@Example.org")

    assert user.email == "old@example.org"
    message = outbox.last
    assert message.recipient == "new@example.org"
    assert message.template == "accounts/email/change_email"

    services.confirm_email_change(token_in(message, "/account/email/confirm/"))

    assert user.email == "new@example.org"
    (notice,) = outbox.to("old@example.org")
    assert notice.template == "accounts/email/email_changed"
    assert "new@example.org" in notice.text_body


def test_email_change_link_works_only_once(outbox):
    user = make_user()
    services.request_email_change(user, PASSWORD, "new@example.org")
    token = token_in(outbox.last, "/account/email/confirm/")
    services.confirm_email_change(token)

    with pytest.raises(ActionRefused) as refusal:
        services.confirm_email_change(token)
    assert refusal.value.reason == INVALID


def test_email_change_needs_the_current_password(outbox):
    user = make_user()

    with pytest.raises(ActionRefused, match="current password is not correct"):
        services.request_email_change(user, "wrong password!", "new@example.org")
    assert len(outbox) == 0


def test_email_change_to_a_taken_address_is_refused(outbox):
    user = make_user()
    other = make_user()

    with pytest.raises(ActionRefused, match="cannot be used"):
        services.request_email_change(user, PASSWORD, other.email)
    assert len(outbox) == 0


def test_email_change_to_the_same_address_is_refused():
    user = make_user()

    with pytest.raises(ActionRefused, match="already your e-mail address"):
        services.request_email_change(user, PASSWORD, user.email.upper())


def test_email_change_is_refused_if_someone_took_the_address_meanwhile(outbox):
    user = make_user()
    services.request_email_change(user, PASSWORD, "new@example.org")
    make_user(email="new@example.org")

    with pytest.raises(ActionRefused, match="cannot be used"):
        services.confirm_email_change(token_in(outbox.last, "/account/email/confirm/"))
    assert user.email != "new@example.org"


# Preferences


def test_preferences_save_language_and_time_zone():
    user = make_user()

    services.update_preferences(user, "pt", "America/Bogota")

    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.locale, saved.timezone) == ("pt", "America/Bogota")


@pytest.mark.parametrize(
    ("locale", "timezone", "reason"),
    [("fr", "UTC", "offered languages"), ("en", "Mars/Olympus_Mons", "valid time zone"), ("en", "", "valid")],
)
def test_preferences_refuse_unknown_languages_and_time_zones(locale, timezone, reason):
    user = make_user(locale="es", timezone="America/Mexico_City")

    with pytest.raises(ActionRefused, match=reason):
        services.update_preferences(user, locale, timezone)
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "es"


def test_language_is_saved_for_the_member():
    user = make_user(locale="es")

    services.set_language(user, "en")

    assert user.locale == "en"
    with pytest.raises(ActionRefused):
        services.set_language(user, "de")


# Deleting the account


def test_deleted_account_keeps_its_row_but_not_its_personal_data():
    user = make_user(email="ana@example.org", display_name="Ana Souza", locale="en")

    services.delete_account(user, PASSWORD)

    db.session.expire_all()
    deleted = db.session.get(User, user.id)
    assert deleted.is_deleted
    assert not deleted.is_active
    assert str(deleted.name) == "Former member"
    assert "ana" not in deleted.email
    assert deleted.display_name == ""
    assert deleted.country is None
    assert services.count_members() == 0


def test_deleted_account_can_no_longer_log_in_and_its_address_is_free(outbox):
    user = make_user(email="ana@example.org")
    services.delete_account(user, PASSWORD)

    with pytest.raises(ActionRefused) as refusal:
        services.authenticate("ana@example.org", PASSWORD)
    assert refusal.value.reason == services.WRONG_CREDENTIALS
    services.request_password_reset("ana@example.org")
    assert len(outbox) == 0
    assert join("ana@example.org") is not None


def test_deleting_the_account_needs_the_current_password():
    user = make_user()

    with pytest.raises(ActionRefused, match="current password is not correct"):
        services.delete_account(user, "wrong password!")
    assert not user.is_deleted


# Approval


def test_moderator_approves_a_waiting_member_who_is_told_by_mail(outbox):
    moderator = make_moderator()
    member = make_user(is_approved=False, locale="en")

    services.approve_member(moderator, member)

    assert member.is_approved
    message = outbox.last
    assert message.recipient == member.email
    assert message.template == "accounts/email/approved"
    assert "http://localhost/login" in message.text_body


def test_plain_member_cannot_approve(outbox):
    member = make_user(is_approved=False)

    with pytest.raises(PermissionDenied):
        services.approve_member(make_user(), member)
    assert not member.is_approved
    assert len(outbox) == 0


def test_approving_an_approved_member_is_refused():
    with pytest.raises(ActionRefused, match="does not need approval"):
        services.approve_member(make_admin(), make_user())


def test_pending_list_holds_only_waiting_members_oldest_first():
    first = make_user(is_approved=False)
    second = make_user(is_approved=False)
    make_user()
    gone = make_user(is_approved=False)
    services.delete_account(gone, PASSWORD)

    assert services.list_pending_members(page=1).items == [first, second]


# Administrators


def test_create_admin_creates_a_confirmed_administrator():
    admin = services.create_admin("Boss@Example.org", "The Boss", NEW_PASSWORD, country="CL")

    assert admin.email == "boss@example.org"
    assert admin.is_admin
    assert admin.is_active
    assert admin.timezone == "America/Santiago"
    assert services.authenticate("boss@example.org", NEW_PASSWORD) == admin


def test_create_admin_promotes_an_existing_member():
    member = make_user(email="ana@example.org", display_name="Ana")

    admin = services.create_admin("ana@example.org", "Ignored", NEW_PASSWORD)

    assert admin == member
    assert admin.is_admin
    assert admin.display_name == "Ana"
    assert user_count() == 1


def test_the_home_pages_member_count_is_counted_at_most_once_a_minute(app, monkeypatch):
    make_user()
    assert services.count_members_shown() == 1
    make_user()
    assert services.count_members_shown() == 1  # still the figure of a moment ago
    monkeypatch.setattr(services.time, "monotonic", lambda: 10**9)  # a minute and more later
    assert services.count_members_shown() == 2
