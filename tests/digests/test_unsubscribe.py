"""The unsubscribe link of every optional e-mail: signed for one member and one kind of e-mail, it works
without logging in, from the landing page or in one click from the mail client (RFC 8058); the digest can
also come less often; a tampered or expired link gets a clear page, never a 500."""

import time

import pytest
from flask_babel import force_locale

from community.digests.models import DigestFrequency
from community.digests.services import get_digest_frequency, set_digest_frequency
from community.events.models import EventRSVP, RSVPStatus
from community.events.services import send_message_to_attendees
from community.extensions import db
from community.mail.sender import send_queued
from community.mail.unsubscribe import InvalidUnsubscribeToken, make_unsubscribe_token, read_unsubscribe_token
from community.notifications.models import NotificationTopic
from community.notifications.services import get_email_preferences
from tests.factories import make_event, make_user

EN = {"Accept-Language": "en"}
ONE_CLICK = {"List-Unsubscribe": "One-Click"}
DAY = 24 * 3600


def link(member, topic="messages") -> str:
    return f"/unsubscribe/{make_unsubscribe_token(member, topic)}"


def made_days_ago(days, member, topic="messages") -> str:
    """A link as it was made `days` days ago."""
    real_time = time.time
    try:
        time.time = lambda: real_time() - days * DAY
        return link(member, topic)
    finally:
        time.time = real_time


def wants_email(member, topic: NotificationTopic) -> bool:
    db.session.expire_all()
    return get_email_preferences(member)[topic]


def digest_frequency(member) -> DigestFrequency:
    db.session.expire_all()
    return get_digest_frequency(member)


# Tokens


def test_a_token_names_the_member_and_the_topic(app):
    ana = make_user()

    assert read_unsubscribe_token(make_unsubscribe_token(ana, "digest")) == (ana, "digest")
    assert read_unsubscribe_token(make_unsubscribe_token(ana, "mentions")) == (ana, "mentions")


@pytest.mark.parametrize(
    "spoil",
    [
        lambda token: token[:-2] + ("aa" if not token.endswith("aa") else "bb"),  # tampered signature
        lambda token: "x" + token,
        lambda token: "",
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_token_is_refused_with_a_clear_reason(app, spoil):
    token = make_unsubscribe_token(make_user(), "messages")

    with pytest.raises(InvalidUnsubscribeToken) as refusal:
        read_unsubscribe_token(spoil(token))

    with force_locale("en"):
        assert str(refusal.value.reason) == "This link is not valid or has expired."


def test_a_token_expires_after_unsubscribe_token_days(app):
    ana = make_user()
    fresh = made_days_ago(89, ana).rsplit("/", 1)[1]
    stale = made_days_ago(91, ana).rsplit("/", 1)[1]

    assert read_unsubscribe_token(fresh) == (ana, "messages")
    with pytest.raises(InvalidUnsubscribeToken):
        read_unsubscribe_token(stale)


def test_a_token_of_another_site_or_a_deleted_member_is_refused(app):
    ana = make_user()
    token = make_unsubscribe_token(ana, "messages")
    app.config["SECRET_KEY"] = "another-secret"
    with pytest.raises(InvalidUnsubscribeToken):
        read_unsubscribe_token(token)
    app.config["SECRET_KEY"] = "testing-secret-key"
    ana.deleted_at = ana.created_at
    db.session.commit()
    with pytest.raises(InvalidUnsubscribeToken):
        read_unsubscribe_token(token)


def test_only_known_topics_get_tokens(app):
    with pytest.raises(ValueError, match="unknown unsubscribe topic"):
        make_unsubscribe_token(make_user(), "everything")


# The landing page


def test_the_landing_page_says_what_stops_and_changes_nothing_yet(app, client):
    ana = make_user()

    response = client.get(link(ana, "messages"), headers=EN)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You will no longer receive e-mails about: New private messages." in page
    assert 'value="Unsubscribe"' in page
    assert "Send it less often" not in page
    assert "/login?next=/account/notifications" in page
    assert wants_email(ana, NotificationTopic.MESSAGES)  # a GET (a link scanner, a preview) never unsubscribes


def test_confirming_on_the_landing_page_turns_that_email_off_only(app, client):
    ana = make_user()

    response = client.post(link(ana, "mentions"), data={"stop": "Unsubscribe"}, headers=EN)

    assert response.status_code == 200
    assert "You will no longer receive e-mails about: Someone mentions you in the forum." in response.get_data(
        as_text=True
    )
    assert not wants_email(ana, NotificationTopic.MENTIONS)
    assert wants_email(ana, NotificationTopic.MESSAGES)


def test_the_digest_landing_page_offers_less_often_and_stop(app, client):
    ana = make_user()
    set_digest_frequency(ana, DigestFrequency.DAILY)
    db.session.commit()

    page = client.get(link(ana, "digest"), headers=EN).get_data(as_text=True)

    assert "You will no longer receive the e-mail digest." in page
    assert 'value="Stop the digest"' in page
    assert 'value="Send it less often: Weekly"' in page


@pytest.mark.parametrize(
    ("before", "after"),
    [(DigestFrequency.DAILY, DigestFrequency.WEEKLY), (DigestFrequency.WEEKLY, DigestFrequency.MONTHLY)],
)
def test_send_less_often_moves_the_digest_one_step(app, client, before, after):
    ana = make_user()
    set_digest_frequency(ana, before)
    db.session.commit()

    response = client.post(link(ana, "digest"), data={"less_often": "1"}, headers=EN)

    assert response.status_code == 200
    with force_locale("en"):
        assert f"From now on you receive the e-mail digest: {after.label}." in response.get_data(as_text=True)
    assert digest_frequency(ana) is after


def test_a_monthly_digest_can_only_be_stopped(app, client):
    ana = make_user()
    set_digest_frequency(ana, DigestFrequency.MONTHLY)
    db.session.commit()

    assert "Send it less often" not in client.get(link(ana, "digest"), headers=EN).get_data(as_text=True)
    client.post(link(ana, "digest"), data={"stop": "1"})
    assert digest_frequency(ana) is DigestFrequency.NEVER


def test_a_member_already_unsubscribed_is_told_so(app, client):
    ana = make_user()
    client.post(link(ana, "digest"), data=ONE_CLICK)

    page = client.get(link(ana, "digest"), headers=EN).get_data(as_text=True)

    assert "You no longer receive the e-mail digest." in page
    assert "Stop the digest" not in page and "Send it less often" not in page


@pytest.mark.parametrize("language", ["es", "pt", "en"])
def test_the_pages_are_shown_in_each_language(app, client, language):
    ana = make_user()
    headers = {"Accept-Language": language}

    for response in (
        client.get(link(ana), headers=headers),
        client.post(link(ana), data=ONE_CLICK, headers=headers),
        client.get("/unsubscribe/not-a-token", headers=headers),
    ):
        assert response.status_code in (200, 400)
        assert f'<html lang="{language}"' in response.get_data(as_text=True)


# A bad link


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_or_expired_link_gets_a_400_page_that_leads_to_the_settings(app, client, method):
    ana = make_user()
    for url in ("/unsubscribe/tampered." + make_unsubscribe_token(ana, "digest"), made_days_ago(91, ana)):
        response = getattr(client, method)(url, data=ONE_CLICK if method == "post" else None, headers=EN)

        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "This link is not valid or has expired" in page
        assert "/login?next=/account/notifications" in page
    assert wants_email(ana, NotificationTopic.MESSAGES)
    assert digest_frequency(ana) is DigestFrequency.WEEKLY


def test_a_logged_in_member_is_sent_straight_to_the_settings(app, client, login):
    login(make_user())

    page = client.get("/unsubscribe/x", headers=EN).get_data(as_text=True)

    assert 'href="/account/notifications"' in page


# One click (RFC 8058): no login, no CSRF token


class TestWithCSRF:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_one_click_post_unsubscribes_without_login_or_csrf_token(self, app, client):
        ana = make_user()

        response = client.post(
            link(ana, "messages"),
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
            headers=EN,
        )

        assert response.status_code == 200
        assert "You will no longer receive e-mails about: New private messages." in response.get_data(as_text=True)
        assert not wants_email(ana, NotificationTopic.MESSAGES)

    def test_one_click_post_as_multipart_form_data_works_too(self, app, client):
        ana = make_user()

        response = client.post(link(ana, "digest"), data=ONE_CLICK, content_type="multipart/form-data")

        assert response.status_code == 200
        assert digest_frequency(ana) is DigestFrequency.NEVER

    def test_the_landing_pages_form_needs_its_csrf_token(self, app, client):
        ana = make_user()

        response = client.post(link(ana, "messages"), data={"stop": "Unsubscribe"})

        assert response.status_code == 400
        assert wants_email(ana, NotificationTopic.MESSAGES)

    def test_the_landing_pages_form_works_with_its_token(self, app, client):
        ana = make_user()
        url = link(ana, "messages")
        page = client.get(url).get_data(as_text=True)
        csrf = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]

        response = client.post(url, data={"csrf_token": csrf, "stop": "Unsubscribe"})

        assert response.status_code == 200
        assert not wants_email(ana, NotificationTopic.MESSAGES)


# From the e-mail that arrives to the stop


@pytest.mark.smtp
def test_the_one_click_link_of_a_delivered_email_stops_that_kind_of_email(app, client, smtp_server, outbox):
    organizer = make_user()
    ana = make_user(email="ana@example.org")
    event = make_event(organizer=organizer)
    db.session.add(EventRSVP(event_id=event.id, user_id=ana.id, status=RSVPStatus.GOING))
    db.session.commit()
    send_message_to_attendees(organizer, event, "Nos vemos el jueves.")
    send_queued()
    (delivered,) = smtp_server.messages
    assert delivered["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https_link = delivered["List-Unsubscribe"].split(",")[0].strip().strip("<>")

    # What a mail provider does when the member presses its "Unsubscribe" button:
    response = client.post(https_link.removeprefix("http://localhost"), data=ONE_CLICK)

    assert response.status_code == 200
    assert not wants_email(ana, NotificationTopic.EVENTS)
    sent_before = len(outbox)
    send_message_to_attendees(organizer, event, "Cambio de sala.")
    assert len(outbox) == sent_before  # no more event e-mails for Ana


def test_a_member_who_stopped_event_emails_gets_no_changes_or_reminders(app, client, outbox):
    from datetime import timedelta

    from community.events.reminders import send_due_reminders
    from community.events.services import cancel_event

    organizer = make_user()
    ana, bruno = make_user(email="ana@example.org"), make_user(email="bruno@example.org")
    soon = make_event(organizer=organizer, starts_in=timedelta(hours=20), title="Taller")
    later = make_event(organizer=organizer, title="Congreso")
    for event in (soon, later):
        for member in (ana, bruno):
            db.session.add(EventRSVP(event_id=event.id, user_id=member.id, status=RSVPStatus.GOING))
    db.session.commit()
    client.post(link(ana, "events"), data=ONE_CLICK)

    send_due_reminders()
    cancel_event(organizer, later)

    assert outbox.to("ana@example.org") == []
    assert sorted(message.template for message in outbox.to("bruno@example.org")) == [
        "events/email/changed",
        "events/email/reminder",
    ]
