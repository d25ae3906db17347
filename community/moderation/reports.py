"""Members report content to the moderators: one open report per member per item, gathered in cases.

An item is a post, a thread, an event, a member's profile, a private message or an opportunity, named by
its ContentKind and id (a profile by its member's id). Reports of an item join its open ModerationCase (one
per item); once enough distinct members have reported a post, thread, event or opportunity, it is hidden
at once.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.audit.models import AuditAction
from community.audit.services import record_action
from community.errors import ActionRefused, PermissionDenied
from community.events import services as events
from community.events.models import Event
from community.extensions import db
from community.forum import services as forum
from community.forum.models import Post, Thread
from community.messages import services as messages
from community.messages.models import Message
from community.moderation.models import (
    CASE_IS_OPEN,
    CaseStatus,
    ContentKind,
    ModerationCase,
    Report,
    ReportReason,
    Signal,
)
from community.opportunities import services as opportunities
from community.opportunities.models import Opportunity
from community.profiles.services import can_see_profile
from community.types import utcnow

NOTE_MAX = 1000
# Kinds that can be hidden (by a moderator, or automatically after enough reports).
HIDEABLE = (ContentKind.POST, ContentKind.THREAD, ContentKind.EVENT, ContentKind.OPPORTUNITY)

ALREADY_REPORTED = _l("You have already reported this. Moderators will look at it.")
NOTE_TOO_LONG = _l("The note can have at most %(num)d characters.", num=NOTE_MAX)


@dataclass
class Item:
    """A piece of content that can be reported or acted on, with what moderation needs to know of it."""

    kind: ContentKind
    target_id: int
    obj: Post | Thread | Event | User | Message | Opportunity
    author: User | None  # who wrote it (the member, for a profile)
    country: str | None  # for coordinators' scopes
    category_id: int | None
    title: str  # what the item is called in notifications: a thread's title, an event's, a subject, a name

    @property
    def author_id(self) -> int | None:
        return self.author.id if self.author is not None else None

    @property
    def is_hidden(self) -> bool:
        return bool(getattr(self.obj, "is_hidden", False))

    @property
    def awaiting_review(self) -> bool:
        return bool(getattr(self.obj, "awaiting_review", False))


# Finding items


def _post_item(post: Post) -> Item:
    thread = post.thread
    return Item(ContentKind.POST, post.id, post, post.author, post.author.country, thread.category_id, thread.title)


def _thread_item(thread: Thread) -> Item:
    author = thread.author
    return Item(ContentKind.THREAD, thread.id, thread, author, author.country, thread.category_id, thread.title)


def opportunity_item(opportunity: Opportunity) -> Item:
    """An opportunity as an Item: its country (else its author's) puts it in a coordinator's scope."""
    author = opportunity.author
    country = opportunity.country or (author.country if author else None)
    return Item(ContentKind.OPPORTUNITY, opportunity.id, opportunity, author, country, None, opportunity.title)


def find_item(kind: ContentKind, target_id: int) -> Item | None:
    """The item whatever its state (hidden, held, deleted), for moderators; None if there is no such item."""
    if kind is ContentKind.POST:
        post = db.session.scalar(
            select(Post)
            .where(Post.id == target_id)
            .options(joinedload(Post.thread).joinedload(Thread.category), joinedload(Post.author))
        )
        return _post_item(post) if post is not None else None
    if kind is ContentKind.THREAD:
        thread = db.session.scalar(
            select(Thread).where(Thread.id == target_id).options(joinedload(Thread.category), joinedload(Thread.author))
        )
        return _thread_item(thread) if thread is not None else None
    if kind is ContentKind.EVENT:
        event = events.get_event(target_id)
        if event is None:
            return None
        country = event.country or event.organizer.country
        return Item(kind, event.id, event, event.organizer, country, None, event.title)
    if kind is ContentKind.PROFILE:
        member = db.session.get(User, target_id)
        if member is None:
            return None
        return Item(kind, member.id, member, member, member.country, None, member.display_name)
    if kind is ContentKind.MESSAGE:
        message = db.session.scalar(
            select(Message)
            .where(Message.id == target_id)
            .options(joinedload(Message.conversation), joinedload(Message.author))
        )
        if message is None:
            return None
        author = message.author
        return Item(kind, message.id, message, author, author.country if author else None, None,
                    message.conversation.subject)  # fmt: skip
    if kind is ContentKind.OPPORTUNITY:
        opportunity = db.session.scalar(
            select(Opportunity).where(Opportunity.id == target_id).options(joinedload(Opportunity.author))
        )
        return opportunity_item(opportunity) if opportunity is not None else None
    return None


def _is_published(item: Item) -> bool:
    if item.kind is ContentKind.POST:
        post = item.obj
        return not (post.is_deleted or post.is_hidden or post.awaiting_review or post.thread.is_hidden
                    or post.thread.awaiting_review)  # fmt: skip
    if item.kind in (ContentKind.THREAD, ContentKind.EVENT, ContentKind.OPPORTUNITY):
        return not (item.obj.is_hidden or item.obj.awaiting_review)
    return True


def get_reportable(viewer, kind: ContentKind, target_id: int) -> Item | None:
    """The item `viewer` may report, if they can see it; None when it does not exist or is out of their sight.

    Reporting a thread's opening post reports the thread. The viewer's own content is returned (it
    exists and they see it): `can_report` says no to it.
    """
    if not viewer.is_authenticated:
        return None
    # A message: only participants who can read it (never a member who left before it was written).
    if kind is ContentKind.MESSAGE and messages.get_message_for(viewer, target_id) is None:
        return None
    item = find_item(kind, target_id)
    if item is None or not _is_published(item):
        return None
    if kind is ContentKind.POST and item.obj.number == 1:
        item = _thread_item(item.obj.thread)
    if kind is ContentKind.PROFILE and not can_see_profile(viewer, item.obj):
        return None
    return item


def can_report(user, author_id: int | None) -> bool:
    """Whether `user` may report content written by `author_id` (members, never their own content)."""
    return bool(user.is_authenticated and user.is_active and author_id != user.id)


def has_reported(reporter: User, item: Item) -> bool:
    """Whether the member already has a report in the item's open case."""
    return (
        db.session.scalar(
            select(Report.id)
            .join(ModerationCase, ModerationCase.id == Report.case_id)
            .where(
                ModerationCase.kind == item.kind,
                ModerationCase.target_id == item.target_id,
                CASE_IS_OPEN,
                Report.reporter_id == reporter.id,
            )
        )
        is not None
    )


# Cases


def get_open_case(kind: ContentKind, target_id: int) -> ModerationCase | None:
    return db.session.scalar(
        select(ModerationCase).where(
            ModerationCase.kind == kind, ModerationCase.target_id == target_id, CASE_IS_OPEN
        )
    )


def open_case_for(item: Item) -> ModerationCase:
    """The item's open case, opened if there is none; its author, country and category brought up to date.

    Two members reporting at once cannot open two cases: the database allows one open case per item,
    and the loser of the race joins the winner's. Only flushes.
    """
    case = get_open_case(item.kind, item.target_id)
    if case is None:
        case = ModerationCase(kind=item.kind, target_id=item.target_id, status=CaseStatus.OPEN, opened_at=utcnow(),
                              updated_at=utcnow())  # fmt: skip
        try:
            with db.session.begin_nested():
                db.session.add(case)
        except IntegrityError:
            case = get_open_case(item.kind, item.target_id)
            if case is None:  # the other case was closed in between: nothing left to join
                raise
    case.author_id = item.author_id
    case.country = item.country
    case.category_id = item.category_id
    db.session.flush()
    return case


def set_item_hidden(item: Item, hidden: bool) -> None:
    """Hide or show a post, thread, event or opportunity through its primitive. Only flushes."""
    if item.kind is ContentKind.POST:
        forum.set_post_hidden(item.obj, hidden)
    elif item.kind is ContentKind.THREAD:
        forum.set_thread_hidden(item.obj, hidden)
    elif item.kind is ContentKind.EVENT:
        events.set_event_hidden(item.obj, hidden)
    elif item.kind is ContentKind.OPPORTUNITY:
        opportunities.set_opportunity_hidden(item.obj, hidden)
    else:
        raise ValueError(f"{item.kind} cannot be hidden")


# Reporting


def report_content(reporter: User, kind: ContentKind, target_id: int, reason: ReportReason, note: str = "") -> Report:
    """Report an item to the moderators, with a reason and an optional note.

    Raises PermissionDenied when the reporter cannot see the item or wrote it, ActionRefused when they
    already reported it (while its case is open) or the note is too long. Once
    MODERATION_AUTO_HIDE_REPORTS distinct members have reported a post, thread, event or opportunity, it is
    hidden (an AUTO_HIDE entry in the audit log, by no one) until a moderator decides.
    """
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ActionRefused(NOTE_TOO_LONG, field="note")
    reason = ReportReason(reason)
    item = get_reportable(reporter, kind, target_id)
    if item is None or not can_report(reporter, item.author_id):
        raise PermissionDenied
    case = open_case_for(item)
    report = Report(case_id=case.id, reporter_id=reporter.id, reason=reason, note=note, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError:  # already reported (or the same form sent twice at once)
        db.session.rollback()
        raise ActionRefused(ALREADY_REPORTED) from None
    # Counted by the database, so reports sent at the same moment are all counted.
    count = db.session.execute(
        update(ModerationCase)
        .where(ModerationCase.id == case.id)
        .values(report_count=ModerationCase.report_count + 1, updated_at=utcnow())
        .returning(ModerationCase.report_count)
    ).scalar_one()
    threshold = current_app.config["MODERATION_AUTO_HIDE_REPORTS"]
    if item.kind in HIDEABLE and threshold > 0 and count >= threshold and not item.is_hidden:
        _hide_automatically(item, case, count)
    db.session.commit()
    return report


def _hide_automatically(item: Item, case: ModerationCase, count: int) -> None:
    set_item_hidden(item, True)
    case.is_auto_hidden = True
    case.signal = Signal.REPORT_THRESHOLD
    case.signal_detail = str(count)
    record_action(
        None, AuditAction.AUTO_HIDE, target_kind=item.kind.value, target_id=item.target_id,
        target_user=item.author_id, details={"case_id": case.id, "reports": count},
    )  # fmt: skip
