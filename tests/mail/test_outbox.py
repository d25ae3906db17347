"""The outbox: every e-mail is rendered in its recipient's language, stored, then delivered over SMTP,
retried with a growing wait while the server is down, and never lost."""

from datetime import timedelta

import pytest
from flask_babel import lazy_gettext as _l

from community.extensions import db
from community.mail import queue_email
from community.mail.models import OutboxStatus
from community.mail.sender import BACKOFF_MAX, backoff, send_queued
from community.types import utcnow
from tests.factories import make_user

SUBJECT = _l("Confirm your e-mail address for %(site)s", site="Conecta TT")


def queue_confirmation(user, **kwargs):
    message = queue_email(user, SUBJECT, "accounts/email/confirm", confirm_url="http://localhost/confirm/abc", **kwargs)
    db.session.commit()
    return message


# Queueing


def test_queued_email_is_rendered_as_text_and_html_in_the_recipients_language(app):
    ana = make_user(display_name="Ana", email="ana@example.org", locale="en")

    message = queue_confirmation(ana)

    assert message.recipient == "ana@example.org"
    assert message.locale == "en"
    assert message.template == "accounts/email/confirm"
    assert message.subject == "Confirm your e-mail address for Conecta TT"
    assert message.text_body.startswith("Hello Ana,")
    assert "http://localhost/confirm/abc" in message.text_body
    assert "<html" not in message.text_body
    assert '<html lang="en">' in message.html_body
    assert "Hello Ana," in message.html_body
    assert 'href="http://localhost/confirm/abc"' in message.html_body
    assert message.status is OutboxStatus.PENDING
    assert message.attempts == 0


@pytest.mark.parametrize("locale", ["es", "pt"])
def test_queued_email_follows_the_recipients_language_not_the_pages(app, locale):
    member = make_user(locale=locale)

    with app.test_request_context(headers={"Accept-Language": "en"}):
        message = queue_confirmation(member)

    assert message.locale == locale
    assert f'<html lang="{locale}">' in message.html_body


def test_queued_email_can_go_to_another_address(app):
    member = make_user(email="old@example.org", locale="en")

    message = queue_confirmation(member, to="new@example.org")

    assert message.recipient == "new@example.org"


def test_email_of_an_action_that_is_rolled_back_is_never_stored(app, outbox):
    member = make_user()

    queue_email(member, SUBJECT, "accounts/email/confirm", confirm_url="http://localhost/confirm/abc")
    db.session.rollback()

    assert len(outbox) == 0


# Delivery


@pytest.mark.smtp
def test_due_messages_are_delivered_over_smtp(app, smtp_server, outbox):
    ana = make_user(display_name="Ana", email="ana@example.org", locale="en")
    queue_confirmation(ana)

    assert send_queued() == (1, 0)

    (delivered,) = smtp_server.messages
    assert delivered["To"] == "ana@example.org"
    assert delivered["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert delivered["Subject"] == "Confirm your e-mail address for Conecta TT"
    assert delivered["Content-Language"] == "en"
    assert delivered["Message-ID"]
    assert delivered.get_content_type() == "multipart/alternative"
    text_part, html_part = delivered.iter_parts()
    assert text_part.get_content_type() == "text/plain"
    assert "http://localhost/confirm/abc" in text_part.get_content()
    assert html_part.get_content_type() == "text/html"
    assert 'href="http://localhost/confirm/abc"' in html_part.get_content()
    message = outbox.last
    assert message.status is OutboxStatus.SENT
    assert message.sent_at is not None
    assert message.attempts == 1


@pytest.mark.smtp
def test_non_ascii_text_arrives_intact(app, smtp_server):
    queue_confirmation(make_user(display_name="João Ñúñez", locale="en"))

    send_queued()

    text_part, html_part = smtp_server.messages[0].iter_parts()
    assert "Hello João Ñúñez," in text_part.get_content()
    assert "João Ñúñez" in html_part.get_content()


@pytest.mark.smtp
def test_a_message_is_delivered_only_once(app, smtp_server):
    queue_confirmation(make_user())
    send_queued()

    assert send_queued(now=utcnow() + timedelta(days=1)) == (0, 0)
    assert len(smtp_server.messages) == 1


@pytest.mark.smtp
def test_messages_go_out_oldest_first_and_at_most_limit_per_run(app, smtp_server):
    members = [make_user(locale="en") for _ in range(3)]
    for member in members:
        queue_confirmation(member)

    assert send_queued(limit=2) == (2, 0)
    assert send_queued(limit=2) == (1, 0)
    assert [message["To"] for message in smtp_server.messages] == [member.email for member in members]


@pytest.mark.smtp
def test_nothing_is_lost_while_the_smtp_server_is_down(app, smtp_server, outbox):
    queue_confirmation(make_user(email="ana@example.org"))
    smtp_server.stop()
    now = utcnow()

    assert send_queued(now=now) == (0, 1)

    message = outbox.last
    assert message.status is OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at == now + timedelta(minutes=1)
    assert message.last_error

    smtp_server.start()
    assert send_queued(now=now + timedelta(seconds=30)) == (0, 0)
    assert send_queued(now=now + timedelta(minutes=1)) == (1, 0)
    assert [delivered["To"] for delivered in smtp_server.messages] == ["ana@example.org"]
    assert outbox.last.status is OutboxStatus.SENT
    assert outbox.last.last_error is None


def test_the_wait_between_attempts_doubles_up_to_six_hours():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(30) == BACKOFF_MAX == timedelta(hours=6)


@pytest.mark.smtp
def test_message_is_given_up_after_the_last_attempt(app, smtp_server, outbox):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    queue_confirmation(make_user())
    smtp_server.stop()
    now = utcnow()

    for attempt in range(3):
        assert send_queued(now=now) == (0, 1)
        message = outbox.last
        assert message.attempts == attempt + 1
        now = message.next_attempt_at

    assert message.status is OutboxStatus.FAILED
    smtp_server.start()
    assert send_queued(now=now + timedelta(days=1)) == (0, 0)
    assert smtp_server.messages == []


def test_without_an_smtp_server_messages_wait(app, outbox):
    queue_confirmation(make_user())

    assert send_queued() == (0, 1)

    assert outbox.last.status is OutboxStatus.PENDING
    assert "MAIL_SERVER is not set" in outbox.last.last_error


def test_console_mode_prints_messages_instead(app, outbox, capsys):
    app.config["MAIL_CONSOLE"] = True
    queue_confirmation(make_user(email="ana@example.org", locale="en"))

    assert send_queued() == (1, 0)

    printed = capsys.readouterr().err
    assert "e-mail to ana@example.org: Confirm your e-mail address for Conecta TT" in printed
    assert "http://localhost/confirm/abc" in printed
    assert outbox.last.status is OutboxStatus.SENT


# The cron command and the whole journey


@pytest.mark.smtp
def test_send_queued_command_delivers_the_outbox(app, runner, smtp_server, outbox):
    queue_confirmation(make_user())

    result = runner.invoke(args=["mail", "send-queued"])

    assert result.exit_code == 0, result.output
    assert "1 sent, 0 not sent (will be retried)." in result.output
    assert len(smtp_server.messages) == 1
    assert outbox.last.status is OutboxStatus.SENT


def test_send_queued_command_reports_what_waits(app, runner):
    queue_confirmation(make_user())

    result = runner.invoke(args=["mail", "send-queued", "--limit", "10"])

    assert result.exit_code == 0, result.output
    assert "0 sent, 1 not sent (will be retried)." in result.output


@pytest.mark.smtp
def test_a_new_member_confirms_with_the_link_that_arrives_by_mail(app, client, smtp_server):
    client.post(
        "/join",
        data={
            "display_name": "Ana Souza",
            "email": "ana@example.org",
            "password": "correct horse battery staple",
            "confirm": "correct horse battery staple",
            "country": "BR",
            "locale": "en",
        },
    )
    send_queued()

    (delivered,) = smtp_server.messages
    text_part = next(delivered.iter_parts()).get_content()
    link = next(line for line in text_part.splitlines() if line.startswith("http://localhost/confirm/"))
    response = client.get(link.removeprefix("http://localhost"), headers={"Accept-Language": "en"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
