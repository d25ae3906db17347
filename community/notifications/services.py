from collections.abc import Callable, Iterable
from functools import cache

from flask import g, has_request_context
from sqlalchemy import Integer, Select, bindparam, func, insert, inspect, select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from community.accounts.models import User
from community.errors import PermissionDenied
from community.extensions import db
from community.notifications.models import (
    TOPIC_OF_KIND,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationTopic,
)
from community.paging import paginate
from community.rows import read_rows
from community.types import utcnow

MAX_TEXT = 200

# target_type -> (endpoint, name of its id argument); areas register theirs with register_target().
_TARGETS: dict[str, tuple[str, str]] = {}


def register_target(target_type: str, endpoint: str, id_argument: str) -> None:
    """Tell the notifications list how to link to a target type (e.g. "forum_post" → forum.show_post)."""
    _TARGETS[target_type] = (endpoint, id_argument)


def target_endpoint(notification: Notification) -> tuple[str, dict] | None:
    """(endpoint, url arguments) of what the notification leads to, or None for an unknown type."""
    if notification.target_type not in _TARGETS:
        return None
    endpoint, argument = _TARGETS[notification.target_type]
    return endpoint, {argument: notification.target_id}


def notify(
    users: Iterable[User | int],
    kind: NotificationKind,
    *,
    target_type: str,
    target_id: int,
    text: str = "",
    actor: User | None = None,
) -> int:
    """Notify every member in `users` (objects or ids) with one INSERT; return how many were notified.

    The actor is never notified of their own action. Only flushes: the caller commits.
    """
    actor_id = actor.id if actor is not None else None
    recipients = {user if isinstance(user, int) else user.id for user in users} - {actor_id}
    if not recipients:
        return 0
    now = utcnow()
    rows = [
        {
            "user_id": user_id,
            "kind": kind,
            "actor_id": actor_id,
            "target_type": target_type,
            "target_id": target_id,
            "text": (text or "")[:MAX_TEXT],
            "created_at": now,
        }
        for user_id in sorted(recipients)
    ]
    db.session.execute(insert(Notification), rows)
    if has_request_context():
        g.notified = True  # lets development e-mail them right after the response (community/__init__.py)
    return len(rows)


def _unread_query(user_id: int) -> Select:
    return select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))


def count_unread(user: User) -> int:
    """The number on the bell: one indexed COUNT."""
    return db.session.scalar(_unread_query(user.id)) or 0


# The numbers beside the navigation's links (the bell; messages add theirs): every page shows them, so they
# are read together, in one statement of indexed scalar subqueries.
_BADGES: dict[str, Callable[[int], Select]] = {"notifications": _unread_query}


_BADGES_STATEMENT: dict[tuple[str, ...], Select] = {}


@cache
def _member_columns() -> tuple[tuple[str, ...], list]:
    """The member's attributes and their columns, as `load_member_with_badges` reads them (on first use:
    the mappers are complete only once every model is imported)."""
    properties = inspect(User).column_attrs
    return tuple(prop.key for prop in properties), [prop.columns[0] for prop in properties]


def register_badge(name: str, count_query: Callable[[int], Select]) -> None:
    """Add a number to the navigation: `count_query(user_id)` selects it (one row, one column).

    `user_id` may be a bound parameter rather than a number: the statement is built once for everybody.
    """
    _BADGES[name] = count_query
    _BADGES_STATEMENT.clear()


def _badges_statement(with_member: bool = False) -> Select:
    # Built once, with the member's id as a parameter: building the moderation scopes' subqueries on every
    # page cost more than running the statement.
    names = (*_BADGES, with_member)
    if names not in _BADGES_STATEMENT:
        member = bindparam("badge_user_id", type_=Integer)
        columns = [count_query(member).scalar_subquery().label(name) for name, count_query in _BADGES.items()]
        statement = select(*columns)
        if with_member:
            statement = select(*_member_columns()[1], *columns).where(User.id == member)  # columns first
        _BADGES_STATEMENT[names] = statement
    return _BADGES_STATEMENT[names]


def _numbers(row) -> dict[str, int]:
    return {name: row._mapping[name] or 0 for name in _BADGES}


def count_badges(user: User) -> dict[str, int]:
    """Every navigation number of the member, in one statement."""
    return _numbers(db.session.execute(_badges_statement(), {"badge_user_id": user.id}).one())


def load_member_with_badges(user_id: int) -> tuple[User, dict[str, int]] | None:
    """The member and their navigation numbers, in one statement: every page a member opens shows both.

    The member is read as columns and made an object of the request's session, persistent and unchanged,
    as the ORM would load it: the ORM's loading took a tenth of a dashboard, twice the statement's own
    time. As with the ORM, a member the session already holds (a command, a test) stays the same object,
    and only what had expired of them is filled in from the row.
    """
    keys = _member_columns()[0]
    row = read_rows(_badges_statement(with_member=True), {"badge_user_id": user_id}).first()
    if row is None:
        return None
    session = db.session
    member = session.identity_map.get(identity_key(User, user_id))
    if member is None:
        member = inspect(User).class_manager.new_instance()  # as the ORM makes what it loads: no __init__
        member.__dict__.update(zip(keys, row, strict=False))  # the columns come first, in this order
        make_transient_to_detached(member)  # unchanged, with its identity: as if just loaded
        session.add(member)
    else:
        unloaded = inspect(member).unloaded
        for key, value in zip(keys, row, strict=False):
            if key in unloaded:
                set_committed_value(member, key, value)
    return member, _numbers(row)


def list_notifications(user: User, page: int, per_page: int = 25):
    """The member's notifications, newest first, with their actors (a constant number of queries)."""
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .options(db.joinedload(Notification.actor))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return paginate(query, page, per_page)


def get_notification(user: User, notification_id: int) -> Notification | None:
    """The member's own notification with this id; None for anyone else's, so ids reveal nothing."""
    return db.session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id)
    )


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the member read; return how many were."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return result.rowcount


def mark_targets_read(user: User, target_type: str, target_ids: Iterable[int] | Select) -> None:
    """Mark read the member's notifications about these targets (e.g. the posts now on their screen).

    `target_ids` may be a list of ids or a SELECT of them. Only flushes: the caller commits.
    """
    ids = target_ids if isinstance(target_ids, Select) else list(target_ids)
    if isinstance(ids, list) and not ids:
        return
    db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
            Notification.target_type == target_type,
            Notification.target_id.in_(ids),
        )
        .values(read_at=utcnow())
    )


# E-mail preferences


def get_email_preferences(user: User) -> dict[NotificationTopic, bool]:
    """For each topic, whether the member wants e-mail too (their choice, else the topic's default)."""
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.topic, NotificationPreference.by_email).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {topic: chosen.get(topic, topic.by_email_unless_chosen) for topic in NotificationTopic}


def set_email_preferences(user: User, choices: dict[NotificationTopic, bool]) -> None:
    """Save the member's choice for each topic given (the others keep theirs)."""
    if not user.is_authenticated:
        raise PermissionDenied
    saved = {
        preference.topic: preference
        for preference in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for topic, by_email in choices.items():
        if topic in saved:
            saved[topic].by_email = bool(by_email)
        else:
            db.session.add(NotificationPreference(user_id=user.id, topic=topic, by_email=bool(by_email)))
    db.session.commit()


def members_wanting_email(user_ids: Iterable[int], kind: NotificationKind) -> set[int]:
    """Those of `user_ids` who want notifications of this kind by e-mail too, in one query."""
    return members_wanting_topic(user_ids, TOPIC_OF_KIND[kind])


def members_wanting_topic(user_ids: Iterable[int], topic: NotificationTopic) -> set[int]:
    """Those of `user_ids` who want e-mail about this topic (their choice, else its default), in one query."""
    ids = set(user_ids)
    if not ids:
        return set()
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.user_id, NotificationPreference.by_email).where(
                NotificationPreference.topic == topic, NotificationPreference.user_id.in_(ids)
            )
        ).all()
    )
    return {user_id for user_id in ids if chosen.get(user_id, topic.by_email_unless_chosen)}
