"""What members do in the forum, and what they read there.

Writing services check their input, then permissions, write, and commit once; refusals are
ActionRefused (shown to the member, with the form field they are about) or PermissionDenied (403).
"""

import re
from datetime import datetime
from functools import cache
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, and_, bindparam, case, delete, func, or_, select, union, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from community import screening
from community.accounts.models import User
from community.accounts.services import refuse_if_silenced
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db

# Category management lives in its own module; the forum's callers reach it through this one.
from community.forum.categories import (  # noqa: F401
    CATEGORY_FIELDS,
    can_manage_categories,
    create_category,
    ensure_default_categories,
    get_category,
    list_categories,
    move_category,
    update_category,
)
from community.forum.models import (
    Category,
    CategoryWatch,
    Post,
    PostRevision,
    Reaction,
    Tag,
    Thread,
    ThreadRead,
    ThreadWatch,
    thread_tags,
)
from community.i18n import LANGUAGES
from community.markdown import mentioned_handles, render_markdown
from community.messages.blocks import blockers_of
from community.messages.models import Block
from community.notifications import services as notifications
from community.notifications.models import Notification, NotificationKind
from community.paging import Page
from community.profiles.mentions import Mentions
from community.rows import in_parameters, parameter_values, read_rows
from community.screening import Screening, Verdict
from community.types import utcnow

TITLE_MIN = 3
TITLE_MAX = 150
BODY_MAX = 20_000
TAG_MAX_LENGTH = 30
MAX_TAGS = 5
THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 20
# A post's rendered HTML may be at most this long (wide tables repeat their header cells on every row).
POST_HTML_MAX = 200_000
NOTIFICATION_TARGET = "forum_post"

TAG_PATTERN = re.compile(r"^[^\W_][\w-]*$")

LOCKED = _l("This thread is locked: no new replies.")
ANNOUNCEMENTS_ONLY = _l("Only moderators can start threads in this category.")
CLOSED_FOR_REVIEW = _l("Replies are closed while moderators review this thread.")


# Permissions


def _is_moderator(user: User) -> bool:
    return user.is_authenticated and user.is_moderator


def can_see_thread(user: User, thread: "Thread | ThreadHead") -> bool:
    """Moderators see every thread; others neither a hidden one nor, unless they wrote it, one awaiting review."""
    if _is_moderator(user):
        return True
    if thread.is_hidden:
        return False
    return not thread.awaiting_review or (user.is_authenticated and thread.author_id == user.id)


def can_see_post(user: User, post: Post) -> bool:
    """Whether the post has its place on the thread page for `user` (a hidden one shows as a placeholder).

    A post awaiting review is shown only to its author and to moderators.
    """
    return not post.awaiting_review or _is_moderator(user) or (user.is_authenticated and post.author_id == user.id)


def can_read_hidden(user: User) -> bool:
    """Moderators read hidden posts (marked as such); everyone else sees a placeholder."""
    return _is_moderator(user)


def can_read_post(user: User, post: Post) -> bool:
    """Whether `user` may read the post's text (to quote it, or in its history): not behind a placeholder."""
    return can_see_post(user, post) and (not post.is_hidden or can_read_hidden(user))


def is_held_or_hidden(thread: Thread) -> bool:
    return thread.is_hidden or thread.awaiting_review


def can_start_thread(user: User, category: Category) -> bool:
    return user.is_authenticated and not user.is_silenced and (user.is_moderator or not category.is_announcements)


def can_reply(user: User, thread: Thread) -> bool:
    return (
        user.is_authenticated
        and not user.is_silenced
        and not is_held_or_hidden(thread)
        and (user.is_moderator or not thread.is_locked)
    )


def can_edit_post(user: User, post: Post) -> bool:
    return (
        user.is_authenticated
        and not user.is_silenced
        and post.author_id == user.id
        and not post.is_deleted
        and not post.is_hidden  # what moderators hid stays as it was, so a restore brings it back exactly
        and (user.is_moderator or not post.thread.is_locked)
    )


def can_delete_post(user: User, post: Post) -> bool:
    return user.is_authenticated and post.author_id == user.id and not post.is_deleted and not post.is_hidden


def can_mark_helpful(user: User, post: Post) -> bool:
    return (
        user.is_authenticated
        and post.author_id != user.id
        and not post.is_deleted
        and not post.is_hidden
        and not post.awaiting_review
    )


# Input


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())  # no line breaks or runs of spaces in a title
    if len(title) < TITLE_MIN:
        raise ActionRefused(_l("Please write a title of at least %(num)d characters.", num=TITLE_MIN), field="title")
    if len(title) > TITLE_MAX:
        raise ActionRefused(_l("The title can have at most %(num)d characters.", num=TITLE_MAX), field="title")
    return title


def clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ActionRefused(_l("Please write something."), field="body")
    if len(body) > BODY_MAX:
        raise ActionRefused(_l("The text can have at most %(num)d characters.", num=BODY_MAX), field="body")
    return body


def render_body(body: str, mentions: Mentions | None = None) -> str:
    """The post's HTML, or ActionRefused about the body field when it would be too large.

    With `mentions`, the @handles of members become links to their profiles.
    """
    try:
        return str(render_markdown(body, max_html_chars=POST_HTML_MAX, link_mentions=mentions))
    except ActionRefused as refusal:
        raise ActionRefused(refusal.reason, field="body") from None


def normalize_tags(text: str | list[str]) -> list[str]:
    """Lowercase tags, spaces turned into hyphens, without repeats; ActionRefused for bad or too many."""
    parts = text.split(",") if isinstance(text, str) else text
    tags: list[str] = []
    for part in parts:
        tag = "-".join(part.strip().lower().split())
        if not tag or tag in tags:
            continue
        if len(tag) > TAG_MAX_LENGTH:
            raise ActionRefused(_l("A tag can have at most %(num)d characters.", num=TAG_MAX_LENGTH), field="tags")
        if not TAG_PATTERN.match(tag):
            raise ActionRefused(_l("Tags can contain only letters, digits and hyphens."), field="tags")
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ActionRefused(_l("A thread can have at most %(num)d tags.", num=MAX_TAGS), field="tags")
    return tags


def _tags_named(names: list[str]) -> list[Tag]:
    if not names:
        return []
    existing = {tag.name: tag for tag in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    for name in names:
        if name not in existing:
            existing[name] = Tag(name=name)
            db.session.add(existing[name])
    return [existing[name] for name in names]


def _screen(author: User, text: str, *, kind: str, language: str | None) -> Screening:
    """Moderation's answer about new text; ActionRefused about the body field when it is not allowed."""
    answer = screening.screen(author, text, kind=kind, language=language)
    if answer.verdict is Verdict.BLOCK:
        raise ActionRefused(answer.reason, field="body")
    return answer


# Threads and posts


def start_thread(
    author: User,
    category: Category,
    title: str,
    body: str,
    language: str | None = None,
    tags: str | list = "",
    *,
    screen: bool = True,
    commit: bool = True,
) -> Thread:
    """Open a thread with its first post; its author watches it, the category's watchers are notified.

    The text is screened by moderation first: ActionRefused when it is not allowed (nothing saved); when it
    must wait for review, thread and post are saved awaiting review and nobody is notified until a moderator
    publishes them (publish_post). `screen=False` is for text the site writes itself (an event's discussion
    thread, demo data); `commit=False` only flushes. Raises Silenced (a 403) when the author is read-only.
    """
    refuse_if_silenced(author)
    title = clean_title(title)
    body = clean_body(body)
    tag_names = normalize_tags(tags)
    language = language or author.locale
    if language not in LANGUAGES:
        raise ActionRefused(_l("Please choose one of the offered languages."), field="language")
    mentions = Mentions()
    body_html = render_body(body, mentions)
    if not can_start_thread(author, category):
        raise PermissionDenied
    verdict = _screen(author, f"{title}\n{body}", kind="thread", language=language) if screen else screening.PUBLISH
    held = verdict.verdict is Verdict.REVIEW
    now = utcnow()
    thread = Thread(
        category=category,
        author=author,
        title=title,
        language=language,
        tags=_tags_named(tag_names),
        created_at=now,
        last_post_at=now,
        last_poster=author,
        post_count=1,
        awaiting_review=held,
    )
    post = Post(
        thread=thread, number=1, author=author, body=body, body_html=body_html, created_at=now, awaiting_review=held
    )
    db.session.add_all([thread, post])
    db.session.flush()
    thread.last_post_id = post.id
    db.session.execute(
        update(Category)
        .where(Category.id == category.id)
        .values(thread_count=Category.thread_count + 1, post_count=Category.post_count + 1)
    )
    db.session.add(ThreadWatch(user_id=author.id, thread_id=thread.id))
    _mark_read(author, thread, 1)
    if held:
        screening.hold_for_review("thread", thread.id, author, verdict)
    else:
        _announce(post, thread, author, mentions.user_ids())
    if commit:
        db.session.commit()
    return thread


def reply_to_thread(author: User, thread: Thread, body: str, *, screen: bool = True) -> Post:
    """Add a reply at the end of the thread and notify the thread's and the category's watchers.

    Raises ActionRefused when the thread is locked (moderators may still reply), Silenced when the
    author is read-only for now. Screened like start_thread (`screen=False` for demo data): a reply that
    must wait for review is saved awaiting it, is not yet the thread's latest activity, and nobody is
    notified until it is published.
    """
    refuse_if_silenced(author)
    body = clean_body(body)
    if not author.is_authenticated:
        raise PermissionDenied
    if not can_reply(author, thread):
        raise ActionRefused(CLOSED_FOR_REVIEW if is_held_or_hidden(thread) else LOCKED)
    verdict = _screen(author, body, kind="post", language=thread.language) if screen else screening.PUBLISH
    held = verdict.verdict is Verdict.REVIEW
    mentions = Mentions()
    body_html = render_body(body, mentions)
    now = utcnow()
    activity = {} if held else {"last_post_at": now, "last_poster_id": author.id}
    # Numbered by the database in one statement, so two replies at once never get the same number.
    number = db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1, **activity)
        .returning(Thread.post_count)
    ).scalar_one()
    post = Post(
        thread_id=thread.id, number=number, author_id=author.id, body=body, body_html=body_html, created_at=now,
        awaiting_review=held,
    )  # fmt: skip
    db.session.add(post)
    db.session.flush()
    if not held:
        db.session.execute(update(Thread).where(Thread.id == thread.id).values(last_post_id=post.id))
    db.session.execute(
        update(Category).where(Category.id == thread.category_id).values(post_count=Category.post_count + 1)
    )
    _mark_read(author, thread, number)
    if held:
        screening.hold_for_review("post", post.id, author, verdict)
    else:
        _announce(post, thread, author, mentions.user_ids())
    db.session.commit()
    db.session.refresh(thread)
    return post


def _announce(post: Post, thread: Thread, author: User, mentioned: set[int], *, once: bool = False) -> None:
    """Tell the members the post mentions, then the watchers: the category's for a new thread, the thread's and
    the category's for a reply. With `once`, members already notified about this post are left out. Only flushes.
    """
    if post.number == 1:
        watchers, kind = set(_category_watchers(thread.category_id)), NotificationKind.NEW_THREAD
    else:
        watchers, kind = set(_watchers_of(thread)), NotificationKind.NEW_REPLY
    told: set[int] = set()
    if once and (mentioned or watchers):
        told = set(
            db.session.scalars(
                select(Notification.user_id).where(
                    Notification.user_id.in_(mentioned | watchers),
                    Notification.target_type == NOTIFICATION_TARGET,
                    Notification.target_id == post.id,
                )
            )
        )
    if mentioned or watchers:
        # Members who blocked the author hear nothing of what they write, mention or not.
        told |= set(
            db.session.scalars(blockers_of(author.id).where(Block.blocker_id.in_(mentioned | watchers)))
        )
    _notify_mentioned(mentioned - told, post, thread, author)
    # A member both mentioned and watching hears about the post once, as a mention.
    notifications.notify(
        watchers - mentioned - told, kind, target_type=NOTIFICATION_TARGET, target_id=post.id, text=thread.title,
        actor=author,
    )  # fmt: skip


def publish_post(post: Post) -> None:
    """Publish a post that waited for review (and its thread, for an opening post); send what was held back.

    The members it mentions and the watchers are told as they would have been when it was written, and only
    once: members already notified about this post are left out, and a post not awaiting review is left
    alone. A reply becomes the thread's latest activity if nothing newer was posted meanwhile. Only flushes:
    the caller (moderation) commits, with its audit entry.
    """
    thread = post.thread
    if not (post.awaiting_review or (post.number == 1 and thread.awaiting_review)):
        return
    post.awaiting_review = False
    if post.number == 1:
        thread.awaiting_review = False
    elif post.created_at >= thread.last_post_at:
        thread.last_post_at, thread.last_poster_id, thread.last_post_id = post.created_at, post.author_id, post.id
    db.session.flush()
    if post.is_deleted:
        return
    mentioned: set[int] = set()
    handles = mentioned_handles(post.body)
    if handles:
        mentions = Mentions()
        mentions(handles)
        mentioned = mentions.user_ids()
    _announce(post, thread, post.author, mentioned, once=True)


def _notify_mentioned(user_ids: set[int], post: Post, thread: Thread, author: User) -> None:
    notifications.notify(
        user_ids, NotificationKind.MENTION, target_type=NOTIFICATION_TARGET, target_id=post.id, text=thread.title,
        actor=author,
    )  # fmt: skip


def _category_watchers(category_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(CategoryWatch.user_id)
            .join(User, User.id == CategoryWatch.user_id)
            .where(CategoryWatch.category_id == category_id, User.deleted_at.is_(None))
        )
    )


def _watchers_of(thread: Thread) -> list[int]:
    """Members watching the thread or its category, in one query."""
    watching = union(
        select(ThreadWatch.user_id).where(ThreadWatch.thread_id == thread.id),
        select(CategoryWatch.user_id).where(CategoryWatch.category_id == thread.category_id),
    ).subquery()
    return list(
        db.session.scalars(select(User.id).where(User.id.in_(select(watching.c.user_id)), User.deleted_at.is_(None)))
    )


def edit_post(editor: User, post: Post, body: str) -> Post:
    """Replace the post's text, keeping the previous version in its history (Silenced if read-only).

    The new text is screened like a new post (an opening post with its thread's title): ActionRefused when it
    is not allowed; when it must wait for review, the post (and the thread, for an opening post) waits again,
    and the members it newly mentions are told when it is published.
    """
    refuse_if_silenced(editor)
    body = clean_body(body)
    if not can_edit_post(editor, post):
        raise PermissionDenied
    if body == post.body:
        return post
    thread = post.thread
    opening = post.number == 1
    text = f"{thread.title}\n{body}" if opening else body
    verdict = _screen(editor, text, kind="thread" if opening else "post", language=thread.language)
    mentions = Mentions()
    body_html = render_body(body, mentions)
    now = utcnow()
    db.session.add(
        PostRevision(post_id=post.id, body=post.body, body_html=post.body_html,
                     written_at=post.edited_at or post.created_at, replaced_at=now)
    )  # fmt: skip
    if verdict.verdict is Verdict.REVIEW:
        post.awaiting_review = True
        if opening:
            thread.awaiting_review = True
        db.session.flush()
        screening.hold_for_review("thread" if opening else "post", thread.id if opening else post.id, editor, verdict)
    elif not post.awaiting_review:
        # Only the members the edit adds are told; those named before already were.
        _notify_mentioned(mentions.user_ids(leaving_out=mentioned_handles(post.body)), post, thread, editor)
    post.body = body
    post.body_html = body_html
    post.edited_at = now
    db.session.commit()
    return post


def delete_post(user: User, post: Post) -> None:
    """Soft-delete the member's own post: its place in the thread shows that it was deleted."""
    if not can_delete_post(user, post):
        raise PermissionDenied
    post.deleted_at = utcnow()
    db.session.commit()


def toggle_helpful(user: User, post: Post) -> bool:
    """Mark the post helpful, or take the mark back; return whether it is now marked by the member."""
    if not can_mark_helpful(user, post):
        raise PermissionDenied
    removed = db.session.execute(delete(Reaction).where(Reaction.post_id == post.id, Reaction.user_id == user.id))
    if removed.rowcount:
        change = -1
    else:
        db.session.add(Reaction(post_id=post.id, user_id=user.id))
        try:
            db.session.flush()
        except IntegrityError:  # the same click twice at once: the first one counted
            db.session.rollback()
            return True
        change = 1
    db.session.execute(update(Post).where(Post.id == post.id).values(helpful_count=Post.helpful_count + change))
    db.session.commit()
    db.session.refresh(post)
    return change > 0


# Moderation's primitives: community.moderation.actions checks who may act, writes the audit entry and
# commits; these only change the rows and flush.


def set_post_hidden(post: Post, hidden: bool) -> None:
    """Hide the post behind a placeholder, or show it again; its text is left exactly as it was."""
    post.is_hidden = hidden
    db.session.flush()


def set_thread_hidden(thread: Thread, hidden: bool) -> None:
    """Hide the whole thread from members, or show it again; nothing in it is changed."""
    thread.is_hidden = hidden
    db.session.flush()


def set_thread_pinned(thread: Thread, pinned: bool) -> None:
    thread.is_pinned = pinned
    db.session.flush()


def set_thread_locked(thread: Thread, locked: bool) -> None:
    thread.is_locked = locked
    db.session.flush()


def move_thread(thread: Thread, category: Category) -> None:
    """Move the thread with all its posts to `category`, keeping both categories' counts right."""
    if thread.category_id == category.id:
        return
    db.session.execute(
        update(Category)
        .where(Category.id == thread.category_id)
        .values(thread_count=Category.thread_count - 1, post_count=Category.post_count - thread.post_count)
    )
    db.session.execute(
        update(Category)
        .where(Category.id == category.id)
        .values(thread_count=Category.thread_count + 1, post_count=Category.post_count + thread.post_count)
    )
    thread.category = category
    db.session.flush()


def edit_post_as_moderator(moderator: User, post: Post, body: str) -> bool:
    """Replace the post's text as a moderator: the earlier version stays in its history, and the post
    shows that a moderator edited it. Return False when the text is unchanged (nothing is written).

    Raises ActionRefused about the body field for an empty or too long text.
    """
    body = clean_body(body)
    if body == post.body:
        return False
    mentions = Mentions()
    body_html = render_body(body, mentions)
    now = utcnow()
    db.session.add(
        PostRevision(post_id=post.id, body=post.body, body_html=post.body_html,
                     written_at=post.edited_at or post.created_at, replaced_at=now)
    )  # fmt: skip
    _notify_mentioned(mentions.user_ids(leaving_out=mentioned_handles(post.body)), post, post.thread, moderator)
    post.body = body
    post.body_html = body_html
    post.edited_at = now
    post.moderator_edited_at = now
    db.session.flush()
    return True


# Watching


def _require_member(user: User) -> None:
    if not user.is_authenticated:
        raise PermissionDenied


def watch_thread(user: User, thread: Thread) -> None:
    _require_member(user)
    if db.session.get(ThreadWatch, (user.id, thread.id)) is None:
        db.session.add(ThreadWatch(user_id=user.id, thread_id=thread.id))
        db.session.commit()


def unwatch_thread(user: User, thread: Thread) -> None:
    _require_member(user)
    db.session.execute(delete(ThreadWatch).where(ThreadWatch.user_id == user.id, ThreadWatch.thread_id == thread.id))
    db.session.commit()


def watch_category(user: User, category: Category) -> None:
    _require_member(user)
    if db.session.get(CategoryWatch, (user.id, category.id)) is None:
        db.session.add(CategoryWatch(user_id=user.id, category_id=category.id))
        db.session.commit()


def unwatch_category(user: User, category: Category) -> None:
    _require_member(user)
    db.session.execute(
        delete(CategoryWatch).where(CategoryWatch.user_id == user.id, CategoryWatch.category_id == category.id)
    )
    db.session.commit()


def is_watching_thread(user: User, thread: Thread) -> bool:
    return user.is_authenticated and db.session.get(ThreadWatch, (user.id, thread.id)) is not None


def is_watching_category(user: User, category: Category) -> bool:
    return user.is_authenticated and db.session.get(CategoryWatch, (user.id, category.id)) is not None


def watching_categories(user: User, category_ids: list[int]) -> list[tuple[int, str, bool]]:
    """(id, slug, whether `user` watches it) for each of the categories `category_ids`, in one query."""
    values = {"reader_id": user.id, **parameter_values("category_id", category_ids)}
    return [tuple(row) for row in read_rows(_watching_categories_statement(len(category_ids)), values)]


# The statements behind a member's own marks on shared forum pages are built once, with the member and the
# listed ids as parameters: on a page served from the cache, building them cost more than running them.


@cache
def _watching_categories_statement(count: int) -> Select:
    watch = and_(CategoryWatch.category_id == Category.id, CategoryWatch.user_id == bindparam("reader_id"))
    return (
        select(Category.id, Category.slug, CategoryWatch.user_id.is_not(None))
        .outerjoin(CategoryWatch, watch)
        .where(in_parameters(Category.id, "category_id", count))
    )


# Reading


def _mark_read(user: User, thread: "Thread | ThreadHead", number: int) -> None:
    """Record that the member has read the thread up to post `number` (never backwards). Only flushes."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(ThreadRead).values(
        user_id=user.id, thread_id=thread.id, last_read_number=number, read_at=utcnow()
    )
    statement = statement.on_conflict_do_update(
        index_elements=[ThreadRead.user_id, ThreadRead.thread_id],
        set_={
            "last_read_number": case(
                (
                    statement.excluded.last_read_number > ThreadRead.last_read_number,
                    statement.excluded.last_read_number,
                ),
                else_=ThreadRead.last_read_number,
            ),
            "read_at": statement.excluded.read_at,
        },
    )
    db.session.execute(statement)


def mark_page_read(
    user: User,
    thread: "Thread | ThreadHead",
    page: int,
    per_page: int = POSTS_PER_PAGE,
    read_before: int | None = None,
    has_unread_notifications: bool = True,
) -> None:
    """Record that the member has seen a page of the thread, and clear their notifications about its posts.

    A page the member had already read (`read_before`, from `get_thread_head`) with no unread
    notification left writes nothing: reading a thread again costs no write, which on SQLite would
    queue behind every other writer.
    """
    if not user.is_authenticated:
        return
    first = (page - 1) * per_page + 1
    last = min(first + per_page - 1, thread.post_count)
    if last < first:
        return
    if read_before is not None and read_before >= last and not has_unread_notifications:
        return
    _mark_read(user, thread, last)
    on_page = select(Post.id).where(Post.thread_id == thread.id, Post.number.between(first, last))
    notifications.mark_targets_read(user, NOTIFICATION_TARGET, on_page)
    db.session.commit()


def mark_read(user: User, thread: Thread, posts: list[Post]) -> None:
    """Record that the member has read these posts of the thread (e.g. by e-mail or in a list)."""
    if not user.is_authenticated or not posts:
        return
    _mark_read(user, thread, max(post.number for post in posts))
    notifications.mark_targets_read(user, NOTIFICATION_TARGET, [post.id for post in posts])
    db.session.commit()


def last_read_number(user: User, thread: Thread) -> int:
    if not user.is_authenticated:
        return 0
    return (
        db.session.scalar(
            select(ThreadRead.last_read_number).where(ThreadRead.user_id == user.id, ThreadRead.thread_id == thread.id)
        )
        or 0
    )


def first_unread_number(user: User, thread: Thread) -> int:
    """The number of the first post the member has not read (the last post if they read everything)."""
    return min(last_read_number(user, thread) + 1, max(thread.post_count, 1))


def page_of(number: int, per_page: int = POSTS_PER_PAGE) -> int:
    return (max(number, 1) - 1) // per_page + 1


def reading_languages(user: User, language: str | None = None) -> tuple[str, ...]:
    """The thread languages a list shows: the one asked for, else the member's choice, else all."""
    if language:
        return (language,)
    if user.is_authenticated:
        return user.reading_languages
    return LANGUAGES


def read_positions(viewer: User, thread_ids: list[int]) -> list[tuple[int, int, int | None]]:
    """(id, post count, last post number `viewer` read or None) for each of the threads `thread_ids`."""
    values = {"reader_id": viewer.id, **parameter_values("thread_id", thread_ids)}
    return [tuple(row) for row in read_rows(_read_positions_statement(len(thread_ids)), values)]


@cache
def _read_positions_statement(count: int) -> Select:
    read = and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == bindparam("reader_id"))
    return (
        select(Thread.id, Thread.post_count, ThreadRead.last_read_number)
        .outerjoin(ThreadRead, read)
        .where(in_parameters(Thread.id, "thread_id", count))
    )


def has_threads_awaiting_review(member: User) -> bool:
    """Whether the member started a thread that waits for a moderator (lists show it to them alone)."""
    return read_rows(_awaiting_review_statement(), {"author_id": member.id}).first() is not None


@cache
def _awaiting_review_statement() -> Select:
    awaiting = and_(Thread.author_id == bindparam("author_id"), Thread.awaiting_review.is_(True))
    return select(Thread.id).where(awaiting).limit(1)


def _visible_threads(viewer: User) -> list:
    """The conditions that keep hidden threads, and others' threads awaiting review, out of a member's lists.

    Moderators see them all (marked). Such threads are rare: the list indexes still lead, these only filter.
    """
    if _is_moderator(viewer):
        return []
    return _shown_to(viewer.id if viewer.is_authenticated else None)


def _shown_to(author_id) -> list:
    """Neither hidden nor awaiting review, unless `author_id` (a member's id, or a bound parameter) wrote it."""
    held = Thread.awaiting_review.is_(False)
    if author_id is not None:
        held = or_(held, Thread.author_id == author_id)
    return [Thread.is_hidden.is_(False), held]


def list_threads(
    viewer: User,
    page: int = 1,
    *,
    category: Category | None = None,
    language: str | None = None,
    tag: Tag | None = None,
    per_page: int = THREADS_PER_PAGE,
    count: bool = True,
) -> Page:
    """A page of threads as (thread, last read number or None) rows, in a constant number of queries.

    In a category pinned threads come first; then, as everywhere, by last activity.
    """
    languages = reading_languages(viewer, language)
    conditions = []
    if category is not None:
        conditions.append(Thread.category_id == category.id)
    if set(languages) != set(LANGUAGES):
        conditions.append(Thread.language.in_(languages))
    if tag is not None:
        conditions.append(Thread.id.in_(select(thread_tags.c.thread_id).where(thread_tags.c.tag_id == tag.id)))
    conditions.extend(_visible_threads(viewer))
    order = [Thread.last_post_at.desc(), Thread.id.desc()]
    if category is not None:
        order.insert(0, Thread.is_pinned.desc())
    options = [
        joinedload(Thread.author),
        joinedload(Thread.last_poster),
        joinedload(Thread.category),
        selectinload(Thread.tags),
    ]
    if viewer.is_authenticated:
        query = select(Thread, ThreadRead.last_read_number).outerjoin(
            ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == viewer.id)
        )
    else:
        query = select(Thread, None)
    query = query.where(*conditions).order_by(*order).options(*options)
    rows = [tuple(row) for row in db.session.execute(query.limit(per_page).offset((page - 1) * per_page))]
    total = len(rows)
    if count:
        total = db.session.scalar(select(func.count(Thread.id)).where(*conditions)) or 0
    return Page(rows, page, per_page, total)


class LatestThread(NamedTuple):
    """What the dashboard shows of a thread, read as columns: whole threads carry more than it shows."""

    id: int
    title: str
    language: str
    post_count: int
    last_post_at: datetime
    is_hidden: bool
    awaiting_review: bool

    reply_count = Thread.reply_count  # the thread's own property, worked out from post_count


def list_latest_threads(viewer: User, limit: int = 5) -> list[tuple[Thread | LatestThread, int | None]]:
    """The threads with the latest activity (in the member's reading languages) with how far the member
    read each, for the dashboard: the threads alone, without their authors, categories or tags."""
    if not viewer.is_authenticated:
        return list_threads(viewer, 1, per_page=limit, count=False).items
    languages = list(reading_languages(viewer))
    every_language = set(languages) == set(LANGUAGES)
    statement = _latest_threads_statement(_is_moderator(viewer), None if every_language else len(languages))
    values = {"reader_id": viewer.id, "limit": limit}
    if not every_language:
        values |= parameter_values("language", languages)
    return [(LatestThread(*columns), last_read) for *columns, last_read in read_rows(statement, values).all()]


@cache
def _latest_threads_statement(for_moderator: bool, language_count: int | None) -> Select:
    # Built once with the member as a parameter (and for each number of reading languages, None for all of
    # them): the dashboard shows these on every visit.
    reader_id = bindparam("reader_id", type_=Integer)
    conditions = [] if language_count is None else [in_parameters(Thread.language, "language", language_count)]
    if not for_moderator:
        conditions += _shown_to(reader_id)
    shown = (Thread.id, Thread.title, Thread.language, Thread.post_count, Thread.last_post_at, Thread.is_hidden,
             Thread.awaiting_review)  # fmt: skip
    return (
        select(*shown, ThreadRead.last_read_number)
        .outerjoin(ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == reader_id))
        .where(*conditions)
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(bindparam("limit", type_=Integer))
    )


def list_threads_for_feed(category: Category | None = None, limit: int = 30) -> list[Thread]:
    """The newest threads, with their opening posts and authors, for an Atom feed (hidden and held ones left out)."""
    query = (
        select(Thread)
        .where(Thread.is_hidden.is_(False), Thread.awaiting_review.is_(False))
        .options(joinedload(Thread.author), joinedload(Thread.category), selectinload(Thread.first_post))
        .order_by(Thread.created_at.desc(), Thread.id.desc())
        .limit(limit)
    )
    if category is not None:
        query = query.where(Thread.category_id == category.id)
    return list(db.session.scalars(query))


def get_thread(thread_id: int) -> Thread | None:
    return db.session.scalar(select(Thread).where(Thread.id == thread_id).options(joinedload(Thread.category)))


class ThreadHead(NamedTuple):
    """What decides a member's page of a thread, read as columns: whether they may see it, which page
    kept for members they get, and how far they had read it. Loading the whole thread with its category
    and tags took four times as long, and a kept page needs none of it."""

    id: int
    post_count: int
    is_locked: bool
    is_hidden: bool
    awaiting_review: bool
    author_id: int
    read_before: int  # the number of the last post the member had read, 0 for none
    watching: bool


def get_thread_head(user: User, thread_id: int) -> ThreadHead | None:
    """The thread's head for the member `user`, in one statement; None if there is no such thread."""
    row = read_rows(_head_statement(), {"thread_id": thread_id, "reader_id": user.id}).first()
    if row is None:
        return None
    *columns, read_before, watching = row
    return ThreadHead(*columns, read_before or 0, bool(watching))


@cache
def _head_statement() -> Select:
    # Built once with the thread and reader as parameters: building it cost more than running it.
    reader_id = bindparam("reader_id", type_=Integer)
    read = (
        select(ThreadRead.last_read_number)
        .where(ThreadRead.user_id == reader_id, ThreadRead.thread_id == Thread.id)
        .scalar_subquery()
    )
    watching = (
        select(ThreadWatch.user_id).where(ThreadWatch.user_id == reader_id, ThreadWatch.thread_id == Thread.id).exists()
    )
    columns = (Thread.id, Thread.post_count, Thread.is_locked, Thread.is_hidden, Thread.awaiting_review,
               Thread.author_id)  # fmt: skip
    return select(*columns, read, watching).where(Thread.id == bindparam("thread_id", type_=Integer))


def get_thread_to_show(thread_id: int) -> Thread | None:
    """The thread with its category and tags, which its page shows, in one statement."""
    return db.session.execute(_shown_statement(), {"thread_id": thread_id}).unique().scalar_one_or_none()


@cache
def _shown_statement() -> Select:
    return (
        select(Thread)
        .where(Thread.id == bindparam("thread_id", type_=Integer))
        .options(joinedload(Thread.category), joinedload(Thread.tags))
    )


def get_post(post_id: int) -> Post | None:
    return db.session.scalar(
        select(Post).where(Post.id == post_id).options(joinedload(Post.thread).joinedload(Thread.category))
    )


def thread_posts_query(thread: Thread, page: int, per_page: int = POSTS_PER_PAGE):
    """The posts of a page, selected by number: the last page of a long thread costs what the first does."""
    first = (page - 1) * per_page + 1
    return (
        select(Post)
        .where(Post.thread_id == thread.id, Post.number.between(first, first + per_page - 1))
        .order_by(Post.number)
    )


def get_thread_page(thread: Thread, page: int, per_page: int = POSTS_PER_PAGE) -> Page:
    posts = list(db.session.scalars(thread_posts_query(thread, page, per_page).options(joinedload(Post.author))))
    return Page(posts, page, per_page, thread.post_count)


def helpful_among(user: User, post_ids: list[int]) -> set[int]:
    """Which of the posts `post_ids` the member has marked helpful (one query)."""
    if not user.is_authenticated or not post_ids:
        return set()
    query = select(Reaction.post_id).where(Reaction.user_id == user.id, Reaction.post_id.in_(post_ids))
    return set(db.session.scalars(query))


class PageMarks(NamedTuple):
    """The member's own marks on a page of a thread."""

    wrote_any: bool  # they wrote one of its posts (theirs carry edit and delete buttons)
    helpful: frozenset[int]  # the posts they marked helpful


def marks_on_page(user: User, thread: Thread, page: int, per_page: int = POSTS_PER_PAGE) -> PageMarks:
    """Whether the member wrote any post on this page of the thread, and which of its posts they found
    helpful: one statement over the page's posts."""
    if not user.is_authenticated:
        return PageMarks(False, frozenset())
    first = (page - 1) * per_page + 1
    values = {"thread_id": thread.id, "first": first, "last": first + per_page - 1, "reader_id": user.id}
    rows = read_rows(_marks_statement(), values).all()
    return PageMarks(any(own for _, own, _ in rows), frozenset(post_id for post_id, _, helpful in rows if helpful))


@cache
def _marks_statement() -> Select:
    reader_id = bindparam("reader_id", type_=Integer)
    found_helpful = select(Reaction.id).where(Reaction.post_id == Post.id, Reaction.user_id == reader_id).exists()
    own = Post.author_id == reader_id
    # Only the posts that carry a mark: on most pages, for most members, none.
    return select(Post.id, own, found_helpful).where(
        Post.thread_id == bindparam("thread_id", type_=Integer),
        Post.number.between(bindparam("first", type_=Integer), bindparam("last", type_=Integer)),
        or_(own, found_helpful),
    )


def list_revisions(post: Post) -> list[PostRevision]:
    """The earlier versions of a post, newest first."""
    return list(
        db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id).order_by(PostRevision.id.desc()))
    )


def quote(post: Post, author_name: str) -> str:
    """The post as a Markdown quote, to start a reply with."""
    lines = [f"> **{author_name}**:", ">"] + [f"> {line}" if line else ">" for line in post.body.splitlines()]
    return "\n".join(lines) + "\n\n"


def get_tag(name: str) -> Tag | None:
    return db.session.scalar(select(Tag).where(Tag.name == name.strip().lower()))
