"""How private messages appear in notification e-mails (registered with the notifications area by views.py).

The e-mail quotes the start of each message (EXCERPT_LENGTH characters), as members expect from messaging
sites, and links to the conversation for the rest; messages by a member blocked either way are left out.
"""

from sqlalchemy import and_, or_, select

from community.accounts.models import User
from community.extensions import db
from community.messages.models import Block, Conversation, Message
from community.messages.services import NOTIFICATION_TARGET
from community.notifications.emails import EmailItem, excerpt, register_block_lookup, register_email_source


def describe_messages(message_ids: list[int]) -> dict[int, EmailItem]:
    """Each message's conversation (the e-mail's group), author and excerpt, in one query."""
    rows = db.session.execute(
        select(Message, Conversation, User)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .outerjoin(User, User.id == Message.author_id)
        .where(Message.id.in_(message_ids))
    ).all()
    return {
        message.id: EmailItem(
            group_key=f"conversation:{conversation.id}",
            place="conversation",
            title=conversation.subject,
            author=author,
            excerpt=excerpt(message.body_html),
        )
        for message, conversation, author in rows
    }


def blocks_between(members: set[int], authors: set[int]) -> set[tuple[int, int]]:
    """The (blocker, blocked) pairs between the two sets of members, either way, in one query."""
    rows = db.session.execute(
        select(Block.blocker_id, Block.blocked_id).where(
            or_(
                and_(Block.blocker_id.in_(members), Block.blocked_id.in_(authors)),
                and_(Block.blocker_id.in_(authors), Block.blocked_id.in_(members)),
            )
        )
    )
    return {(blocker, blocked) for blocker, blocked in rows}


register_email_source(NOTIFICATION_TARGET, describe_messages)
register_block_lookup(blocks_between)
