"""Addresses that refuse mail for good: bounces are counted, and after MAIL_MAX_BOUNCES optional mail stops."""

from datetime import datetime

from flask import current_app

from community.accounts.models import User

UNDELIVERABLE = "The address is marked undeliverable after repeated bounces."


def is_members_address(user: User | None, address: str) -> bool:
    """Whether `address` is the member's current address (mail to a new address being confirmed is not)."""
    return user is not None and user.email.lower() == address.lower()


def record_bounce(user: User, now: datetime) -> bool:
    """Count a permanent refusal of the member's address; return True when it is now marked undeliverable.

    Only changes the object: the caller commits.
    """
    user.email_bounce_count = (user.email_bounce_count or 0) + 1
    if user.email_undeliverable_at is None and user.email_bounce_count >= current_app.config["MAIL_MAX_BOUNCES"]:
        user.email_undeliverable_at = now
        current_app.logger.warning("Mail to %s bounced %d times: marked undeliverable", user.email,
                                   user.email_bounce_count)  # fmt: skip
        return True
    return False


def record_delivery(user: User) -> None:
    """The address took a message: earlier bounces no longer count towards the limit (the mark stays)."""
    if user.email_bounce_count:
        user.email_bounce_count = 0


def clear_bounces(user: User) -> None:
    """Forget the address's bounces and its undeliverable mark (it was just confirmed or changed).

    Only changes the object: the caller commits.
    """
    user.email_bounce_count = 0
    user.email_undeliverable_at = None
