"""How forum posts appear in notification e-mails (registered with the notifications area by views.py)."""

from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db
from community.forum.models import Post, Thread
from community.forum.services import NOTIFICATION_TARGET
from community.notifications.emails import EmailItem, excerpt, register_email_source


def describe_posts(post_ids: list[int]) -> dict[int, EmailItem]:
    """Each post's thread (the e-mail's group), author, excerpt and moderation state, in one query."""
    rows = db.session.execute(
        select(Post, Thread, User)
        .join(Thread, Thread.id == Post.thread_id)
        .join(User, User.id == Post.author_id)
        .where(Post.id.in_(post_ids))
    ).all()
    return {
        post.id: EmailItem(
            group_key=f"thread:{thread.id}",
            place="thread",
            title=thread.title,
            author=author,
            excerpt=excerpt(post.body_html),
            is_gone=post.is_deleted or post.is_hidden or thread.is_hidden,
            is_held=post.awaiting_review or thread.awaiting_review,
        )
        for post, thread, author in rows
    }


register_email_source(NOTIFICATION_TARGET, describe_posts)
