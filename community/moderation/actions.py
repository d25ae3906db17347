"""What moderators do about content: dismiss reports, hide and restore, approve or reject held content,
edit a post, lock, pin and move threads.

Every action reads the same way: who may act (role and coordinator's scope) → the state (a stale or
repeated action is ActionRefused, shown with a 409, and changes nothing) → the change → its audit entry →
the case it resolves is closed and the reporters are told (with the moderator's prepared reply, if one
was chosen) → one commit.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, inspect, or_, select, update
from sqlalchemy.orm import joinedload

from community.accounts.models import Role, User
from community.audit.models import AuditAction, AuditEntry
from community.audit.services import record_action
from community.errors import ActionRefused, PermissionDenied
from community.events import services as events
from community.extensions import db
from community.forum import services as forum
from community.forum.models import Category, Post, Thread
from community.i18n import LANGUAGES
from community.mail import external_url, queue_email
from community.moderation.models import CASE_IS_OPEN, CannedReply, CaseStatus, ContentKind, ModerationCase, Report
from community.moderation.reports import HIDEABLE, Item, find_item, opportunity_item, set_item_hidden
from community.moderation.scopes import can_moderate
from community.notifications.models import NotificationKind, NotificationTopic
from community.notifications.services import members_wanting_email, notify
from community.opportunities import services as opportunities
from community.types import utcnow

STALE = _l("This case has already been handled.")
ALREADY_HIDDEN = _l("This is already hidden.")
NOT_HIDDEN = _l("This is not hidden: there is nothing to restore.")
NOT_HELD = _l("This is not awaiting review.")
ALREADY_LOCKED = _l("This thread is already locked.")
NOT_LOCKED = _l("This thread is not locked.")
ALREADY_PINNED = _l("This thread is already pinned.")
NOT_PINNED = _l("This thread is not pinned.")
SAME_CATEGORY = _l("The thread is already in this category.")
SAME_TEXT = _l("The text is unchanged.")

# How notifications about each kind of item link to it (forum threads, profiles and opportunities are
# registered by moderation's views; the others by their own areas).
NOTIFICATION_TARGETS = {
    ContentKind.POST: ("forum_post", "forum.show_post", "post_id"),
    ContentKind.THREAD: ("forum_thread", "forum.show_thread", "thread_id"),
    ContentKind.EVENT: ("event", "events.show_event", "event_id"),
    ContentKind.PROFILE: ("member_profile", "profiles.show_profile", "user_id"),
    ContentKind.MESSAGE: ("message", "messages.show_message", "message_id"),
    ContentKind.OPPORTUNITY: ("opportunity", "opportunities.show_opportunity", "opportunity_id"),
}


# A prepared reply's notification leads to the reply itself (moderation.show_reply).
REPLY_TARGET = "moderation_reply"


class WrongKind(ValueError):
    """The action does not apply to this kind of content (hiding a profile, locking a post)."""


class CaseMismatch(LookupError):
    """The case named in the form does not exist or is about another item (the view answers 404)."""


@dataclass
class Decision:
    """What the moderator added to an action: the case they were looking at, a reason, prepared replies."""

    case_id: int | None = None  # given from the case page: a closed case makes the action stale
    reason: str = ""
    reply_to_reporters: CannedReply | None = None
    reply_to_author: CannedReply | None = None


# Permissions


def outranks(actor: User, author: User | None) -> bool:
    """Moderators decide about members' content; admins about anyone's but their own."""
    if author is None:
        return True
    if author.id == actor.id:
        return False
    return actor.is_admin or author.role is Role.MEMBER


def can_act(user, item: Item) -> bool:
    """Whether `user` may organise the item (lock, pin, move a thread): a moderator whose scope covers it."""
    return bool(
        user.is_authenticated
        and user.is_moderator
        and can_moderate(user, country=item.country, category_id=item.category_id)
    )


def can_judge(user, item: Item) -> bool:
    """Whether `user` may decide about the item (dismiss, hide, restore, approve, reject, edit)."""
    return can_act(user, item) and outranks(user, item.author)


def item_of_post(post: Post) -> Item:
    """The post as an Item, from what is already loaded (the thread page's posts come with their authors)."""
    thread = post.thread
    author = post.author
    return Item(ContentKind.POST, post.id, post, author, author.country if author else None, thread.category_id,
                thread.title)  # fmt: skip


def item_of_thread(thread: Thread) -> Item:
    author = thread.author
    return Item(ContentKind.THREAD, thread.id, thread, author, author.country if author else None,
                thread.category_id, thread.title)  # fmt: skip


def item_of_event(event) -> Item:
    organizer = event.organizer
    return Item(ContentKind.EVENT, event.id, event, organizer, event.country or organizer.country, None, event.title)


def permissions_for(user, kind: str, obj) -> tuple[bool, bool]:
    """(may organise, may decide) for a post, thread, event or opportunity shown on its page: the template's buttons.

    Costs nothing for members; for a coordinator, one query per request for their scopes.
    """
    if not (user.is_authenticated and user.is_moderator):
        return False, False
    item = {"post": item_of_post, "thread": item_of_thread, "event": item_of_event,
            "opportunity": opportunity_item}[kind](obj)  # fmt: skip
    return can_act(user, item), can_judge(user, item)


def can_moderate_case(user, case: ModerationCase) -> bool:
    """Whether `user` may see the case: a moderator whose scope covers it."""
    return bool(
        user.is_authenticated
        and user.is_moderator
        and can_moderate(user, country=case.country, category_id=case.category_id)
    )


def buttons_for(user, entry) -> list[str]:
    """The actions the case page offers `user` for a queue entry, in the order they are shown.

    "edit" and "move" lead to their own pages; the others are buttons of the case's form.
    """
    case, obj = entry.case, entry.item
    if case.status is not CaseStatus.OPEN or not can_moderate_case(user, case):
        return []
    buttons = ["dismiss"] if outranks(user, case.author) else []
    if obj is None or case.kind not in HIDEABLE:
        return buttons
    item = {ContentKind.POST: item_of_post, ContentKind.THREAD: item_of_thread, ContentKind.EVENT: item_of_event,
            ContentKind.OPPORTUNITY: opportunity_item}[case.kind](obj)  # fmt: skip
    if can_judge(user, item):
        if _is_held(item) and not item.is_hidden:
            buttons += ["approve", "reject"]
        else:
            buttons.append("restore" if item.is_hidden else "hide")
        if case.kind is ContentKind.POST and not obj.is_deleted:
            buttons.append("edit")
    if case.kind is ContentKind.THREAD and can_act(user, item):
        buttons += ["unlock" if obj.is_locked else "lock", "unpin" if obj.is_pinned else "pin", "move"]
    return buttons


# The steps every action shares


def _related_keys(item: Item) -> list[tuple[ContentKind, int]]:
    """The cases an action on the item settles: a thread and its opening post are one thing to a reader."""
    keys = [(item.kind, item.target_id)]
    if item.kind is ContentKind.THREAD:
        first_post_id = db.session.scalar(select(Post.id).where(Post.thread_id == item.target_id, Post.number == 1))
        if first_post_id is not None:
            keys.append((ContentKind.POST, first_post_id))
    elif item.kind is ContentKind.POST and item.obj.number == 1:
        keys.append((ContentKind.THREAD, item.obj.thread_id))
    return keys


def _begin(moderator: User, item: Item, decision: Decision, *, judging: bool) -> list[ModerationCase]:
    """Check the moderator's right to act and the case they saw; return the open cases of the item."""
    allowed = can_judge(moderator, item) if judging else can_act(moderator, item)
    if not allowed:
        raise PermissionDenied
    keys = _related_keys(item)
    if decision.case_id is not None:
        case = db.session.get(ModerationCase, decision.case_id)
        if case is None or (case.kind, case.target_id) not in keys:
            raise CaseMismatch(decision.case_id)
        if case.status is not CaseStatus.OPEN:
            raise ActionRefused(STALE)
    _lock(item.obj)
    return list(
        db.session.scalars(
            select(ModerationCase).where(
                CASE_IS_OPEN,
                or_(*(and_(ModerationCase.kind == kind, ModerationCase.target_id == target) for kind, target in keys)),
            )
        )
    )


def _lock(obj) -> None:
    """Lock the item's row and read it again: of two moderators (or one double click) acting on the same
    item, the second waits here, then sees the state the first left."""
    mapper = inspect(obj).mapper
    model = mapper.class_
    db.session.execute(select(model.id).where(model.id == obj.id).with_for_update())
    db.session.refresh(obj, attribute_names=[column.key for column in mapper.column_attrs])


def _refuse(reason) -> None:
    db.session.rollback()
    raise ActionRefused(reason)


def _finish(moderator: User, item: Item, action: AuditAction, decision: Decision, cases: list[ModerationCase], *,
            resolves: bool, details: dict | None = None) -> None:  # fmt: skip
    """Write the audit entry, close the cases the action settles, tell reporters and author; commit."""
    record_action(
        moderator, action, target_kind=item.kind.value, target_id=item.target_id, target_user=item.author_id,
        reason=decision.reason, details={**(details or {}), "cases": [case.id for case in cases]},
    )  # fmt: skip
    if resolves:
        _close(moderator, item.kind, item.target_id, item.title, action, decision, cases)
    if decision.reply_to_author is not None and item.author is not None:
        _reply_to_author(moderator, item.kind, item.target_id, item.title, item.author, decision.reply_to_author)
    db.session.commit()


def _close(moderator: User, kind: ContentKind, target_id: int, title: str, action: AuditAction, decision: Decision,
           cases: list[ModerationCase]) -> None:  # fmt: skip
    if not cases:
        return
    now = utcnow()
    for case in cases:
        # Only an open case is closed: if another moderator closed it meanwhile, this action is stale.
        closed = db.session.execute(
            update(ModerationCase)
            .where(ModerationCase.id == case.id, CASE_IS_OPEN)
            .values(status=CaseStatus.CLOSED, closed_at=now, closed_by_id=moderator.id, resolution=action.value)
            .execution_options(synchronize_session="fetch")
        )
        if closed.rowcount != 1:
            _refuse(STALE)
    reports = list(
        db.session.scalars(
            select(Report)
            .where(Report.case_id.in_([case.id for case in cases]), Report.handled_at.is_(None))
            .options(joinedload(Report.reporter))
        )
    )
    for report in reports:
        report.handled_at = now
    reporters = list({report.reporter_id: report.reporter for report in reports}.values())
    _tell(moderator, kind, target_id, title, reporters, decision.reply_to_reporters, role="reporter")


def _reply_to_author(moderator: User, kind: ContentKind, target_id: int, title: str, author: User,
                     reply: CannedReply) -> None:  # fmt: skip
    _tell(moderator, kind, target_id, title, [author], reply, role="author")


def _tell(moderator: User, kind: ContentKind, target_id: int, title: str, recipients: list[User],
          reply: CannedReply | None, *, role: str) -> None:  # fmt: skip
    """Notify the recipients of the decision, and e-mail those who want moderators' decisions by e-mail.

    Each e-mail is written in its recipient's language, the prepared reply included. A prepared reply
    sent is itself an entry of the audit log, which keeps its text in the three languages: the
    notification leads to it (see `get_reply`), else to the item.
    """
    recipients = [user for user in recipients if not user.is_deleted and user.id != moderator.id]
    if not recipients:
        return
    target_type, endpoint, argument = NOTIFICATION_TARGETS[kind]
    link = external_url(endpoint, **{argument: target_id})
    notification_target = (target_type, target_id)
    if reply is not None:
        entry = record_action(
            moderator, AuditAction.REPLY, target_kind=kind.value, target_id=target_id,
            target_user=recipients[0] if role == "author" else None,
            details={"canned_reply_id": reply.id, "canned_reply": reply.name,
                     "to": "reporters" if role == "reporter" else "author",
                     "recipients": [user.id for user in recipients], "title": title,
                     "bodies": {language: reply.body_in(language) for language in LANGUAGES}},
        )  # fmt: skip
        notification_target = (REPLY_TARGET, entry.id)
    notify(recipients, NotificationKind.MODERATION_DECISION, target_type=notification_target[0],
           target_id=notification_target[1], text=title)  # fmt: skip
    by_email = members_wanting_email([user.id for user in recipients], NotificationKind.MODERATION_DECISION)
    subject = _l("Your report was handled") if role == "reporter" else _l("A message from the moderators")
    # Grouped by language: each group reads the reply in its own.
    for user in sorted(recipients, key=lambda user: (user.locale, user.id)):
        if user.id in by_email:
            text = reply.body_in(user.locale) if reply is not None else ""
            queue_email(user, subject, "moderation/email/decision", unsubscribe=NotificationTopic.MODERATION.value,
                        role=role, title=title, link=link, reply=text)  # fmt: skip


def get_reply(member: User, entry_id: int) -> AuditEntry | None:
    """A prepared reply the moderators sent to `member` (an audit entry); None for anyone else's.

    Moderators read every reply, as they see them in the cases' history.
    """
    entry = db.session.get(AuditEntry, entry_id)
    if entry is None or entry.action is not AuditAction.REPLY:
        return None
    if not member.is_moderator and member.id not in entry.details.get("recipients", []):
        return None
    return entry


# Actions


def dismiss_case(moderator: User, case: ModerationCase, decision: Decision | None = None) -> None:
    """Close the case without touching the content; the reporters are told it was handled."""
    decision = decision or Decision(case_id=case.id)
    item = find_item(case.kind, case.target_id)
    author = item.author if item is not None else (db.session.get(User, case.author_id) if case.author_id else None)
    allowed = (
        moderator.is_authenticated
        and moderator.is_moderator
        and can_moderate(moderator, country=case.country, category_id=case.category_id)
        and outranks(moderator, author)
    )
    if not allowed:
        raise PermissionDenied
    if case.status is not CaseStatus.OPEN:
        raise ActionRefused(STALE)
    title = item.title if item is not None else ""
    record_action(
        moderator, AuditAction.DISMISS_REPORTS, target_kind=case.kind.value, target_id=case.target_id,
        target_user=case.author_id, reason=decision.reason, details={"cases": [case.id]},
    )  # fmt: skip
    _close(moderator, case.kind, case.target_id, title, AuditAction.DISMISS_REPORTS, decision, [case])
    if decision.reply_to_author is not None and author is not None:
        _reply_to_author(moderator, case.kind, case.target_id, title, author, decision.reply_to_author)
    db.session.commit()


def _hideable(item: Item) -> None:
    if item.kind not in HIDEABLE:
        raise WrongKind(f"{item.kind.value} cannot be hidden")


def hide(moderator: User, item: Item, decision: Decision | None = None) -> None:
    """Hide a post, thread, event or opportunity from members; nothing of it is deleted."""
    decision = decision or Decision()
    _hideable(item)
    cases = _begin(moderator, item, decision, judging=True)
    if item.is_hidden:
        _refuse(ALREADY_HIDDEN)
    set_item_hidden(item, True)
    _finish(moderator, item, AuditAction.HIDE, decision, cases, resolves=True)


def restore(moderator: User, item: Item, decision: Decision | None = None) -> None:
    """Show a hidden post, thread, event or opportunity again, exactly as it was."""
    decision = decision or Decision()
    _hideable(item)
    cases = _begin(moderator, item, decision, judging=True)
    if not item.is_hidden:
        _refuse(NOT_HIDDEN)
    set_item_hidden(item, False)
    _finish(moderator, item, AuditAction.RESTORE, decision, cases, resolves=True)


def _held_unit(item: Item) -> Item:
    """A thread's opening post waits (and is approved or rejected) with its thread."""
    if item.kind is ContentKind.POST and item.obj.number == 1:
        return find_item(ContentKind.THREAD, item.obj.thread_id)
    return item


def _is_held(item: Item) -> bool:
    if item.kind is ContentKind.THREAD:
        first = item.obj.first_post
        return item.obj.awaiting_review or (first is not None and first.awaiting_review)
    return item.awaiting_review


def approve(moderator: User, item: Item, decision: Decision | None = None) -> None:
    """Publish content that waited for review, and send the notifications held back until now."""
    decision = decision or Decision()
    _hideable(item)
    item = _held_unit(item)
    cases = _begin(moderator, item, decision, judging=True)
    if not _is_held(item) or item.is_hidden:
        _refuse(NOT_HELD)
    if item.kind is ContentKind.EVENT:
        events.publish_event(item.obj)
    elif item.kind is ContentKind.OPPORTUNITY:
        opportunities.publish_held_opportunity(item.obj)
    else:
        forum.publish_post(item.obj.first_post if item.kind is ContentKind.THREAD else item.obj)
    _finish(moderator, item, AuditAction.APPROVE_CONTENT, decision, cases, resolves=True)


def reject(moderator: User, item: Item, decision: Decision | None = None) -> None:
    """Refuse content that waited for review: it is hidden (never deleted) and stays unpublished."""
    decision = decision or Decision()
    _hideable(item)
    item = _held_unit(item)
    cases = _begin(moderator, item, decision, judging=True)
    if not _is_held(item) or item.is_hidden:
        _refuse(NOT_HELD)
    set_item_hidden(item, True)
    _finish(moderator, item, AuditAction.HIDE, decision, cases, resolves=True, details={"rejected": True})


def edit_post(moderator: User, item: Item, body: str, decision: Decision | None = None) -> None:
    """Replace a post's text as a moderator: the earlier text stays in its history, the post is marked.

    Raises ActionRefused about the body field for an empty, too long or unchanged text.
    """
    decision = decision or Decision()
    if item.kind is not ContentKind.POST:
        raise WrongKind("only posts are edited")
    body = forum.clean_body(body)
    cases = _begin(moderator, item, decision, judging=True)
    if item.obj.is_deleted:
        _refuse(_l("This post was deleted by its author."))
    before = item.obj.body
    if not forum.edit_post_as_moderator(moderator, item.obj, body):
        db.session.rollback()
        raise ActionRefused(SAME_TEXT, field="body")
    _finish(moderator, item, AuditAction.EDIT, decision, cases, resolves=True, details={"before": before[:2000]})


def _thread(item: Item) -> Thread:
    if item.kind is not ContentKind.THREAD:
        raise WrongKind("only threads are locked, pinned and moved")
    return item.obj


def lock(moderator: User, item: Item, locked: bool = True, decision: Decision | None = None) -> None:
    """Lock a thread (no new replies but moderators') or unlock it. Locking settles the thread's case."""
    decision = decision or Decision()
    thread = _thread(item)
    cases = _begin(moderator, item, decision, judging=False)
    if thread.is_locked == locked:
        _refuse(ALREADY_LOCKED if locked else NOT_LOCKED)
    forum.set_thread_locked(thread, locked)
    _finish(moderator, item, AuditAction.LOCK if locked else AuditAction.UNLOCK, decision, cases, resolves=locked)


def pin(moderator: User, item: Item, pinned: bool = True, decision: Decision | None = None) -> None:
    """Pin a thread at the top of its category, or unpin it."""
    decision = decision or Decision()
    thread = _thread(item)
    cases = _begin(moderator, item, decision, judging=False)
    if thread.is_pinned == pinned:
        _refuse(ALREADY_PINNED if pinned else NOT_PINNED)
    forum.set_thread_pinned(thread, pinned)
    _finish(moderator, item, AuditAction.PIN if pinned else AuditAction.UNPIN, decision, cases, resolves=False)


def move(moderator: User, item: Item, category: Category, decision: Decision | None = None) -> None:
    """Move a thread to another category (its counts follow); settles an off-topic report."""
    decision = decision or Decision()
    thread = _thread(item)
    cases = _begin(moderator, item, decision, judging=False)
    source = thread.category_id
    if source == category.id:
        db.session.rollback()
        raise ActionRefused(SAME_CATEGORY, field="category")
    forum.move_thread(thread, category)
    # The thread's posts now belong to the new category, for coordinators as for readers.
    db.session.execute(
        update(ModerationCase)
        .where(
            CASE_IS_OPEN,
            or_(
                and_(ModerationCase.kind == ContentKind.THREAD, ModerationCase.target_id == thread.id),
                and_(
                    ModerationCase.kind == ContentKind.POST,
                    ModerationCase.target_id.in_(select(Post.id).where(Post.thread_id == thread.id)),
                ),
            ),
        )
        .values(category_id=category.id)
        .execution_options(synchronize_session="fetch")
    )
    _finish(moderator, item, AuditAction.MOVE, decision, cases, resolves=True,
            details={"from_category_id": source, "to_category_id": category.id})  # fmt: skip


def list_canned_replies() -> list[CannedReply]:
    """The prepared replies moderators choose from (written by admins), in their order."""
    return list(db.session.scalars(select(CannedReply).order_by(CannedReply.position, CannedReply.name)))
