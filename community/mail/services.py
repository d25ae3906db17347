from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, render_template
from flask_babel import force_locale

from community.extensions import db
from community.mail.models import OutboxAttachment, OutboxMessage


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
    **context,
) -> OutboxMessage:
    """Render `template`.txt and .html in the recipient's language and add them to the outbox.

    `recipient` is a User (its e-mail address and language are used; `to` overrides the address, e.g.
    for a new address being confirmed). `subject` is a lazy string, translated here. The message is
    only added to the session: it is stored by the caller's commit, so mail for an action that failed
    is never sent, and it is delivered later by `send_queued`. `attachments` are (filename,
    content type, bytes) triples, sent as files with the message.
    """
    locale = recipient.locale
    with force_locale(locale):
        subject_text = str(subject)
        context = {"recipient": recipient, "subject": subject_text, **context}
        text_body = render_template(f"{template}.txt", **context)
        html_body = render_template(f"{template}.html", **context)
    message = OutboxMessage(
        recipient=to or recipient.email,
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
