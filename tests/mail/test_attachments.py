"""Attachments: a file queued with an e-mail is stored with it and delivered as a MIME attachment."""

import pytest
from flask_babel import lazy_gettext as _l

from community.extensions import db
from community.mail import queue_email
from community.mail.sender import send_queued
from tests.factories import make_user

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Reunión\r\nEND:VCALENDAR\r\n".encode()


def queue_with_file(user):
    message = queue_email(
        user,
        _l("Confirm your e-mail address for %(site)s", site="Conecta TT"),
        "accounts/email/confirm",
        confirm_url="http://localhost/confirm/abc",
        attachments=[("reunión.ics", "text/calendar", ICS)],
    )
    db.session.commit()
    return message


def test_an_attachment_is_stored_with_its_message(app):
    message = queue_with_file(make_user())

    [attachment] = message.attachments
    assert (attachment.filename, attachment.content_type, attachment.data) == ("reunión.ics", "text/calendar", ICS)


def test_messages_without_attachments_have_none(app):
    message = queue_email(make_user(), _l("Hello"), "accounts/email/confirm", confirm_url="http://localhost/x")
    assert message.attachments == []


@pytest.mark.smtp
def test_the_attachment_is_delivered_intact_beside_the_text_and_html(app, smtp_server):
    user = make_user(email="ana@example.org", locale="en")
    queue_with_file(user)

    assert send_queued() == (1, 0)

    [received] = smtp_server.messages
    assert received.get_body(preferencelist=("plain",)).get_content().startswith("Hello")
    assert received.get_body(preferencelist=("html",)) is not None
    [attachment] = list(received.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "reunión.ics"
    assert attachment.get_payload(decode=True) == ICS
