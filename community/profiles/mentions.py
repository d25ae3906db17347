"""@handle mentions: the members a text names, and the links to their profiles.

The forum renders a post with a `Mentions` as its linker (see community.markdown.render_markdown);
afterwards `mentions.users` holds the members named, for the notifications.
"""

from flask import current_app
from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db


def profile_path(user_id: int) -> str:
    """The site-relative address of a member's profile, also outside a request (CLI, demo data)."""
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    return adapter.build("profiles.show_profile", {"user_id": user_id})


class Mentions:
    """Links the @handles of active members to their profiles, and remembers who they are."""

    def __init__(self) -> None:
        self.users: list[User] = []

    def __call__(self, handles: set[str]) -> dict[str, str]:
        self.users = list(
            db.session.scalars(
                select(User)
                .where(User.handle.in_(handles), User.deleted_at.is_(None), User.email_confirmed_at.is_not(None))
                .order_by(User.id)
            )
        )
        return {user.handle: profile_path(user.id) for user in self.users}

    def user_ids(self, leaving_out: set[str] = frozenset()) -> set[int]:
        """The ids of the members mentioned, but for those whose handle is in `leaving_out`."""
        return {user.id for user in self.users if user.handle not in leaving_out}
