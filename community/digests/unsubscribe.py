"""Unsubscribing from one kind of e-mail through the signed link every optional e-mail carries.

The link (and the List-Unsubscribe header) names a topic: "digest" or a NotificationTopic value. Stopping
a topic records the member's choice where the settings page keeps it: the digest's frequency becomes
NEVER, a notification topic's "also by e-mail" is turned off. The site's notifications are unchanged.
"""

from flask_babel import lazy_gettext as _l

from community.accounts.models import User
from community.digests.models import DigestFrequency
from community.digests.services import LESS_OFTEN, get_digest_frequency, send_less_often, set_digest_frequency
from community.extensions import db
from community.mail.unsubscribe import DIGEST
from community.notifications.models import NotificationTopic
from community.notifications.services import get_email_preferences, set_email_preferences

DIGEST_LABEL = _l("The e-mail digest")


def topic_label(topic: str):
    """What the member is unsubscribing from, as the settings page names it (a lazy string)."""
    return DIGEST_LABEL if topic == DIGEST else NotificationTopic(topic).label


def is_subscribed(user: User, topic: str) -> bool:
    """Whether the member still receives e-mail of this topic."""
    if topic == DIGEST:
        return get_digest_frequency(user) is not DigestFrequency.NEVER
    return get_email_preferences(user)[NotificationTopic(topic)]


def can_receive_less_often(user: User, topic: str) -> DigestFrequency | None:
    """For the digest when it can still come less often: the next, rarer frequency; None otherwise."""
    if topic != DIGEST:
        return None
    current = get_digest_frequency(user)
    rarer = LESS_OFTEN[current]
    return rarer if rarer is not current else None


def unsubscribe(user: User, topic: str) -> None:
    """Stop the e-mails of `topic` for the member (digest → never; a topic's e-mail → off); commit."""
    if topic == DIGEST:
        set_digest_frequency(user, DigestFrequency.NEVER)
        db.session.commit()
    else:
        set_email_preferences(user, {NotificationTopic(topic): False})  # commits


def receive_less_often(user: User) -> DigestFrequency:
    """Move the member's digest one step rarer (daily → weekly → monthly); commit; return the new one."""
    frequency = send_less_often(user)
    db.session.commit()
    return frequency
