"""What members do with private messages, and what they read of them.

Only participants ever see a conversation: every read starts from `get_participation` or
`get_message_for`, which give nothing for anyone else (moderators included), so views answer 404 and
ids reveal nothing. Writing services check their input, then permissions, write, and commit once;
refusals are ActionRefused (with the form field they are about), DailyLimitReached, or PermissionDenied.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from math import ceil

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, and_, bindparam, case, func, or_, select, update
from sqlalchemy.orm import aliased, contains_eager, joinedload

from community.accounts.models import User, shown_name
from community.accounts.services import read_only_reason, refuse_if_silenced
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.markdown import plain_excerpt, render_markdown

# Blocking lives in its own module; callers reach it through this one.
from community.messages.blocks import (  # noqa: F401
    BLOCKS_PER_PAGE,
    block_member,
    blockers_between,
    blockers_of,
    is_blocking,
    list_blocked,
    unblock_member,
)
from community.messages.models import PREVIEW_LENGTH, Block, Conversation, ConversationParticipant, Message
from community.notifications import services as notifications
from community.notifications.models import NotificationKind
from community.paging import paginate
from community.profiles.directory import listed_members
from community.profiles.services import is_listed
from community.rows import in_parameters, parameter_values, read_rows
from community.types import utcnow

SUBJECT_MAX = 150
BODY_MAX = 10_000
# A message's rendered HTML may be at most this long (wide tables repeat their header cells on every row).
MESSAGE_HTML_MAX = 100_000
MAX_PARTICIPANTS = 10  # the sender included
RECIPIENTS_MAX_CHARS = 400  # nine handles of 30 characters, with their @ and separators
CONVERSATIONS_PER_PAGE = 20
MESSAGES_PER_PAGE = 25
NOTIFICATION_TARGET = "message"

NO_RECIPIENT = _l("Please write the @handle of at least one member.")
YOURSELF = _l("You cannot send a message to yourself.")
TOO_MANY = _l("A conversation can have at most %(num)d members, you included.", num=MAX_PARTICIPANTS)
UNKNOWN_MEMBER = _l("This member cannot receive messages.")
CANNOT_SEND = _l("Your account cannot send messages.")
LEFT = _l("You left this conversation: you can still read it, but no longer write in it.")
NOBODY_ELSE = _l("No one else is in this conversation any more.")
NOT_A_GROUP = _l("Only group conversations can be left; you can archive this one.")


class DailyLimitReached(ActionRefused):
    """The member has started as many conversations today as a new member may (shown with a 429)."""


def _blocked_by(name: str):
    return _l("%(name)s does not accept messages from you.", name=name)


def _you_blocked(name: str):
    return _l("You blocked %(name)s. Unblock them to write to them.", name=name)


# Permissions


def can_send_messages(user) -> bool:
    """Whether the member may write private messages at all.

    The one place to refuse a whole account: inactive (e.g. suspended) or silenced members may not.
    """
    return bool(user.is_authenticated and user.is_active and not user.is_silenced)


@dataclass
class MemberActions:
    """What the viewer of a profile can do about messaging its member (for the profile's buttons)."""

    can_message: bool = False
    can_block: bool = False
    is_blocking: bool = False


def actions_on(viewer, member: User) -> MemberActions:
    """Whether `viewer` may write to `member`, and whether they block them (one query)."""
    if not viewer.is_authenticated or viewer.id == member.id or not is_listed(member):
        return MemberActions()
    blockers = blockers_between(viewer.id, member.id)
    return MemberActions(can_message=can_send_messages(viewer) and not blockers, can_block=True,
                         is_blocking=viewer.id in blockers)  # fmt: skip


def reply_refusal(user, conversation: Conversation, participation: ConversationParticipant,
                  participants: list[ConversationParticipant]):  # fmt: skip
    """Why `user` may not write in the conversation (a lazy string), or None when they may.

    `participants` are the conversation's rows with their members (see `list_participants`). In a
    one-to-one conversation a block either way stops both; in a group it does not (see `reply`).
    """
    if not can_send_messages(user):
        return read_only_reason(user) or CANNOT_SEND
    if participation.has_left:
        return LEFT
    others = [p for p in participants if p.user_id != user.id and not p.has_left and not p.user.is_deleted]
    if not others:
        return NOBODY_ELSE
    if not conversation.is_group:
        other = others[0].user
        blockers = blockers_between(user.id, other.id)
        if other.id in blockers:
            return _blocked_by(str(other.name))
        if user.id in blockers:
            return _you_blocked(str(other.name))
    return None


# Input


def clean_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    if not subject:
        raise ActionRefused(_l("Please write a subject."), field="subject")
    if len(subject) > SUBJECT_MAX:
        raise ActionRefused(_l("The subject can have at most %(num)d characters.", num=SUBJECT_MAX), field="subject")
    return subject


def clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ActionRefused(_l("Please write something."), field="body")
    if len(body) > BODY_MAX:
        raise ActionRefused(_l("The text can have at most %(num)d characters.", num=BODY_MAX), field="body")
    return body


def preview_of(body_html: str) -> str:
    """What the inbox shows of a message: its start as plain text."""
    return plain_excerpt(body_html, PREVIEW_LENGTH)


def render_body(body: str) -> str:
    """The message's HTML (the site's one Markdown renderer), or ActionRefused about the body when too large."""
    try:
        return str(render_markdown(body, max_html_chars=MESSAGE_HTML_MAX))
    except ActionRefused as refusal:
        raise ActionRefused(refusal.reason, field="body") from None


def parse_handles(text: str) -> list[str]:
    """The handles written in a recipients field: separated by commas or spaces, "@" optional, without repeats."""
    handles: list[str] = []
    for part in re.split(r"[\s,;]+", text or ""):
        handle = part.strip().lstrip("@").lower()
        if handle and handle not in handles:
            handles.append(handle)
    return handles


def find_recipients(text: str) -> list[User]:
    """The members whose @handles are written in `text`, in that order.

    Raises ActionRefused about the "recipients" field when none is written, too many are, or a handle
    belongs to no member who can be found in the directory.
    """
    handles = parse_handles(text)
    if not handles:
        raise ActionRefused(NO_RECIPIENT, field="recipients")
    if len(handles) >= MAX_PARTICIPANTS:
        raise ActionRefused(TOO_MANY, field="recipients")
    found = {
        user.handle: user for user in db.session.scalars(select(User).where(User.handle.in_(handles), listed_members()))
    }
    for handle in handles:
        if handle not in found:
            # i18n: %(handle)s is what the member typed, e.g. "ana.goncalves".
            raise ActionRefused(_l("No member has the handle @%(handle)s.", handle=handle[:40]), field="recipients")
    return [found[handle] for handle in handles]


def get_member(user_id: int) -> User | None:
    """A member who can be found in the directory (to write to), or None."""
    user = db.session.get(User, user_id)
    return user if user is not None and is_listed(user) else None


def _check_recipients(sender: User, recipients: list[User]) -> list[User]:
    """The distinct recipients, or ActionRefused: the sender, a member who cannot be found, too many, a block."""
    unique = list({user.id: user for user in recipients}.values())
    if any(user.id == sender.id for user in unique):
        raise ActionRefused(YOURSELF, field="recipients")
    if not unique:
        raise ActionRefused(NO_RECIPIENT, field="recipients")
    if len(unique) + 1 > MAX_PARTICIPANTS:
        raise ActionRefused(TOO_MANY, field="recipients")
    if not all(is_listed(user) for user in unique):
        raise ActionRefused(UNKNOWN_MEMBER, field="recipients")
    by_id = {user.id: user for user in unique}
    blocks = db.session.execute(
        select(Block.blocker_id, Block.blocked_id).where(
            or_(
                and_(Block.blocker_id.in_(list(by_id)), Block.blocked_id == sender.id),
                and_(Block.blocker_id == sender.id, Block.blocked_id.in_(list(by_id))),
            )
        )
    ).all()
    for blocker_id, blocked_id in sorted(blocks):
        if blocker_id == sender.id:
            raise ActionRefused(_you_blocked(str(by_id[blocked_id].name)), field="recipients")
        raise ActionRefused(_blocked_by(str(by_id[blocker_id].name)), field="recipients")
    return unique


def _check_new_member_limit(sender: User) -> None:
    """Refuse a conversation beyond the day's allowance of a member who joined recently."""
    config = current_app.config
    now = utcnow()
    if sender.is_moderator or sender.created_at <= now - timedelta(days=config["MESSAGES_NEW_MEMBER_DAYS"]):
        return
    per_day = config["MESSAGES_NEW_MEMBER_CONVERSATIONS_PER_DAY"]
    started = db.session.scalar(
        select(func.count(Conversation.id)).where(
            Conversation.created_by_id == sender.id, Conversation.created_at > now - timedelta(days=1)
        )
    )
    if started >= per_day:
        raise DailyLimitReached(
            _l("New members can start at most %(num)d conversations a day. Please try again tomorrow, "
               "or write in a conversation you already have.", num=per_day)
        )  # fmt: skip


# Writing


def start_conversation(sender: User, recipients: list[User], subject: str, body: str) -> Conversation:
    """Open a conversation with its first message and notify the recipients.

    Raises ActionRefused for a bad subject, body or recipient (the sender, more than nine others, a
    member who cannot be found, a block either way), DailyLimitReached for a new member over the
    day's allowance, PermissionDenied when the sender may not send messages at all.
    """
    refuse_if_silenced(sender)
    subject = clean_subject(subject)
    body = clean_body(body)
    if not can_send_messages(sender):
        raise PermissionDenied
    recipients = _check_recipients(sender, recipients)
    _check_new_member_limit(sender)
    body_html = render_body(body)
    now = utcnow()
    conversation = Conversation(
        subject=subject, created_by_id=sender.id, is_group=len(recipients) > 1, created_at=now,
        message_count=1, last_message_at=now,
    )  # fmt: skip
    message = Message(conversation=conversation, number=1, author_id=sender.id, body=body, body_html=body_html,
                      preview=preview_of(body_html), created_at=now)  # fmt: skip
    db.session.add_all([conversation, message])
    db.session.flush()
    conversation.last_message_id = message.id
    db.session.add(ConversationParticipant(conversation_id=conversation.id, user_id=sender.id, joined_at=now,
                                           last_read_number=1, last_message_at=now))  # fmt: skip
    db.session.add_all(
        ConversationParticipant(conversation_id=conversation.id, user_id=user.id, joined_at=now, unread_count=1,
                                last_message_at=now)
        for user in recipients
    )  # fmt: skip
    notifications.notify(
        recipients, NotificationKind.NEW_MESSAGE, target_type=NOTIFICATION_TARGET, target_id=message.id,
        text=subject, actor=sender,
    )  # fmt: skip
    db.session.commit()
    return conversation


def reply(author: User, conversation: Conversation, body: str) -> Message:
    """Add a message at the end of the conversation and notify the other participants.

    Raises ActionRefused when the author left, no one else is there, or (one-to-one) a block stands
    between the two; PermissionDenied for anyone who is not a participant. In a group, members who
    blocked the author are neither notified nor shown the conversation as unread. Silenced (a 403)
    when the author is read-only for now.
    """
    refuse_if_silenced(author)
    body = clean_body(body)
    participation = get_participation(author, conversation.id)
    if participation is None:
        raise PermissionDenied
    reason = reply_refusal(author, conversation, participation, list_participants(conversation))
    if reason is not None:
        raise ActionRefused(reason)
    body_html = render_body(body)
    now = utcnow()
    # Numbered by the database in one statement, so two messages at once never get the same number.
    number = db.session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id)
        .values(message_count=Conversation.message_count + 1, last_message_at=now)
        .returning(Conversation.message_count)
    ).scalar_one()
    message = Message(conversation_id=conversation.id, number=number, author_id=author.id, body=body,
                      body_html=body_html, preview=preview_of(body_html), created_at=now)  # fmt: skip
    db.session.add(message)
    db.session.flush()
    db.session.execute(
        update(Conversation).where(Conversation.id == conversation.id).values(last_message_id=message.id)
    )
    receiving = and_(
        ConversationParticipant.conversation_id == conversation.id,
        ConversationParticipant.left_at.is_(None),
        ConversationParticipant.user_id.not_in(blockers_of(author.id)),
    )
    # Back in everyone's inbox, unread for all but the author.
    db.session.execute(
        update(ConversationParticipant)
        .where(receiving)
        .values(
            last_message_at=now,
            archived_at=None,
            unread_count=ConversationParticipant.unread_count
            + case((ConversationParticipant.user_id == author.id, 0), else_=1),
        )
        .execution_options(synchronize_session=False)
    )
    recipients = db.session.scalars(
        select(ConversationParticipant.user_id)
        .join(User, User.id == ConversationParticipant.user_id)
        .where(receiving, ConversationParticipant.user_id != author.id, User.deleted_at.is_(None))
    )
    notifications.notify(
        recipients, NotificationKind.NEW_MESSAGE, target_type=NOTIFICATION_TARGET, target_id=message.id,
        text=conversation.subject, actor=author,
    )  # fmt: skip
    db.session.commit()
    db.session.refresh(conversation)
    return message


def _mark_read_up_to(user: User, conversation: Conversation, participation: ConversationParticipant,
                     number: int) -> None:  # fmt: skip
    """Record that the member has read the messages up to `number`, recount the rest, clear notifications.

    Only flushes. Messages by members the reader blocked never count as unread.
    """
    number = min(max(number, participation.last_read_number), participation.visible_count(conversation))
    unread_after = (
        select(func.count(Message.id))
        .where(
            Message.conversation_id == conversation.id,
            Message.number > number,
            Message.number <= participation.visible_count(conversation),
            or_(Message.author_id.is_(None), Message.author_id != user.id),
            or_(
                Message.author_id.is_(None),
                Message.author_id.not_in(select(Block.blocked_id).where(Block.blocker_id == user.id)),
            ),
        )
        .scalar_subquery()
    )
    db.session.execute(
        update(ConversationParticipant)
        .where(ConversationParticipant.conversation_id == conversation.id, ConversationParticipant.user_id == user.id)
        .values(last_read_number=number, unread_count=unread_after)
        .execution_options(synchronize_session=False)
    )
    read = select(Message.id).where(Message.conversation_id == conversation.id, Message.number <= number)
    notifications.mark_targets_read(user, NOTIFICATION_TARGET, read)


def mark_page_read(user: User, conversation: Conversation, participation: ConversationParticipant, page: int,
                   per_page: int = MESSAGES_PER_PAGE) -> None:  # fmt: skip
    """Record that the member has seen a page of the conversation, clear its notifications, and commit.

    Call it before loading what the page shows: the commit expires what the session holds.
    """
    last = min(page * per_page, participation.visible_count(conversation))
    if last <= participation.last_read_number and participation.unread_count == 0:
        return  # nothing new on this page, nothing to write
    _mark_read_up_to(user, conversation, participation, last)
    db.session.commit()


def set_archived(user: User, participation: ConversationParticipant, archived: bool) -> None:
    """Hide the conversation from the member's inbox until a new message arrives, or bring it back.

    Archiving also marks it read: the inbox's badge never counts what the inbox does not show.
    """
    if participation.user_id != user.id:
        raise PermissionDenied
    if archived:
        participation.archived_at = participation.archived_at or utcnow()
        _mark_read_up_to(user, participation.conversation, participation, participation.visible_count(
            participation.conversation))
    else:
        participation.archived_at = None
    db.session.commit()


def leave_conversation(user: User, participation: ConversationParticipant) -> None:
    """Leave a group conversation: no new messages reach the member, who keeps reading those before.

    Raises ActionRefused for a one-to-one conversation (archive it instead) or one already left.
    """
    if participation.user_id != user.id:
        raise PermissionDenied
    conversation = participation.conversation
    if not conversation.is_group:
        raise ActionRefused(NOT_A_GROUP)
    if participation.has_left:
        raise ActionRefused(LEFT)
    db.session.refresh(conversation)  # the number of the last message they may read, as of now
    participation.left_at = utcnow()
    participation.visible_until_number = conversation.message_count
    _mark_read_up_to(user, conversation, participation, conversation.message_count)
    db.session.commit()


# Reading


def _unread_query(user_id: int):
    return select(func.coalesce(func.sum(ConversationParticipant.unread_count), 0)).where(
        ConversationParticipant.user_id == user_id, ConversationParticipant.unread_count > 0
    )


def count_unread_messages(user: User) -> int:
    """The number beside "Messages" in the navigation: one indexed SUM over the member's rows."""
    return db.session.scalar(_unread_query(user.id)) or 0


notifications.register_badge("messages", _unread_query)


@dataclass
class InboxEntry:
    """One conversation of a member's inbox (or archive), as the list shows it."""

    conversation_id: int
    subject: str
    unread_count: int
    last_message_at: datetime  # of the last message the member can see: the list's order
    has_left: bool
    visible_until_number: int | None  # a member who left reads up to this message
    others: list[str]  # the other participants' names, in joining order
    last_number: int | None  # the conversation's last message: its number, author and text
    last_author_id: int | None
    last_author_name: str | None  # None when the author's account is gone
    last_preview: str | None


def list_conversations(user: User, page: int, *, archived: bool = False, per_page: int = CONVERSATIONS_PER_PAGE):
    """A page of the member's inbox (or archive) as `InboxEntry` rows, newest first.

    Two statements whatever the page holds: the rows with their last messages (and how many there are in
    all), and the other participants' names. Rows of columns, not ORM objects: loading whole members,
    conversations and messages cost most of the page.
    """
    pagination = paginate(_inbox_statement(archived), page, per_page, entities=False, params={"member_id": user.id})
    others = _other_names(user, [row[0] for row in pagination.items])  # their conversation ids
    pagination.items = [
        InboxEntry(
            conversation_id, subject, unread, last_at, left_at is not None, visible_until,
            others.get(conversation_id, []), number, author_id,
            None if author_id is None else shown_name(name, deleted_at), preview,
        )
        for (conversation_id, subject, unread, last_at, left_at, visible_until, number, author_id, name, deleted_at,
             preview) in pagination.items
    ]  # fmt: skip
    return pagination


@cache
def _inbox_statement(archived: bool) -> Select:
    # Built once with the member as a parameter: building it cost a tenth of the page.
    archived_at = ConversationParticipant.archived_at
    in_list = archived_at.is_not(None) if archived else archived_at.is_(None)
    author = aliased(User)
    return (
        select(
            ConversationParticipant.conversation_id, Conversation.subject, ConversationParticipant.unread_count,
            ConversationParticipant.last_message_at, ConversationParticipant.left_at,
            ConversationParticipant.visible_until_number, Message.number, Message.author_id, author.display_name,
            author.deleted_at, Message.preview,
        )
        .join(Conversation, Conversation.id == ConversationParticipant.conversation_id)
        .outerjoin(Message, Message.id == Conversation.last_message_id)
        .outerjoin(author, author.id == Message.author_id)
        .where(ConversationParticipant.user_id == bindparam("member_id", type_=Integer), in_list)
        .order_by(ConversationParticipant.last_message_at.desc(), ConversationParticipant.conversation_id.desc())
    )  # fmt: skip


def _other_names(user: User, conversation_ids: list[int]) -> dict[int, list[str]]:
    """The names of everyone but `user` in each conversation, in joining order (one query)."""
    if not conversation_ids:
        return {}
    query = _other_names_statement(len(conversation_ids))
    values = {"member_id": user.id, **parameter_values("conversation_id", conversation_ids)}
    names: dict[int, list[str]] = {}
    for conversation_id, display_name, deleted_at in read_rows(query, values).all():
        names.setdefault(conversation_id, []).append(shown_name(display_name, deleted_at))
    return names


@cache
def _other_names_statement(count: int) -> Select:
    return (
        select(ConversationParticipant.conversation_id, User.display_name, User.deleted_at)
        .join(User, User.id == ConversationParticipant.user_id)
        .where(
            in_parameters(ConversationParticipant.conversation_id, "conversation_id", count),
            ConversationParticipant.user_id != bindparam("member_id", type_=Integer),
        )
        .order_by(ConversationParticipant.joined_at, ConversationParticipant.user_id)
    )


def get_participation(user, conversation_id: int) -> ConversationParticipant | None:
    """The member's row in the conversation, with the conversation; None for anyone who is not a participant."""
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(ConversationParticipant)
        .join(ConversationParticipant.conversation)
        .where(ConversationParticipant.conversation_id == conversation_id, ConversationParticipant.user_id == user.id)
        .options(contains_eager(ConversationParticipant.conversation))
    )


def list_participants(conversation: Conversation) -> list[ConversationParticipant]:
    """Everyone in the conversation (those who left included), with their accounts, in joining order."""
    return list(
        db.session.scalars(
            select(ConversationParticipant)
            .where(ConversationParticipant.conversation_id == conversation.id)
            .options(joinedload(ConversationParticipant.user))
            .order_by(ConversationParticipant.joined_at, ConversationParticipant.user_id)
        )
    )


def page_count(conversation: Conversation, participation: ConversationParticipant,
               per_page: int = MESSAGES_PER_PAGE) -> int:  # fmt: skip
    return max(ceil(participation.visible_count(conversation) / per_page), 1)


def page_of(number: int, per_page: int = MESSAGES_PER_PAGE) -> int:
    return (max(number, 1) - 1) // per_page + 1


def opening_page(conversation: Conversation, participation: ConversationParticipant) -> int:
    """The page to open on: the one with the first unread message, else the last one."""
    visible = participation.visible_count(conversation)
    if participation.last_read_number < visible:
        return page_of(participation.last_read_number + 1)
    return page_count(conversation, participation)


def get_messages_page(conversation: Conversation, participation: ConversationParticipant, page: int,
                      per_page: int = MESSAGES_PER_PAGE):  # fmt: skip
    """A page of the messages the member may read, oldest first, with their authors (one query)."""
    visible = participation.visible_count(conversation)
    query = (
        select(Message)
        .where(Message.conversation_id == conversation.id, Message.number <= visible)
        .order_by(Message.number)
        .options(joinedload(Message.author))
    )
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False, count=False)
    pagination.total = visible  # kept on the rows: no COUNT
    return pagination


def get_message_for(user, message_id: int) -> tuple[Message, ConversationParticipant] | None:
    """The message with the reader's row in its conversation, if the member may read it; else None."""
    if not user.is_authenticated:
        return None
    row = db.session.execute(
        select(Message, ConversationParticipant)
        .join(
            ConversationParticipant,
            and_(
                ConversationParticipant.conversation_id == Message.conversation_id,
                ConversationParticipant.user_id == user.id,
            ),
        )
        .where(Message.id == message_id)
        .options(joinedload(Message.conversation))
    ).first()
    if row is None:
        return None
    message, participation = row
    if message.number > participation.visible_count(message.conversation):
        return None  # written after the member left
    return message, participation
