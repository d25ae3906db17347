from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.extensions import db
from community.types import UTCDateTime, utcnow


class Conversation(db.Model):
    """A private exchange between two to ten members, under a subject."""

    __tablename__ = "conversations"
    # The new-member limit counts the conversations a member started in the last day.
    __table_args__ = (Index("ix_conversations_created_by_id_created_at", "created_by_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(150))
    # SET NULL: a removed account never takes the conversation of the others with it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    # More than two members at the start; only a group can be left.
    is_group: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Kept on the row so pages never count messages: the highest message number, the last message.
    message_count: Mapped[int] = mapped_column(default=0)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", use_alter=True, ondelete="SET NULL")
    )
    last_message: Mapped["Message | None"] = relationship(foreign_keys=[last_message_id], viewonly=True)
    participants: Mapped[list["ConversationParticipant"]] = relationship(
        back_populates="conversation",
        order_by="ConversationParticipant.joined_at, ConversationParticipant.user_id",
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<Conversation {self.id} {self.subject!r}>"


class ConversationParticipant(db.Model):
    """One member's place in a conversation: what they have read, and whether they archived or left it.

    The inbox lists these rows (never the conversations), and the unread count in the navigation adds
    up their `unread_count`: both are one indexed query.
    """

    __tablename__ = "conversation_participants"
    __table_args__ = (
        # The inbox (and the archive): a member's conversations by their last visible message.
        Index("ix_conversation_participants_inbox", "user_id", "archived_at", "last_message_at", "conversation_id"),
        # The navigation's badge: the member's rows that have unread messages.
        Index("ix_conversation_participants_unread", "user_id", "unread_count"),
    )

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    conversation: Mapped[Conversation] = relationship(back_populates="participants")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    user: Mapped[User] = relationship()
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A member who left keeps reading the messages up to `visible_until_number`, and gets no new ones.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    visible_until_number: Mapped[int | None]
    # Hidden from the inbox until a new message arrives.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_read_number: Mapped[int] = mapped_column(default=0)
    unread_count: Mapped[int] = mapped_column(default=0)
    # When the last message this member can see was written: the inbox's order.
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def has_left(self) -> bool:
        return self.left_at is not None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def visible_count(self, conversation: Conversation) -> int:
        """How many of the conversation's messages this member can read."""
        if self.visible_until_number is None:
            return conversation.message_count
        return min(self.visible_until_number, conversation.message_count)


PREVIEW_LENGTH = 140


class Message(db.Model):
    """One message of a conversation, numbered 1, 2, 3… within it; addressable on its own by id."""

    __tablename__ = "messages"
    # A page of a conversation is `conversation_id = ? ORDER BY number`: this index serves it.
    __table_args__ = (UniqueConstraint("conversation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    conversation: Mapped[Conversation] = relationship(foreign_keys=[conversation_id])
    number: Mapped[int]
    # SET NULL: the message stays readable to the others even if the author's row is ever removed
    # (accounts are soft-deleted, and then signed "Former member").
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # community.markdown.render_markdown(body), rendered on write
    # Its start as plain text on one line, cut at a word (`preview_of`), also written with it: the inbox
    # shows it under each conversation, and stripping the tags there cost a tenth of the inbox.
    preview: Mapped[str] = mapped_column(String(PREVIEW_LENGTH + 1), server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Message {self.conversation_id}#{self.number}>"


class Block(db.Model):
    """`blocker` no longer receives messages from `blocked`."""

    __tablename__ = "message_blocks"
    __table_args__ = (
        CheckConstraint("blocker_id != blocked_id", name="not_self"),
        # The member's list of blocked members, most recent first.
        Index("ix_message_blocks_blocker_id_created_at", "blocker_id", "created_at", "blocked_id"),
    )

    # The primary key is the unique pair, and serves "whom did this member block" and "did they block X".
    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    blocked: Mapped[User] = relationship(foreign_keys=[blocked_id])
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
