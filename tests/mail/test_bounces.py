"""Addresses that refuse mail for good: a permanent refusal (SMTP 5xx) is not retried and counts a bounce;
after MAIL_MAX_BOUNCES the address is marked and optional mail to it is kept but never sent, while account
mail still goes; confirming the address again or changing it clears the mark."""

from datetime import timedelta

import pytest

from community.accounts import services as accounts
from community.events.models import EventRSVP, RSVPStatus
from community.events.services import send_message_to_attendees
from community.extensions import db
from community.mail.models import OutboxStatus
from community.mail.sender import send_queued
from community.types import utcnow
from tests.conftest import SMTPServer
from tests.factories import PASSWORD, make_event, make_user

GONE = "gone@example.org"


class RejectingSMTPServer(SMTPServer):
    """The shared test server, answering RCPT for some addresses as a real one does for unknown users."""

    def __init__(self):
        super().__init__()
        self.unknown = {GONE}
        self.busy: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        if address in self.unknown:
            return "550 No such user"
        if address in self.busy:
            return "450 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp(app):
    server = RejectingSMTPServer()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    yield server
    server.stop()


@pytest.fixture
def event_with(app):
    """An event and a function that makes `member` go to it; organizer_writes() then mails them all."""
    organizer = make_user()
    event = make_event(organizer=organizer)

    class Event:
        def going(self, member):
            db.session.add(EventRSVP(event_id=event.id, user_id=member.id, status=RSVPStatus.GOING))
            db.session.commit()
            return member

        def organizer_writes(self, body="Nos vemos el jueves."):
            send_message_to_attendees(organizer, event, body)

    return Event()


def deliver(now=None):
    return send_queued(now=now or utcnow())


@pytest.mark.smtp
def test_a_refused_address_is_not_retried_and_counts_a_bounce(app, smtp, outbox, event_with):
    member = event_with.going(make_user(email=GONE))
    event_with.organizer_writes()

    assert deliver() == (0, 1)

    message = outbox.last
    assert message.status is OutboxStatus.FAILED
    assert "550" in message.last_error and "No such user" in message.last_error
    db.session.refresh(member)
    assert member.email_bounce_count == 1
    assert member.email_undeliverable_at is None
    assert deliver(utcnow() + timedelta(days=1)) == (0, 0)  # never tried again


@pytest.mark.smtp
def test_one_refused_address_does_not_stop_the_others(app, smtp, outbox, event_with):
    event_with.going(make_user(email=GONE))
    event_with.going(make_user(email="ana@example.org"))
    event_with.organizer_writes()

    assert deliver() == (1, 1)

    assert [message["To"] for message in smtp.messages] == ["ana@example.org"]


@pytest.mark.smtp
def test_a_temporary_refusal_is_retried_and_is_no_bounce(app, smtp, outbox, event_with):
    member = event_with.going(make_user(email="busy@example.org"))
    smtp.busy.add("busy@example.org")
    event_with.organizer_writes()
    now = utcnow()

    assert deliver(now) == (0, 1)
    assert outbox.last.status is OutboxStatus.PENDING
    db.session.refresh(member)
    assert member.email_bounce_count == 0

    smtp.busy.clear()
    assert deliver(now + timedelta(minutes=1)) == (1, 0)
    assert len(smtp.messages) == 1


@pytest.mark.smtp
def test_after_max_bounces_optional_mail_is_skipped_but_account_mail_still_goes(app, smtp, outbox, event_with):
    app.config["MAIL_MAX_BOUNCES"] = 3
    member = event_with.going(make_user(email=GONE))
    for _ in range(3):
        event_with.organizer_writes()
        deliver()
    db.session.refresh(member)
    assert member.email_bounce_count == 3
    assert member.email_undeliverable_at is not None

    event_with.organizer_writes("Cambio de sala.")
    skipped = outbox.last
    accounts.request_password_reset(GONE)
    reset = outbox.last

    assert skipped.status is OutboxStatus.SKIPPED
    assert "undeliverable" in skipped.last_error
    assert reset.status is OutboxStatus.PENDING
    assert deliver() == (0, 1)  # the reset is tried (and refused again); the event message is not
    assert skipped.attempts == 0


@pytest.mark.smtp
def test_mail_queued_before_the_mark_is_skipped_when_its_turn_comes(app, smtp, outbox, event_with):
    app.config["MAIL_MAX_BOUNCES"] = 1
    member = event_with.going(make_user(email=GONE))
    event_with.organizer_writes("Primero")
    first = outbox.last
    event_with.organizer_writes("Segundo")
    second = outbox.last

    assert deliver() == (0, 1)

    db.session.refresh(member)
    assert member.email_undeliverable_at is not None
    assert first.status is OutboxStatus.FAILED
    assert second.status is OutboxStatus.SKIPPED
    assert second.attempts == 0


@pytest.mark.smtp
def test_a_delivered_message_wipes_earlier_bounces(app, smtp, outbox, event_with):
    member = event_with.going(make_user(email=GONE))
    event_with.organizer_writes()
    deliver()
    smtp.unknown.clear()  # the mailbox exists again

    event_with.organizer_writes("Otra vez")
    assert deliver() == (1, 0)

    db.session.refresh(member)
    assert member.email_bounce_count == 0


def mark_undeliverable(member):
    member.email_bounce_count, member.email_undeliverable_at = 3, utcnow()
    db.session.commit()
    return member


def confirmation_token(outbox) -> str:
    link = next(word for word in outbox.last.text_body.split() if "/confirm/" in word)
    return link.rsplit("/", 1)[1]


def test_confirming_the_address_again_clears_the_mark(app, outbox, event_with):
    member = event_with.going(mark_undeliverable(make_user(email="ana@example.org")))

    accounts.resend_confirmation("ana@example.org")  # allowed again for a marked address
    accounts.confirm_email(confirmation_token(outbox))

    db.session.refresh(member)
    assert member.email_bounce_count == 0
    assert member.email_undeliverable_at is None
    event_with.organizer_writes()
    assert outbox.last.status is OutboxStatus.PENDING


def test_a_confirmed_address_without_bounces_gets_no_new_confirmation(app, outbox):
    make_user(email="ana@example.org")

    accounts.resend_confirmation("ana@example.org")

    assert len(outbox) == 0


def test_changing_the_address_clears_the_mark(app, outbox, event_with):
    member = event_with.going(mark_undeliverable(make_user(email="ana@example.org")))

    accounts.request_email_change(member, PASSWORD, "ana.nueva@example.org")
    accounts.confirm_email_change(confirmation_token(outbox))

    db.session.refresh(member)
    assert member.email == "ana.nueva@example.org"
    assert member.email_undeliverable_at is None
    event_with.organizer_writes()
    assert outbox.last.recipient == "ana.nueva@example.org"
    assert outbox.last.status is OutboxStatus.PENDING


@pytest.mark.smtp
def test_a_bounce_of_a_new_address_being_confirmed_counts_nothing_on_the_member(app, outbox, smtp):
    member = make_user(email="ana@example.org")
    accounts.request_email_change(member, PASSWORD, GONE)

    assert deliver() == (0, 1)

    db.session.refresh(member)
    assert member.email_bounce_count == 0
