from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, and_, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.extensions import db
from community.i18n import LANGUAGES
from community.types import UTCDateTime, utcnow

thread_tags = Table(
    "thread_tags",
    db.metadata,
    Column("thread_id", ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    # Listing a tag's threads starts from the tag.
    Index("ix_thread_tags_tag_id_thread_id", "tag_id", "thread_id"),
)


class Category(db.Model):
    """A section of the forum, named and described in each of the site's languages."""

    __tablename__ = "forum_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_es: Mapped[str] = mapped_column(String(80), default="")
    name_pt: Mapped[str] = mapped_column(String(80), default="")
    name_en: Mapped[str] = mapped_column(String(80), default="")
    description_es: Mapped[str] = mapped_column(String(300), default="")
    description_pt: Mapped[str] = mapped_column(String(300), default="")
    description_en: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0, index=True)
    # Only moderators start threads here; members may still reply.
    is_announcements: Mapped[bool] = mapped_column(default=False)
    thread_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"

    def _localized(self, field: str, language: str) -> tuple[str, str]:
        for code in (language, *LANGUAGES):
            value = getattr(self, f"{field}_{code}", "")
            if value:
                return value, code
        return "", language

    def name_in(self, language: str) -> tuple[str, str]:
        """(name, its language): the name in `language`, else in the first language that has one."""
        return self._localized("name", language)

    def description_in(self, language: str) -> tuple[str, str]:
        return self._localized("description", language)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)  # lowercase, see services.normalize_tags


class Thread(db.Model):
    __tablename__ = "threads"
    __table_args__ = (
        # A category's list: pinned first, then by last activity.
        Index("ix_threads_category_list", "category_id", "is_pinned", "last_post_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("forum_categories.id"))
    category: Mapped[Category] = relationship()
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    title: Mapped[str] = mapped_column(String(150))
    language: Mapped[str] = mapped_column(String(2), index=True)
    tags: Mapped[list[Tag]] = relationship(secondary=thread_tags, order_by=Tag.name)
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_locked: Mapped[bool] = mapped_column(default=False)
    # Moderation: a hidden thread shows a placeholder to members and stays readable by moderators; a
    # thread whose opening post awaits review is seen only by its author and moderators.
    is_hidden: Mapped[bool] = mapped_column(default=False, server_default=false())
    awaiting_review: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Kept on the row so lists never count or look up posts: the highest post number (posts are never
    # removed, only soft-deleted), and who wrote the last one and when.
    post_count: Mapped[int] = mapped_column(default=0)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    last_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", use_alter=True, ondelete="SET NULL"))
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_poster: Mapped[User | None] = relationship(foreign_keys=[last_poster_id])
    first_post: Mapped["Post"] = relationship(
        primaryjoin=lambda: and_(Post.thread_id == Thread.id, Post.number == 1), viewonly=True, uselist=False
    )

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.title!r}>"

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)


class Post(db.Model):
    __tablename__ = "posts"
    # A thread page is `thread_id = ? AND number BETWEEN a AND b`: this index serves it directly.
    __table_args__ = (UniqueConstraint("thread_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    thread: Mapped[Thread] = relationship(foreign_keys=[thread_id])
    number: Mapped[int]  # 1 for the opening post, then 2, 3, ... within the thread
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # community.markdown.render_markdown(body), rendered on write
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    helpful_count: Mapped[int] = mapped_column(default=0)
    # Moderation: hidden posts show a placeholder to members; posts awaiting review (a new member's first
    # posts, a watched word, many links) are seen only by their author (marked) and moderators.
    is_hidden: Mapped[bool] = mapped_column(default=False, server_default=false())
    awaiting_review: Mapped[bool] = mapped_column(default=False, server_default=false())
    moderator_edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # shown as "edited by a moderator"

    def __repr__(self) -> str:
        return f"<Post {self.thread_id}#{self.number}>"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(db.Model):
    """An earlier version of an edited post, kept for its visible history."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # When this version was written (the post's creation or an earlier edit), not when it was replaced.
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Reaction(db.Model):
    """A member found a post helpful (the only reaction there is)."""

    __tablename__ = "post_reactions"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ThreadRead(db.Model):
    """How far a member has read a thread: posts numbered above `last_read_number` are unread."""

    __tablename__ = "thread_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True)
    last_read_number: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ThreadWatch(db.Model):
    __tablename__ = "thread_watches"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CategoryWatch(db.Model):
    __tablename__ = "category_watches"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("forum_categories.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
