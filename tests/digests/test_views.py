"""The digest settings, on the e-mail settings page: how often (daily, weekly, monthly, never), on which day
of the week and at what hour of the member's own time."""

import pytest

from community.digests import services
from community.digests.models import DigestFrequency, DigestSettings
from community.extensions import db
from tests.factories import make_user


def settings_of(member) -> DigestSettings | None:
    db.session.expire_all()
    return db.session.get(DigestSettings, member.id)


# The settings, as other areas use them


def test_a_member_who_never_chose_gets_a_weekly_digest_on_monday_at_eight(app):
    member = make_user()
    settings = services.get_digest_settings(member)
    assert services.get_digest_frequency(member) is DigestFrequency.WEEKLY
    assert (settings.weekday, settings.hour) == (0, 8)


def test_less_often_goes_from_daily_to_weekly_to_monthly_and_stays_there(app):
    member = make_user()
    services.set_digest_frequency(member, DigestFrequency.DAILY)
    steps = [services.send_less_often(member) for _ in range(3)]
    db.session.commit()
    assert steps == [DigestFrequency.WEEKLY, DigestFrequency.MONTHLY, DigestFrequency.MONTHLY]
    assert settings_of(member).frequency is DigestFrequency.MONTHLY


# The page


@pytest.mark.parametrize(("language", "monday"), [("es", "Lunes"), ("pt", "Segunda-feira"), ("en", "Monday")])
def test_the_email_settings_page_shows_the_digest_settings_in_the_members_language(client, login, language, monday):
    login(make_user(locale=language, timezone="America/Sao_Paulo"))

    page = client.get("/account/notifications").get_data(as_text=True)

    assert 'action="/account/notifications/digest"' in page
    assert f'<option selected value="0">{monday}</option>' in page  # weekday names come from Babel
    assert 'name="digest-hour"' in page and '<option selected value="8">' in page
    if language == "en":
        assert '<option selected value="weekly">Weekly</option>' in page
        assert "In your time zone" in page


def test_a_member_chooses_a_daily_digest_at_six_in_the_evening(client, login):
    member = login(make_user(locale="en"))

    response = client.post(
        "/account/notifications/digest",
        data={"digest-frequency": "daily", "digest-weekday": "4", "digest-hour": "18"},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/notifications#digest")
    saved = settings_of(member)
    assert (saved.frequency, saved.weekday, saved.hour) == (DigestFrequency.DAILY, 4, 18)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Your digest settings were saved." in page
    assert '<option selected value="daily">Daily</option>' in page


def test_a_member_can_stop_the_digest(client, login):
    member = login(make_user(locale="en"))
    client.post("/account/notifications/digest",
                data={"digest-frequency": "never", "digest-weekday": "0", "digest-hour": "8"})  # fmt: skip
    assert services.get_digest_frequency(member) is DigestFrequency.NEVER


@pytest.mark.parametrize(
    "data",
    [
        {"digest-frequency": "hourly", "digest-weekday": "0", "digest-hour": "8"},
        {"digest-frequency": "daily", "digest-weekday": "7", "digest-hour": "8"},
        {"digest-frequency": "daily", "digest-weekday": "0", "digest-hour": "24"},
        {"digest-frequency": "daily", "digest-weekday": "monday", "digest-hour": "8"},
        {},
    ],
)
def test_a_choice_that_is_not_offered_is_refused_and_nothing_is_saved(client, login, data):
    member = login(make_user(locale="en"))

    response = client.post("/account/notifications/digest", data=data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "invalid-feedback" in page
    assert 'action="/account/notifications/digest"' in page and 'name="by_email"' in page
    assert settings_of(member) is None


def test_visitors_are_sent_to_log_in(client):
    response = client.post("/account/notifications/digest", data={"digest-frequency": "daily"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_form_address_on_its_own_leads_to_the_settings_page(client, login):
    login(make_user())
    response = client.get("/account/notifications/digest")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/notifications#digest")


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_form_needs_its_csrf_token(client, login):
    member = login(make_user(locale="en"))

    response = client.post(
        "/account/notifications/digest", data={"digest-frequency": "daily", "digest-weekday": "0", "digest-hour": "8"}
    )

    assert response.status_code in (400, 422)
    assert settings_of(member) is None
    page = client.get("/account/notifications").get_data(as_text=True)
    assert 'name="digest-csrf_token"' in page and page.count('id="digest-csrf_token"') == 1
