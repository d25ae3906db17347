from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, render_template
from flask_babel import force_locale

from community.extensions import db
from community.mail.bounces import UNDELIVERABLE, is_members_address
from community.mail.models import OutboxAttachment, OutboxMessage, OutboxStatus
from community.mail.unsubscribe import (
    make_unsubscribe_token,
    read_unsubscribe_token,
    site_domain,
    unsubscribe_headers,
)

__all__ = ["external_url", "make_unsubscribe_token", "queue_email", "read_unsubscribe_token"]


def external_url(endpoint: str, **values) -> str:
    """An absolute link to a page of the site, built from SITE_URL so it works in mail sent from cron."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/", url_scheme=site.scheme)
    return adapter.build(endpoint, values, force_external=True)


def queue_email(
    recipient,
    subject,
    template: str,
    *,
    to: str | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
    unsubscribe: str | None = None,
    reply_to: str | None = None,
    **context,
) -> OutboxMessage:
    """Render `template`.txt and .html in the recipient's language and add them to the outbox.

    `recipient` is a User (its e-mail address and language are used; `to` overrides the address, e.g.
    for a new address being confirmed). `subject` is a lazy string, translated here. The message is
    only added to the session: it is stored by the caller's commit, so mail for an action that failed
    is never sent, and it is delivered later by `send_queued`. `attachments` are (filename,
    content type, bytes) triples, sent as files with the message.

    `unsubscribe` is the topic of optional mail ("digest" or a NotificationTopic value): the message
    then carries List-Unsubscribe (a signed https link and a mailto) and List-Unsubscribe-Post
    (one-click, RFC 8058), the templates get `unsubscribe_url` and `email_settings_url` for their
    footer, and it is not sent (SKIPPED) while the member's address is marked undeliverable. Account
    security mail (confirmation, password reset, e-mail change) never passes it. `reply_to` sets the
    Reply-To header (otherwise MAIL_REPLY_TO, when configured, is used at delivery).
    """
    locale = recipient.locale
    headers: dict[str, str] = {}
    if unsubscribe is not None:
        token = make_unsubscribe_token(recipient, unsubscribe)
        unsubscribe_url = external_url("digests.unsubscribe", token=token)
        headers.update(unsubscribe_headers(unsubscribe_url, token))
        context.setdefault("unsubscribe_url", unsubscribe_url)
        context.setdefault("email_settings_url", external_url("notifications.edit_preferences"))
    if reply_to:
        headers["Reply-To"] = reply_to
    with force_locale(locale):
        subject_text = str(subject)
        context = {"recipient": recipient, "subject": subject_text, **context}
        text_body = render_template(f"{template}.txt", **context)
        html_body = render_template(f"{template}.html", **context)
    address = to or recipient.email
    # Optional mail to an address that keeps bouncing is kept, marked, and never sent.
    undeliverable = unsubscribe is not None and recipient.email_undeliverable_at is not None
    undeliverable = undeliverable and is_members_address(recipient, address)
    message = OutboxMessage(
        recipient=address,
        user_id=recipient.id,
        message_id=make_msgid(domain=site_domain()),
        headers=headers,
        status=OutboxStatus.SKIPPED if undeliverable else OutboxStatus.PENDING,
        last_error=UNDELIVERABLE if undeliverable else None,
        subject=subject_text,
        text_body=text_body,
        html_body=html_body,
        template=template,
        locale=locale,
        attachments=[
            OutboxAttachment(filename=filename, content_type=content_type, data=data)
            for filename, content_type, data in attachments or ()
        ],
    )
    db.session.add(message)
    db.session.flush()
    if has_request_context():
        g.mail_queued = True  # lets development deliver it right after the response
    return message
