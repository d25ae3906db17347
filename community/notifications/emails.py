"""Notification e-mails: what a member chose to get "also by e-mail", sent promptly, batched per thread.

`send_notification_emails` runs every minute (`flask notifications send-emails`). It takes the recent
notifications it has not dealt with yet, a batch of members at a time, and groups each member's by where
they happened: a thread, a conversation (the area that owns a target type says, see register_email_source).
A group is e-mailed when the member's last e-mail about it is older than NOTIFICATION_EMAIL_INTERVAL_MINUTES:
the first reply in a quiet thread goes out within a minute, and a busy thread sends at most one e-mail an
hour, listing what happened meanwhile ("3 new replies in “…”").

Never e-mailed (marked done): anything for a member who is deleted, suspended, not yet confirmed or whose
address is marked undeliverable; what the member read on the site first; what is hidden or deleted, or by
a member blocked either way; kinds the member wants on the site only. What awaits review waits, and goes
out once a moderator publishes it, while it is still recent (LOOKBACK).

Event notifications and moderators' decisions are e-mailed at once by their own areas, not here.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.extensions import db
from community.mail import external_url, queue_email
from community.markdown import plain_excerpt
from community.notifications.models import (
    TOPIC_OF_KIND,
    Notification,
    NotificationEmail,
    NotificationKind,
    NotificationTopic,
)
from community.notifications.services import members_wanting_email, target_endpoint
from community.types import utcnow

# The kinds this job e-mails; the others are e-mailed by their own areas when they happen.
EMAILED_KINDS = (NotificationKind.NEW_REPLY, NotificationKind.NEW_THREAD, NotificationKind.MENTION,
                 NotificationKind.NEW_MESSAGE)  # fmt: skip
# Older notifications are never e-mailed (e.g. after the job was stopped for a while): the site has them.
LOOKBACK = timedelta(days=2)
MEMBERS_PER_BATCH = 200
ENTRIES_SHOWN = 10  # an e-mail lists at most this many posts or messages, then "and N more"
EXCERPT_LENGTH = 200
TITLE_IN_SUBJECT = 100
# The order in which an e-mail's unsubscribe topic is chosen when its items are evenly split.
TOPIC_PRIORITY = (NotificationTopic.MESSAGES, NotificationTopic.MENTIONS, NotificationTopic.REPLIES,
                  NotificationTopic.NEW_THREADS)  # fmt: skip


@dataclass
class EmailItem:
    """What a notification's target is, for its e-mail; an area's loader returns one per target id."""

    group_key: str  # e.g. "thread:42": the notifications of one group go in one e-mail
    place: str  # "thread" or "conversation": how the e-mail names the group
    title: str  # the thread's title or the conversation's subject, as written
    author: User | None  # who wrote it (nothing by a member blocked either way is e-mailed)
    excerpt: str = ""  # plain text, at most EXCERPT_LENGTH characters
    is_gone: bool = False  # hidden, deleted: never e-mailed
    is_held: bool = False  # awaiting review: waits


EmailSource = Callable[[list[int]], dict[int, EmailItem]]
BlockLookup = Callable[[set[int], set[int]], set[tuple[int, int]]]

_SOURCES: dict[str, EmailSource] = {}
_BLOCK_LOOKUPS: list[BlockLookup] = []


def register_email_source(target_type: str, loader: EmailSource) -> None:
    """Let notifications about `target_type` be e-mailed: `loader(target_ids)` describes them in one query."""
    _SOURCES[target_type] = loader


def register_block_lookup(lookup: BlockLookup) -> None:
    """`lookup(members, authors)` returns the (blocker, blocked) pairs between the two sets, in one query."""
    _BLOCK_LOOKUPS.append(lookup)


def excerpt(html: str) -> str:
    """The start of a rendered text (body_html) as an e-mail quotes it."""
    return plain_excerpt(html, EXCERPT_LENGTH)


@dataclass
class Entry:
    author: object  # a name (a lazy string for a former member)
    excerpt: str
    url: str | None
    kind: str


@dataclass
class _Group:
    user: User
    key: str
    item: EmailItem
    notifications: list[Notification] = field(default_factory=list)
    items: list[EmailItem] = field(default_factory=list)


def send_notification_emails(now: datetime | None = None, batch_size: int = MEMBERS_PER_BATCH) -> int:
    """Queue the notification e-mails that are due; return how many were queued.

    Safe to run at any time and in parallel: each notification is marked when dealt with, in the same
    commit as its e-mail (on PostgreSQL the rows are locked while a run works on them, SKIP LOCKED).
    A constant number of queries per batch of members, plus one INSERT per e-mail.
    """
    now = now or utcnow()
    interval = timedelta(minutes=current_app.config["NOTIFICATION_EMAIL_INTERVAL_MINUTES"])
    since = now - max(LOOKBACK, 2 * interval)
    # Only the last e-mail within the interval matters: older records are of no use.
    db.session.execute(delete(NotificationEmail).where(NotificationEmail.sent_at <= now - interval))
    db.session.commit()
    pending = (
        Notification.emailed_at.is_(None),
        Notification.created_at >= since,
        Notification.kind.in_(EMAILED_KINDS),
    )
    queued = 0
    after = 0
    while True:
        member_ids = list(
            db.session.scalars(
                select(Notification.user_id)
                .where(*pending, Notification.user_id > after)
                .group_by(Notification.user_id)
                .order_by(Notification.user_id)
                .limit(batch_size)
            )
        )
        if not member_ids:
            break
        after = member_ids[-1]
        rows = db.session.execute(
            select(Notification, User)
            .join(User, User.id == Notification.user_id)
            .where(*pending, Notification.user_id.in_(member_ids))
            .order_by(Notification.user_id, Notification.id)
            .with_for_update(skip_locked=True, of=Notification)
        ).all()
        try:
            queued += _email_batch(rows, now, interval)
            db.session.commit()
        except IntegrityError:
            # Another run e-mailed one of these groups at the same moment: its e-mail stands, this one
            # is dropped, and what it would have marked is dealt with by the next run.
            db.session.rollback()
            current_app.logger.warning("Notification e-mails: a parallel run took batch after member %s", after)
    return queued


def _email_batch(rows: list[tuple[Notification, User]], now: datetime, interval: timedelta) -> int:
    done: list[int] = []
    candidates: list[tuple[Notification, User]] = []
    for notification, user in rows:
        if notification.read_at is not None or not user.is_active or user.email_undeliverable_at is not None:
            done.append(notification.id)
        else:
            candidates.append((notification, user))
    wanted = _wanted(candidates)
    items = _describe(candidates)
    blocked = _blocked_pairs(candidates, items)
    groups: dict[tuple[int, str], _Group] = {}
    for notification, user in candidates:
        item = items.get(notification.id)
        if (
            (user.id, notification.kind) not in wanted
            or item is None
            or item.is_gone
            or (item.author is not None and (user.id, item.author.id) in blocked)
        ):
            done.append(notification.id)
            continue
        if item.is_held:
            continue
        group = groups.setdefault((user.id, item.group_key), _Group(user, item.group_key, item))
        group.notifications.append(notification)
        group.items.append(item)
    last_sent = _last_sent(groups)
    queued = 0
    for (user_id, key), group in groups.items():
        record = last_sent.get((user_id, key))
        if record is not None and now - record.sent_at < interval:
            continue  # waits for the next e-mail about this thread
        _queue(group)
        queued += 1
        done.extend(notification.id for notification in group.notifications)
        if record is None:
            db.session.add(NotificationEmail(user_id=user_id, group_key=key, sent_at=now))
        else:
            record.sent_at = now
    for start in range(0, len(done), 500):
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(done[start : start + 500]))
            .values(emailed_at=now)
            .execution_options(synchronize_session=False)
        )
    return queued


def _wanted(candidates: list[tuple[Notification, User]]) -> set[tuple[int, NotificationKind]]:
    """(member id, kind) pairs the members want by e-mail: one query per kind present."""
    by_kind: dict[NotificationKind, set[int]] = defaultdict(set)
    for notification, user in candidates:
        by_kind[notification.kind].add(user.id)
    return {(user_id, kind) for kind, ids in by_kind.items() for user_id in members_wanting_email(ids, kind)}


def _describe(candidates: list[tuple[Notification, User]]) -> dict[int, EmailItem]:
    """notification id → its target's description: one query per target type present."""
    by_type: dict[str, set[int]] = defaultdict(set)
    for notification, _user in candidates:
        if notification.target_type in _SOURCES:
            by_type[notification.target_type].add(notification.target_id)
    described = {target_type: _SOURCES[target_type](sorted(ids)) for target_type, ids in by_type.items()}
    return {
        notification.id: described[notification.target_type].get(notification.target_id)
        for notification, _user in candidates
        if notification.target_type in described
    }


def _blocked_pairs(candidates, items: dict[int, EmailItem]) -> set[tuple[int, int]]:
    """(member, author) pairs with a block either way: one query per registered lookup."""
    members = {user.id for _notification, user in candidates}
    authors = {item.author.id for item in items.values() if item is not None and item.author is not None}
    if not members or not authors:
        return set()
    pairs: set[tuple[int, int]] = set()
    for lookup in _BLOCK_LOOKUPS:
        for blocker, blocked in lookup(members, authors):
            pairs.update({(blocker, blocked), (blocked, blocker)})
    return pairs


def _last_sent(groups: dict[tuple[int, str], _Group]) -> dict[tuple[int, str], NotificationEmail]:
    if not groups:
        return {}
    user_ids = {user_id for user_id, _key in groups}
    keys = {key for _user_id, key in groups}
    records = db.session.scalars(
        select(NotificationEmail).where(NotificationEmail.user_id.in_(user_ids), NotificationEmail.group_key.in_(keys))
    )
    return {(record.user_id, record.group_key): record for record in records}


def _link(notification: Notification) -> str | None:
    target = target_endpoint(notification)
    return external_url(target[0], **target[1]) if target else None


def _shorten(title: str) -> str:
    return title if len(title) <= TITLE_IN_SUBJECT else title[: TITLE_IN_SUBJECT - 1].rstrip() + "…"


def _summary(group: _Group):
    """The e-mail's subject and first line (a lazy string, translated in the member's language)."""
    kinds = Counter(notification.kind for notification in group.notifications)
    count = len(group.notifications)
    title = _shorten(group.item.title)
    first_author = group.items[0].author.name if group.items[0].author is not None else ""
    if group.item.place == "conversation":
        if count == 1:
            return _l("New message from %(name)s: “%(subject)s”", name=first_author, subject=title)
        return lazy_ngettext("%(num)d new message in “%(subject)s”", "%(num)d new messages in “%(subject)s”",
                             count, subject=title)  # fmt: skip
    if kinds == {NotificationKind.MENTION: 1}:
        return _l("%(name)s mentioned you in “%(title)s”", name=first_author, title=title)
    if kinds == {NotificationKind.NEW_THREAD: 1}:
        return _l("New thread by %(name)s: “%(title)s”", name=first_author, title=title)
    if set(kinds) == {NotificationKind.NEW_REPLY}:
        return lazy_ngettext("%(num)d new reply in “%(title)s”", "%(num)d new replies in “%(title)s”", count,
                             title=title)  # fmt: skip
    return lazy_ngettext("%(num)d new post in “%(title)s”", "%(num)d new posts in “%(title)s”", count, title=title)


def _topic(group: _Group) -> NotificationTopic:
    """The unsubscribe topic: the one most of the e-mail's items belong to (ties: the most personal)."""
    counts = Counter(TOPIC_OF_KIND[notification.kind] for notification in group.notifications)
    return max(TOPIC_PRIORITY, key=lambda topic: (counts[topic], -TOPIC_PRIORITY.index(topic)))


def _queue(group: _Group) -> None:
    # Made a plain string in the member's language here: a lazy string counts as safe HTML for Jinja, and
    # this one holds a title members wrote, which the template must escape.
    with force_locale(group.user.locale):
        summary = str(_summary(group))
    entries = [
        Entry(
            author=item.author.name if item.author is not None else "",
            excerpt=item.excerpt,
            url=_link(notification),
            kind=notification.kind.value,
        )
        for notification, item in zip(group.notifications, group.items, strict=True)
    ]
    shown = entries[-ENTRIES_SHOWN:]
    queue_email(
        group.user,
        summary,
        "notifications/email/activity",
        unsubscribe=_topic(group).value,
        summary=summary,
        place=group.item.place,
        title=group.item.title,
        entries=shown,
        more=len(entries) - len(shown),
        open_url=entries[0].url,
    )


def pending_count(now: datetime | None = None) -> int:
    """How many recent notifications the job has not dealt with yet (for the command's report)."""
    now = now or utcnow()
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.emailed_at.is_(None),
            Notification.created_at >= now - LOOKBACK,
            Notification.kind.in_(EMAILED_KINDS),
        )
    )
