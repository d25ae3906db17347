"""Members' digest settings, and sending the digests that are due.

What a digest contains is chosen in `selection.py`; when it is due in `periods.py`.
"""

from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from babel import Locale
from flask import current_app
from flask_babel import LazyString, force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.digests.models import (
    DEFAULT_FREQUENCY,
    DEFAULT_HOUR,
    DEFAULT_WEEKDAY,
    Digest,
    DigestFrequency,
    DigestItem,
    DigestSettings,
)
from community.digests.periods import LONGEST_WINDOW, SENDING_FREQUENCIES, Period, due_period
from community.digests.selection import Catalog, DigestContent, Recipient, build_digests
from community.errors import PermissionDenied
from community.extensions import db
from community.i18n import current_language
from community.mail.services import queue_email
from community.types import utcnow

# Digests written (with their e-mails) per commit: a crash loses at most this many, which the next run
# builds again.
WRITE_GROUP = 50

LESS_OFTEN = {
    DigestFrequency.DAILY: DigestFrequency.WEEKLY,
    DigestFrequency.WEEKLY: DigestFrequency.MONTHLY,
    DigestFrequency.MONTHLY: DigestFrequency.MONTHLY,
    DigestFrequency.NEVER: DigestFrequency.NEVER,
}


def _defaults(user: User) -> DigestSettings:
    return DigestSettings(user_id=user.id, frequency=DEFAULT_FREQUENCY, weekday=DEFAULT_WEEKDAY, hour=DEFAULT_HOUR)


def _settings_row(user: User) -> DigestSettings | None:
    return db.session.scalar(select(DigestSettings).where(DigestSettings.user_id == user.id))


def get_digest_settings(user: User) -> DigestSettings:
    """The member's digest settings: their saved row, else an unsaved one with the defaults."""
    return _settings_row(user) or _defaults(user)


def get_digest_frequency(user: User) -> DigestFrequency:
    """How often the member gets the digest (weekly unless they chose otherwise)."""
    row = _settings_row(user)
    return row.frequency if row is not None else DEFAULT_FREQUENCY


def _editable_settings(user: User) -> DigestSettings:
    row = _settings_row(user)
    if row is None:
        row = _defaults(user)
        db.session.add(row)
    return row


def set_digest_frequency(user: User, frequency: DigestFrequency) -> None:
    """Change how often the member gets the digest. Only flushes: the caller commits."""
    _editable_settings(user).frequency = DigestFrequency(frequency)
    db.session.flush()


def send_less_often(user: User) -> DigestFrequency:
    """Move the member one step down (daily → weekly → monthly; monthly and never stay); return the new
    frequency. Only flushes: the caller commits."""
    frequency = LESS_OFTEN[get_digest_frequency(user)]
    set_digest_frequency(user, frequency)
    return frequency


def save_digest_settings(user: User, frequency: DigestFrequency, weekday: int, hour: int) -> DigestSettings:
    """Save the member's choice of frequency, day of the week (0 = Monday) and hour (their own time).

    Raises PermissionDenied for a visitor and ValueError for a day or an hour out of range.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    if not 0 <= weekday <= 6 or not 0 <= hour <= 23:
        raise ValueError("weekday must be 0-6 and hour 0-23")
    row = _editable_settings(user)
    row.frequency, row.weekday, row.hour = DigestFrequency(frequency), weekday, hour
    db.session.commit()
    return row


# Sending


@dataclass
class PlannedDigest:
    """A digest a dry run would send."""

    email: str
    locale: str
    period_key: str
    subject: str
    item_count: int


@dataclass
class SendReport:
    due: int = 0  # members whose digest was due in this run
    sent: int = 0  # digests queued (or, in a dry run, that would be)
    empty: int = 0  # due, but nothing to tell: recorded, nothing sent
    skipped: int = 0  # already written by another run at the same time
    planned: list[PlannedDigest] = field(default_factory=list)


@cache
def _list_patterns(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).list_patterns["standard"])


def join_list(parts: list[str], language: str) -> str:
    """"a, b and c" in `language` (what babel.lists.format_list does, with the patterns looked up once)."""
    if len(parts) < 2:
        return "".join(parts)
    patterns = _list_patterns(language)
    if len(parts) == 2:
        return patterns["2"].format(*parts)
    joined = patterns["start"].format(parts[0], parts[1])
    for part in parts[2:-1]:
        joined = patterns["middle"].format(joined, part)
    return patterns["end"].format(joined, parts[-1])


class DigestSubject:
    """The subject, made in the recipient's language when the outbox renders it (`str()`)."""

    def __init__(self, content: DigestContent):
        self.content = content

    def summary(self) -> str:
        """The counts, as a list in the current language: "5 new threads, 2 events and 1 new member"."""
        content = self.content
        parts = []
        if content.reply_total:
            # i18n: this and the next ones are the parts of a list ("1 new thread, 2 events and 1 new member").
            parts.append(ngettext("%(num)d new reply in your threads", "%(num)d new replies in your threads",
                                  content.reply_total))  # fmt: skip
        if content.new_thread_count:
            parts.append(ngettext("%(num)d new thread", "%(num)d new threads", content.new_thread_count))
        if content.active_thread_count:
            parts.append(ngettext("%(num)d active thread", "%(num)d active threads", content.active_thread_count))
        if content.event_count:
            parts.append(ngettext("%(num)d event", "%(num)d events", content.event_count))
        if content.opportunity_count:
            parts.append(ngettext("%(num)d new opportunity", "%(num)d new opportunities", content.opportunity_count))
        if content.member_count:
            parts.append(ngettext("%(num)d new member", "%(num)d new members", content.member_count))
        if content.unread_messages:
            parts.append(ngettext("%(num)d unread message", "%(num)d unread messages", content.unread_messages))
        return join_list(parts, current_language())

    def __str__(self) -> str:
        site = current_app.config["SITE_NAME"]
        summary = self.summary()
        frequency = self.content.recipient.frequency
        if frequency is DigestFrequency.DAILY:
            # i18n: the subject; %(summary)s is a list such as "1 new thread, 2 events and 1 new member".
            return _("Your daily %(site)s digest: %(summary)s", site=site, summary=summary)
        if frequency is DigestFrequency.MONTHLY:
            # i18n: the subject; %(summary)s is a list such as "1 new thread, 2 events and 1 new member".
            return _("Your monthly %(site)s digest: %(summary)s", site=site, summary=summary)
        # i18n: the subject; %(summary)s is a list such as "1 new thread, 2 events and 1 new member".
        return _("Your weekly %(site)s digest: %(summary)s", site=site, summary=summary)


def _eligible(frequencies: list[DigestFrequency], now: datetime):
    """Members who may get a digest of these frequencies: active accounts that visited recently enough."""
    inactive_since = now - timedelta(days=current_app.config["DIGEST_INACTIVE_DAYS"])
    chosen = DigestSettings.frequency.in_(frequencies)
    if DEFAULT_FREQUENCY in frequencies:
        chosen = or_(chosen, DigestSettings.user_id.is_(None))
    return and_(
        User.email_confirmed_at.is_not(None),
        User.is_approved.is_(True),
        User.deleted_at.is_(None),
        or_(User.suspended_until.is_(None), User.suspended_until <= now),
        or_(User.last_seen_at >= inactive_since, and_(User.last_seen_at.is_(None), User.created_at >= inactive_since)),
        chosen,
    )


def _members_after(last_id: int, condition, size: int):
    return db.session.execute(
        select(User, DigestSettings.frequency, DigestSettings.weekday, DigestSettings.hour)
        .outerjoin(DigestSettings, DigestSettings.user_id == User.id)
        .where(condition, User.id > last_id)
        .order_by(User.id)
        .limit(size)
    ).all()


def _due_recipients(rows, now: datetime) -> list[tuple[Recipient, Period]]:
    """Those of the batch whose moment has come in this period and who have no digest for it yet."""
    due: list[tuple[User, Period]] = []
    for user, frequency, weekday, hour in rows:
        frequency = frequency or DEFAULT_FREQUENCY
        weekday = DEFAULT_WEEKDAY if weekday is None else weekday
        hour = DEFAULT_HOUR if hour is None else hour
        period = due_period(frequency, weekday, hour, user.timezone, now)
        if period is not None:
            due.append((user, period))
    if not due:
        return []
    # The previous digests of these members, as far back as a digest ever looks.
    earliest = now - max(LONGEST_WINDOW.values())
    written: dict[int, set[str]] = defaultdict(set)
    latest: dict[int, datetime] = {}
    rows = db.session.execute(
        select(Digest.user_id, Digest.period_key, Digest.created_at).where(
            Digest.user_id.in_([user.id for user, _ in due]), Digest.created_at >= earliest
        )
    )
    for user_id, period_key, created_at in rows:
        written[user_id].add(period_key)
        latest[user_id] = max(latest.get(user_id, created_at), created_at)
    recipients = []
    for user, period in due:
        if period.key in written[user.id]:
            continue
        since = latest.get(user.id, period.starts_at)
        since = max(since, now - LONGEST_WINDOW[period.frequency])
        recipients.append((Recipient(user, period.frequency, since, now), period))
    return recipients


@contextmanager
def _objects_kept_after_commit():
    """Keep the batch's members loaded across the commits of its small groups, instead of reloading each."""
    session = db.session()
    previous = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = previous


def _write(content: DigestContent, period: Period, now: datetime) -> list[dict]:
    """Add the digest's row and (unless empty) its e-mail to the session; return the rows of its items."""
    recipient = content.recipient
    digest = Digest(
        user_id=recipient.user.id,
        period_key=period.key,
        frequency=period.frequency,
        since=recipient.since,
        created_at=now,
        item_count=content.item_count,
    )
    db.session.add(digest)
    if not content.is_empty:
        message = queue_email(
            recipient.user,
            DigestSubject(content),
            "digests/email/digest",
            unsubscribe="digest",
            digest=content,
            summary=LazyString(lambda: DigestSubject(content).summary()),
        )
        digest.outbox_message_id = message.id
    db.session.flush()
    return [
        {"digest_id": digest.id, "kind": kind, "item_id": item_id, "number": number}
        for kind, item_id, number in content.sent_items()
    ]


def _commit(group: list[tuple[DigestContent, Period]], now: datetime) -> None:
    items = [item for content, period in group for item in _write(content, period, now)]
    if items:
        db.session.execute(insert(DigestItem), items)
    db.session.commit()


def _store(group: list[tuple[DigestContent, Period]], now: datetime, report: SendReport) -> None:
    """Write a small group of digests with their e-mails in one commit.

    If another run wrote one of them meanwhile, the group is undone and written member by member,
    leaving out what the other run wrote: nobody gets two digests for a period.
    """
    try:
        _commit(group, now)
    except IntegrityError:
        db.session.rollback()
    else:
        for content, _period in group:
            report.sent += not content.is_empty
            report.empty += content.is_empty
        return
    for content, period in group:
        try:
            _commit([(content, period)], now)
        except IntegrityError:
            db.session.rollback()
            report.skipped += 1
        else:
            report.sent += not content.is_empty
            report.empty += content.is_empty


def send_due_digests(
    frequency: DigestFrequency | str | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
    progress: Callable[[int], ContextManager] | None = None,
) -> SendReport:
    """Build and queue every digest that is due (of one frequency, or of all when None).

    Members are read in batches of DIGEST_BATCH_SIZE; each batch costs a constant number of statements
    to build. Each digest is written with its e-mail in the same commit (in groups of WRITE_GROUP), and
    a unique (member, period) row makes a second run, or a run after a crash, send nothing twice. An
    empty digest is recorded but not sent. `dry_run` builds everything and writes nothing: the report's
    `planned` lists what would be sent. `progress(total)` is a context manager with `update(n)` (a click
    progress bar fits).
    """
    now = now or utcnow()
    frequencies = [DigestFrequency(frequency)] if frequency else list(SENDING_FREQUENCIES)
    frequencies = [chosen for chosen in frequencies if chosen in SENDING_FREQUENCIES]
    report = SendReport()
    if not frequencies:
        return report
    condition = _eligible(frequencies, now)
    total = db.session.scalar(
        select(func.count(User.id)).outerjoin(DigestSettings, DigestSettings.user_id == User.id).where(condition)
    )
    size = current_app.config["DIGEST_BATCH_SIZE"]
    catalog = Catalog()
    last_id = 0
    with (progress or _no_progress)(total or 0) as bar, _objects_kept_after_commit():
        while rows := _members_after(last_id, condition, size):
            last_id = rows[-1][0].id
            due = _due_recipients(rows, now)
            report.due += len(due)
            contents = build_digests([recipient for recipient, _ in due], now, catalog)
            built = list(zip(contents, (period for _, period in due), strict=True))
            if dry_run:
                _plan(built, report)
            else:
                for start in range(0, len(built), WRITE_GROUP):
                    _store(built[start : start + WRITE_GROUP], now, report)
            bar.update(len(rows))
    if dry_run:
        db.session.rollback()
    return report


def _plan(built: list[tuple[DigestContent, Period]], report: SendReport) -> None:
    report.empty += sum(content.is_empty for content, _period in built)
    to_send = [(content, period) for content, period in built if not content.is_empty]
    report.sent += len(to_send)
    # One switch of language per language, not per member.
    for locale in sorted({content.recipient.user.locale for content, _period in to_send}):
        with force_locale(locale):
            for content, period in to_send:
                user = content.recipient.user
                if user.locale == locale:
                    subject = str(DigestSubject(content))
                    report.planned.append(PlannedDigest(user.email, locale, period.key, subject, content.item_count))


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        return False

    def update(self, _count):
        pass


def _no_progress(_total):
    return _NoProgress()
