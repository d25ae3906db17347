"""What a mail client and a mail provider read in the headers: when it was written, one Message-ID for good,
who sends it and where replies go, subjects with their accents, and the unsubscribe headers on every
e-mail except account security mail. Messages are parsed as they arrive at a real SMTP server."""

import email
import email.policy
from datetime import timedelta
from email.utils import parseaddr, parsedate_to_datetime

import pytest

from community.accounts import services as accounts
from community.events.models import EventRSVP, RSVPStatus
from community.events.services import send_message_to_attendees
from community.extensions import db
from community.mail import queue_email
from community.mail.models import OutboxStatus
from community.mail.sender import build_message, send_queued
from community.types import utcnow
from tests.conftest import SMTPServer
from tests.factories import PASSWORD, make_event, make_user

ACCENTED_TITLE = "Reunião de seguimento en Ciudad de México: ¿asistirá?"


class RawSMTPServer(SMTPServer):
    """The shared test server, also keeping each message's bytes exactly as they came over the wire."""

    def __init__(self):
        super().__init__()
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.raw.append(envelope.content)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp(app):
    server = RawSMTPServer()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    yield server
    server.stop()


def raw_headers(raw: bytes) -> str:
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii")


def attendee_message(title=ACCENTED_TITLE, **member):
    """An organizer writes to the attendees of an event; returns (organizer, attendee)."""
    organizer = make_user(display_name="Organizadora", email="organizer@example.org")
    attendee = make_user(**{"email": "ana@example.org", "locale": "en", **member})
    event = make_event(organizer=organizer, title=title)
    db.session.add(EventRSVP(event_id=event.id, user_id=attendee.id, status=RSVPStatus.GOING))
    db.session.commit()
    send_message_to_attendees(organizer, event, "Llegamos a las 9. ¿Quién trae el proyector?")
    return organizer, attendee


def confirmation(member):
    message = queue_email(member, "Confirm", "accounts/email/confirm", confirm_url="http://localhost/confirm/abc")
    db.session.commit()
    return message


# Date, Message-ID, From, Reply-To


@pytest.mark.smtp
def test_a_message_says_when_it_was_written_who_sends_it_and_has_an_id_of_the_site(app, smtp, outbox):
    before = utcnow().replace(microsecond=0)
    confirmation(make_user(locale="en"))

    send_queued()

    (delivered,) = smtp.messages
    written = parsedate_to_datetime(delivered["Date"])
    assert written.utcoffset() == timedelta(0)
    assert before <= written <= utcnow()
    assert delivered["Message-ID"] == outbox.last.message_id
    assert delivered["Message-ID"].startswith("<") and delivered["Message-ID"].endswith("@localhost>")
    assert parseaddr(delivered["From"]) == ("Conecta TT", "no-reply@conecta-tt.org")
    assert delivered["Reply-To"] is None
    assert delivered["Auto-Submitted"] == "auto-generated"


@pytest.mark.smtp
def test_a_bare_sender_address_is_given_the_sites_name(app, smtp):
    app.config["MAIL_DEFAULT_SENDER"] = "avisos@conecta-tt.org"
    confirmation(make_user())

    send_queued()

    assert parseaddr(smtp.messages[0]["From"]) == ("Conecta TT", "avisos@conecta-tt.org")


@pytest.mark.smtp
def test_message_ids_are_unique_and_a_retry_sends_the_same_id_and_date(app, smtp, outbox):
    first = confirmation(make_user(email="ana@example.org"))
    second = confirmation(make_user(email="bruno@example.org"))
    stored_id, written = first.message_id, first.created_at
    assert stored_id and second.message_id and stored_id != second.message_id
    smtp.stop()
    now = utcnow()
    assert send_queued(now=now) == (0, 2)

    smtp.start()
    assert send_queued(now=now + timedelta(hours=1)) == (2, 0)

    delivered = {message["To"]: message for message in smtp.messages}
    assert delivered["ana@example.org"]["Message-ID"] == stored_id
    assert parsedate_to_datetime(delivered["ana@example.org"]["Date"]) == written.replace(microsecond=0)
    assert build_message(first)["Message-ID"] == stored_id  # and again, should it ever be sent again


@pytest.mark.smtp
def test_replies_go_to_mail_reply_to_when_it_is_set(app, smtp):
    app.config["MAIL_REPLY_TO"] = "Equipo Conecta TT <equipo@conecta-tt.org>"
    confirmation(make_user())

    send_queued()

    assert parseaddr(smtp.messages[0]["Reply-To"]) == ("Equipo Conecta TT", "equipo@conecta-tt.org")


@pytest.mark.smtp
def test_an_organizers_message_does_not_reveal_the_organizers_address(app, smtp):
    attendee_message()

    send_queued()

    (delivered,) = smtp.messages
    assert delivered["Reply-To"] is None
    assert b"organizer@example.org" not in smtp.raw[0]


# Subjects and bodies in UTF-8


@pytest.mark.smtp
def test_a_subject_with_accents_arrives_intact(app, smtp):
    attendee_message(title=ACCENTED_TITLE)

    send_queued()

    (delivered,) = smtp.messages
    assert delivered["Subject"] == f"A message about {ACCENTED_TITLE}"
    headers = raw_headers(smtp.raw[0])  # ASCII on the wire: the subject travels as RFC 2047 encoded words
    assert "=?utf-8?" in headers
    text_part, html_part = delivered.get_body(("plain",)), delivered.get_body(("html",))
    assert ACCENTED_TITLE in text_part.get_content()
    assert "¿Quién trae el proyector?" in text_part.get_content()
    assert ACCENTED_TITLE in html_part.get_content()


# List-Unsubscribe


@pytest.mark.smtp
def test_an_event_email_carries_the_unsubscribe_headers_and_footer_links(app, smtp):
    attendee_message()

    send_queued()

    (delivered,) = smtp.messages
    https_link, mailto = [part.strip().strip("<>") for part in delivered["List-Unsubscribe"].split(",")]
    token = https_link.removeprefix("http://localhost/unsubscribe/")
    assert token and token != https_link
    assert mailto == f"mailto:unsubscribe@localhost?subject=unsubscribe-{token}"
    assert delivered["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Written out as links, never as encoded words a mail provider would not read.
    assert f"List-Unsubscribe: <{https_link}>," in raw_headers(smtp.raw[0])
    text = delivered.get_body(("plain",)).get_content()
    assert f"Unsubscribe from these e-mails: {https_link}" in text
    assert "E-mail settings: http://localhost/account/notifications" in text
    html = delivered.get_body(("html",)).get_content()
    assert f'href="{https_link}"' in html
    assert 'href="http://localhost/account/notifications"' in html


def test_the_mailto_address_is_configurable(app, outbox):
    app.config["MAIL_UNSUBSCRIBE_ADDRESS"] = "bajas@conecta-tt.org"
    attendee_message()

    assert "<mailto:bajas@conecta-tt.org?subject=unsubscribe-" in outbox.last.headers["List-Unsubscribe"]


def test_account_security_mail_never_carries_unsubscribe_headers(app, outbox):
    member = make_user(email="ana@example.org")
    accounts.register_member("ana@example.org", PASSWORD, "Otra Ana", "MX", "es")  # the address is taken
    accounts.register_member("bruno@example.org", PASSWORD, "Bruno", "BR", "pt")
    accounts.request_password_reset("ana@example.org")
    accounts.request_email_change(member, PASSWORD, "ana.nueva@example.org")
    link = next(word for word in outbox.last.text_body.split() if "/account/email/confirm/" in word)
    accounts.confirm_email_change(link.rsplit("/", 1)[1])

    templates = {message.template: message for message in outbox}
    assert set(templates) == {
        "accounts/email/already_registered",
        "accounts/email/confirm",
        "accounts/email/reset_password",
        "accounts/email/change_email",
        "accounts/email/email_changed",
    }
    for message in templates.values():
        assert message.headers == {}, message.template
        assert "/unsubscribe/" not in message.text_body
        assert build_message(message)["List-Unsubscribe"] is None


def test_the_whole_message_parses_back_with_the_email_package(app, outbox):
    attendee_message()

    parsed = email.message_from_bytes(build_message(outbox.last).as_bytes(), policy=email.policy.default)

    assert parsed["Subject"] == f"A message about {ACCENTED_TITLE}"
    assert parsed["List-Unsubscribe"] == outbox.last.headers["List-Unsubscribe"]
    assert outbox.last.status is OutboxStatus.PENDING
