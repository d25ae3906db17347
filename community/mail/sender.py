"""Delivery of the outbox over SMTP, with retries and backoff; nothing is dropped while SMTP is down."""

import contextlib
import smtplib
import sys
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, formataddr, parseaddr

from flask import current_app
from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db
from community.mail.bounces import UNDELIVERABLE, is_members_address, record_bounce, record_delivery
from community.mail.models import OutboxMessage, OutboxStatus
from community.mail.unsubscribe import site_domain
from community.types import utcnow

# The wait after the n-th failed attempt: 1, 2, 4, ... minutes, at most six hours.
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)


class MailNotConfigured(Exception):
    pass


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


class _MailPolicy(EmailPolicy):
    """The standard policy, except for the headers that hold links (List-Unsubscribe, List-Help, ...).

    The standard one turns any word longer than a line into an RFC 2047 encoded word, and an encoded
    link is no link for a mail provider: those headers are folded between their <...> items instead,
    never encoded (their values are ASCII).
    """

    LINK_HEADERS = frozenset({"list-unsubscribe", "list-help", "list-archive"})

    def _fold_links(self, name: str, value: str) -> str:
        items = [item.strip() for item in str(value).split(",")]
        return f"{name}: " + f",{self.linesep} ".join(items) + self.linesep

    def fold(self, name, value):
        if name.lower() in self.LINK_HEADERS:
            return self._fold_links(name, value)
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() in self.LINK_HEADERS:
            return self._fold_links(name, value).encode("ascii")
        return super().fold_binary(name, value)


MAIL_POLICY = _MailPolicy()


def sender_address() -> str:
    """The From address: MAIL_DEFAULT_SENDER, given the site's name as display name when it has none."""
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return formataddr((name or current_app.config["SITE_NAME"], address))


def build_message(item: OutboxMessage) -> EmailMessage:
    """The message as sent: the same Date and Message-ID on every attempt, so a retry is no new e-mail."""
    config = current_app.config
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = item.subject
    message["From"] = sender_address()
    message["To"] = item.recipient
    # When it was written (queued): a retry hours later is the same message, not a new one.
    message["Date"] = format_datetime(item.created_at)
    message["Message-ID"] = item.message_id or f"<outbox.{item.id}@{site_domain()}>"
    headers = dict(item.headers or {})
    reply_to = headers.pop("Reply-To", None) or config["MAIL_REPLY_TO"]
    if reply_to:
        message["Reply-To"] = reply_to
    for name, value in headers.items():
        message[name] = value
    message["Auto-Submitted"] = "auto-generated"  # no vacation replies to a robot (RFC 3834)
    message.set_content(item.text_body)
    message.add_alternative(item.html_body, subtype="html")
    for attachment in item.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    # After the body: set_content() drops any Content-* header set before it.
    message["Content-Language"] = item.locale
    return message


def is_permanent(error: Exception) -> bool:
    """Whether the server refused the message for good (5xx on RCPT or DATA): retrying cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def _open_connection() -> smtplib.SMTP:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    connection = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    if config["MAIL_USE_TLS"]:
        connection.starttls()
    if config["MAIL_USERNAME"]:
        connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return connection


def _echo(item: OutboxMessage) -> None:
    print(f"\n----- e-mail to {item.recipient}: {item.subject}\n{item.text_body}\n-----", file=sys.stderr)


def send_queued(limit: int = 200, now: datetime | None = None) -> tuple[int, int]:
    """Deliver the messages that are due; return (sent, still waiting or given up).

    A message that fails is tried again after a growing wait, and marked FAILED only after
    MAIL_MAX_ATTEMPTS, or at once when the server refuses it for good (5xx on RCPT or DATA), which also
    counts a bounce on the member (community/mail/bounces.py). Optional mail (it has List-Unsubscribe)
    to an address marked undeliverable is marked SKIPPED and not sent. Several senders may run at once:
    on PostgreSQL each row is locked while it is sent (SKIP LOCKED), so no message goes out twice.
    """
    config = current_app.config
    now = now or utcnow()
    due = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    items = db.session.scalars(due).all()
    if not items:
        db.session.commit()
        return 0, 0
    # The members the batch is for, in one query: bounces are counted on them, and optional mail to an
    # address marked undeliverable is skipped.
    user_ids = {item.user_id for item in items if item.user_id is not None}
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    sent = failed = 0
    connection = None
    error: Exception | None = None
    try:
        if config["MAIL_SERVER"]:
            connection = _open_connection()
        elif not config["MAIL_CONSOLE"]:
            raise MailNotConfigured("MAIL_SERVER is not set")
    except (OSError, smtplib.SMTPException, MailNotConfigured) as exc:
        error = exc
    for item in items:
        user = users.get(item.user_id)
        own_address = is_members_address(user, item.recipient)
        if own_address and user.email_undeliverable_at is not None and "List-Unsubscribe" in (item.headers or {}):
            item.status = OutboxStatus.SKIPPED
            item.last_error = UNDELIVERABLE
            continue
        item.attempts += 1
        try:
            if error:
                raise error
            if config["MAIL_CONSOLE"]:
                _echo(item)
            if connection is not None:
                connection.send_message(build_message(item))
        except (OSError, smtplib.SMTPException, MailNotConfigured) as exc:
            failed += 1
            item.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            item.next_attempt_at = now + backoff(item.attempts)
            if is_permanent(exc):
                item.status = OutboxStatus.FAILED
                if own_address:
                    record_bounce(user, now)
            elif item.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                item.status = OutboxStatus.FAILED
            current_app.logger.warning("Mail to %s not sent (attempt %d): %s", item.recipient, item.attempts, exc)
        else:
            sent += 1
            item.status = OutboxStatus.SENT
            item.sent_at = now
            item.last_error = None
            if own_address and connection is not None:
                record_delivery(user)
    if connection is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.quit()
    db.session.commit()
    return sent, failed
