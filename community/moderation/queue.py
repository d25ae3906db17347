"""The moderators' review queue: open cases with their content, context, reports and the author's history.

A page of the queue costs the same few queries whatever it holds: the count and the page of cases (with
their authors), their reports (with the reporters), one query per kind of content on the page, and one
for the authors' histories.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, joinedload

from community.accounts.models import User
from community.audit.models import AuditEntry
from community.events.models import Event
from community.extensions import db
from community.forum.models import Post, Thread
from community.messages.models import Message
from community.moderation.models import (
    CASE_IS_OPEN,
    ContentKind,
    ModerationCase,
    Report,
    ReportReason,
    Signal,
)
from community.moderation.scopes import case_in_scope, is_moderator_id, narrow_to_scopes
from community.opportunities.models import Opportunity
from community.profiles.models import Profile

CASES_PER_PAGE = 20
HISTORY_SHOWN = 3

# i18n: the kinds of content a member can report, as the review queue names them.
KIND_LABELS = {
    ContentKind.POST: _l("Post"),
    ContentKind.THREAD: _l("Thread"),
    ContentKind.EVENT: _l("Event"),
    ContentKind.PROFILE: _l("Profile"),
    ContentKind.MESSAGE: _l("Private message"),
    ContentKind.OPPORTUNITY: _l("Opportunity"),
}


@dataclass
class History:
    """What moderators did before about a member: how many audit entries, and the latest few."""

    count: int = 0
    latest: list[AuditEntry] = field(default_factory=list)


@dataclass
class QueueEntry:
    """One case as the queue shows it."""

    case: ModerationCase
    reports: list[Report] = field(default_factory=list)
    item: Post | Thread | Event | User | Message | Opportunity | None = None  # None: the item no longer exists
    profile: Profile | None = None  # a reported member's profile
    # A reported message: it and the messages just before and after it in its conversation, nothing more.
    messages: list[Message] = field(default_factory=list)
    history: History = field(default_factory=History)

    @property
    def kind(self) -> ContentKind:
        return self.case.kind

    @property
    def reasons(self) -> dict[ReportReason, int]:
        counts: dict[ReportReason, int] = defaultdict(int)
        for report in self.reports:
            counts[report.reason] += 1
        return dict(counts)

    @property
    def signal_label(self):
        """Why the system put the item here, in words, or None."""
        return signal_label(self.case)


def signal_label(case: ModerationCase):
    detail = case.signal_detail or ""
    if case.signal is Signal.FIRST_POSTS:
        return _l("awaiting review: first posts")
    if case.signal is Signal.WATCHED_WORD:
        # i18n: %(word)s is the watched word the text contains.
        return _l("watched word: %(word)s", word=detail)
    if case.signal is Signal.LINKS:
        return _l("several links from a new member")
    if case.signal is Signal.REPORT_THRESHOLD:
        return _l("hidden automatically after %(num)s reports", num=detail or case.report_count)
    if case.awaiting_review:
        return _l("awaiting review")
    return None


def _open_cases_query(moderator: User, kind: ContentKind | None, reason: ReportReason | None):
    query = select(ModerationCase).where(CASE_IS_OPEN)
    if kind is not None:
        query = query.where(ModerationCase.kind == kind)
    if reason is not None:
        query = query.where(ModerationCase.id.in_(select(Report.case_id).where(Report.reason == reason)))
    return narrow_to_scopes(query, moderator)


def list_open_cases(moderator: User, page: int = 1, *, kind: ContentKind | None = None,
                    reason: ReportReason | None = None, per_page: int = CASES_PER_PAGE):  # fmt: skip
    """A page of the open cases within the moderator's scopes, most recently active first.

    Returns a pagination whose items are QueueEntry objects.
    """
    query = (
        _open_cases_query(moderator, kind, reason)
        .options(joinedload(ModerationCase.author))
        .order_by(ModerationCase.updated_at.desc(), ModerationCase.id.desc())
    )
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    pagination.items = build_entries(pagination.items)
    return pagination


def get_case(case_id: int) -> ModerationCase | None:
    return db.session.scalar(
        select(ModerationCase).where(ModerationCase.id == case_id).options(joinedload(ModerationCase.author))
    )


def get_entry(case: ModerationCase) -> QueueEntry:
    """One case with everything the queue shows about it (for the case page)."""
    return build_entries([case])[0]


def count_open_cases_query(user_id: int):
    """The navigation's badge for moderators: open cases within their scopes (0 for anyone else)."""
    return select(func.count(ModerationCase.id)).where(
        CASE_IS_OPEN, is_moderator_id(user_id), case_in_scope(user_id)
    )


# Loading a page's details, one query per kind of thing


def build_entries(cases: list[ModerationCase]) -> list[QueueEntry]:
    entries = [QueueEntry(case) for case in cases]
    if not entries:
        return entries
    by_case = {entry.case.id: entry for entry in entries}
    for report in db.session.scalars(
        select(Report)
        .where(Report.case_id.in_(list(by_case)))
        .options(joinedload(Report.reporter))
        .order_by(Report.created_at, Report.id)
    ):
        by_case[report.case_id].reports.append(report)

    targets: dict[ContentKind, list[int]] = defaultdict(list)
    for entry in entries:
        targets[entry.kind].append(entry.case.target_id)
    found = {kind: _LOADERS[kind](ids) for kind, ids in targets.items()}
    for entry in entries:
        loaded = found[entry.kind].get(entry.case.target_id)
        if entry.kind is ContentKind.MESSAGE:
            entry.item, entry.messages = loaded if loaded else (None, [])
        elif entry.kind is ContentKind.PROFILE:
            entry.item = entry.case.author
            entry.profile = loaded
        else:
            entry.item = loaded

    histories = _histories({entry.case.author_id for entry in entries if entry.case.author_id is not None})
    for entry in entries:
        if entry.case.author_id is not None:
            entry.history = histories.get(entry.case.author_id, History())
    return entries


def _load_posts(ids: list[int]) -> dict[int, Post]:
    query = (
        select(Post)
        .where(Post.id.in_(ids))
        .options(joinedload(Post.thread).joinedload(Thread.category), joinedload(Post.author))
    )
    return {post.id: post for post in db.session.scalars(query)}


def _load_threads(ids: list[int]) -> dict[int, Thread]:
    query = (
        select(Thread)
        .where(Thread.id.in_(ids))
        .options(joinedload(Thread.category), joinedload(Thread.first_post), joinedload(Thread.author))
    )
    return {thread.id: thread for thread in db.session.scalars(query).unique()}


def _load_events(ids: list[int]) -> dict[int, Event]:
    query = select(Event).where(Event.id.in_(ids)).options(joinedload(Event.organizer))
    return {event.id: event for event in db.session.scalars(query)}


def _load_opportunities(ids: list[int]) -> dict[int, Opportunity]:
    query = select(Opportunity).where(Opportunity.id.in_(ids)).options(joinedload(Opportunity.field))
    return {opportunity.id: opportunity for opportunity in db.session.scalars(query)}


def _load_profiles(ids: list[int]) -> dict[int, Profile]:
    return {profile.user_id: profile for profile in db.session.scalars(select(Profile).where(Profile.user_id.in_(ids)))}


def _load_messages(ids: list[int]) -> dict[int, tuple[Message, list[Message]]]:
    """Each reported message with its immediate neighbours in its conversation (one query for all)."""
    reported = aliased(Message)
    query = (
        select(Message, reported.id)
        .join(
            reported,
            and_(
                reported.conversation_id == Message.conversation_id,
                Message.number.between(reported.number - 1, reported.number + 1),
            ),
        )
        .where(reported.id.in_(ids))
        .options(joinedload(Message.conversation), joinedload(Message.author))
        .order_by(reported.id, Message.number)
    )
    shown: dict[int, list[Message]] = defaultdict(list)
    for message, reported_id in db.session.execute(query):
        shown[reported_id].append(message)
    result = {}
    for reported_id, context in shown.items():
        message = next((m for m in context if m.id == reported_id), None)
        if message is not None:
            result[reported_id] = (message, context)
    return result


_LOADERS = {
    ContentKind.POST: _load_posts,
    ContentKind.THREAD: _load_threads,
    ContentKind.EVENT: _load_events,
    ContentKind.PROFILE: _load_profiles,
    ContentKind.MESSAGE: _load_messages,
    ContentKind.OPPORTUNITY: _load_opportunities,
}


def _histories(author_ids: set[int]) -> dict[int, History]:
    """Each author's count of audit entries about them and the latest few, in one windowed query."""
    if not author_ids:
        return {}
    ranked = (
        select(
            AuditEntry.id,
            func.row_number()
            .over(partition_by=AuditEntry.target_user_id, order_by=(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
            .label("position"),
            func.count(AuditEntry.id).over(partition_by=AuditEntry.target_user_id).label("total"),
        )
        .where(AuditEntry.target_user_id.in_(author_ids))
        .subquery()
    )
    query = (
        select(AuditEntry, ranked.c.total)
        .join(ranked, ranked.c.id == AuditEntry.id)
        .where(ranked.c.position <= HISTORY_SHOWN)
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.target_user_id, AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    histories: dict[int, History] = {}
    for entry, total in db.session.execute(query):
        history = histories.setdefault(entry.target_user_id, History(count=total))
        history.latest.append(entry)
    return histories
