"""Mail: every e-mail is rendered in its recipient's language, stored in the outbox, then sent over SMTP."""

from community.mail.services import external_url, queue_email

__all__ = ["external_url", "queue_email"]
