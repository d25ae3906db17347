"""Rows of columns read on the session's connection see what the request has done, as the session would."""

from sqlalchemy import select

from community.accounts.models import Role, User
from community.extensions import db
from community.rows import read_rows
from tests.factories import make_user


def test_rows_include_a_change_the_request_has_not_written_yet(app):
    member = make_user(display_name="Ana Quispe")
    member.display_name = "Ana Lucía Quispe"  # pending in the session, not yet flushed
    make_user(display_name="Bruno Quispe", commit=False)

    names = read_rows(select(User.display_name).where(User.display_name.like("%Quispe")).order_by(User.id))

    assert names.scalars().all() == ["Ana Lucía Quispe", "Bruno Quispe"]


def test_rows_are_read_in_the_requests_transaction_and_typed_by_their_columns(app):
    member = make_user(role=Role.MODERATOR)
    db.session.rollback()  # undoes nothing committed
    member.role = Role.ADMIN
    db.session.flush()

    role = read_rows(select(User.role).where(User.id == member.id)).scalar_one()
    db.session.rollback()

    assert role is Role.ADMIN
    assert read_rows(select(User.role).where(User.id == member.id)).scalar_one() is Role.MODERATOR
