"""Delivery of the outbox over SMTP, with retries and backoff; nothing is dropped while SMTP is down."""

import contextlib
import smtplib
import sys
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import select

from community.extensions import db
from community.mail.models import OutboxMessage, OutboxStatus
from community.types import utcnow

# The wait after the n-th failed attempt: 1, 2, 4, ... minutes, at most six hours.
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)


class MailNotConfigured(Exception):
    pass


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def build_message(item: OutboxMessage) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = item.subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = item.recipient
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="conecta-tt.org")
    message.set_content(item.text_body)
    message.add_alternative(item.html_body, subtype="html")
    for attachment in item.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    # After the body: set_content() drops any Content-* header set before it.
    message["Content-Language"] = item.locale
    return message


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
    MAIL_MAX_ATTEMPTS. Several senders may run at once: on PostgreSQL each row is locked while it
    is sent (SKIP LOCKED), so no message goes out twice.
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
            if item.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                item.status = OutboxStatus.FAILED
            current_app.logger.warning("Mail to %s not sent (attempt %d): %s", item.recipient, item.attempts, exc)
        else:
            sent += 1
            item.status = OutboxStatus.SENT
            item.sent_at = now
            item.last_error = None
    if connection is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.quit()
    db.session.commit()
    return sent, failed
