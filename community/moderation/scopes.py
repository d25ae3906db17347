"""Country coordinators: moderators limited to some countries or forum categories.

A moderator without scope rows acts everywhere; a coordinator (a moderator with rows) acts only on items
whose country (the author's; for events the event's, else the organizer's) is one of their countries or
whose forum category is one of their categories. Admins act everywhere.
"""

from flask import g, has_request_context
from sqlalchemy import ColumnElement, Select, exists, false, or_, select

from community.accounts.models import Role, User
from community.extensions import db
from community.moderation.models import ModerationCase, ModeratorScope


def _scopes_of(moderator: User) -> tuple[frozenset[str], frozenset[int]]:
    """The moderator's countries and categories (both empty: everywhere).

    Read once per request (a thread page asks for every post); outside a request, read each time, so a
    service called from a test or the CLI always sees the rows as they are now.
    """
    cache = g.setdefault("moderator_scopes", {}) if has_request_context() else {}
    if moderator.id not in cache:
        rows = db.session.execute(
            select(ModeratorScope.country, ModeratorScope.category_id).where(ModeratorScope.user_id == moderator.id)
        ).all()
        cache[moderator.id] = (
            frozenset(country for country, _category in rows if country),
            frozenset(category for _country, category in rows if category is not None),
        )
    return cache[moderator.id]


def can_moderate(moderator: User, *, country: str | None, category_id: int | None) -> bool:
    """Whether the moderator's scopes cover an item of this country or category.

    Roles are checked by the caller (this says nothing about who is a moderator), except that admins
    are never limited.
    """
    if moderator is None or not getattr(moderator, "is_authenticated", False):
        return False
    if moderator.is_admin:
        return True
    countries, categories = _scopes_of(moderator)
    if not countries and not categories:
        return True
    return (country is not None and country in countries) or (category_id is not None and category_id in categories)


def is_coordinator(moderator: User) -> bool:
    """Whether the moderator is limited to some countries or categories."""
    return not moderator.is_admin and any(_scopes_of(moderator))


def case_in_scope(user_id: int) -> ColumnElement[bool]:
    """A condition on ModerationCase: the case lies within the scopes of the moderator `user_id`.

    Written in SQL from the id alone, so the navigation's badge can count in its one statement.
    """
    scopes = select(ModeratorScope.id).where(ModeratorScope.user_id == user_id)
    is_admin = exists().where(User.id == user_id, User.role == Role.ADMIN)
    return or_(
        is_admin,
        ~scopes.exists(),
        ModerationCase.country.in_(
            select(ModeratorScope.country).where(ModeratorScope.user_id == user_id, ModeratorScope.country.is_not(None))
        ),
        ModerationCase.category_id.in_(
            select(ModeratorScope.category_id).where(
                ModeratorScope.user_id == user_id, ModeratorScope.category_id.is_not(None)
            )
        ),
    )


def is_moderator_id(user_id: int) -> ColumnElement[bool]:
    """A condition true when `user_id` is a moderator or an admin (for queries that know only the id)."""
    # Two comparisons rather than IN: an IN list is written out again each time the statement runs, and the
    # navigation's numbers (on every member's page) ask this.
    return exists().where(User.id == user_id, or_(User.role == Role.MODERATOR, User.role == Role.ADMIN))


def narrow_to_scopes(query: Select, moderator: User) -> Select:
    """Keep only the ModerationCase rows of `query` that the moderator may act on (nothing for members)."""
    if moderator is None or not getattr(moderator, "is_authenticated", False) or not moderator.is_moderator:
        return query.where(false())
    if moderator.is_admin:
        return query
    return query.where(case_in_scope(moderator.id))
