"""Blocking: a member stops another from writing to them, and sees whom they blocked."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.messages.models import Block

BLOCKS_PER_PAGE = 25


def blockers_between(first_id: int, second_id: int) -> set[int]:
    """Which of the two members blocks the other (none, one or both), in one query."""
    return set(
        db.session.scalars(
            select(Block.blocker_id).where(
                or_(
                    and_(Block.blocker_id == first_id, Block.blocked_id == second_id),
                    and_(Block.blocker_id == second_id, Block.blocked_id == first_id),
                )
            )
        )
    )


def blockers_of(user_id: int):
    """A SELECT of the ids of the members who block `user_id`, to use inside another statement."""
    return select(Block.blocker_id).where(Block.blocked_id == user_id)


def block_member(blocker: User, member: User) -> None:
    """Stop `member` from writing to `blocker`: no new conversation, no reply one-to-one, no notification."""
    if not blocker.is_authenticated:
        raise PermissionDenied
    if member.id == blocker.id:
        raise ActionRefused(_l("You cannot block yourself."))
    if db.session.get(Block, (blocker.id, member.id)) is not None:
        return
    db.session.add(Block(blocker_id=blocker.id, blocked_id=member.id))
    try:
        db.session.commit()
    except IntegrityError:  # the same click twice at once: the first one counted
        db.session.rollback()


def unblock_member(blocker: User, member: User) -> None:
    if not blocker.is_authenticated:
        raise PermissionDenied
    db.session.execute(delete(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == member.id))
    db.session.commit()


def is_blocking(blocker, member: User) -> bool:
    return blocker.is_authenticated and db.session.get(Block, (blocker.id, member.id)) is not None


def list_blocked(user: User, page: int, per_page: int = BLOCKS_PER_PAGE):
    """The members `user` blocked, most recent first (two queries: the count and the page)."""
    query = (
        select(Block)
        .where(Block.blocker_id == user.id)
        .options(joinedload(Block.blocked))
        .order_by(Block.created_at.desc(), Block.blocked_id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
