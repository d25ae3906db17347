"""Rows of columns read on the session's connection see what the request has done, as the session would."""

from sqlalchemy import select

from community.accounts.models import Role, User
from community.extensions import db
from community.rows import in_parameters, parameter_values, read_rows
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


def test_a_statement_built_for_a_number_of_ids_finds_the_rows_of_whichever_ids_it_is_given(app):
    members = [make_user(display_name=name) for name in ("Ana", "Bruno", "Carla", "Diego")]
    statement = select(User.display_name).where(in_parameters(User.id, "member_id", 2)).order_by(User.display_name)

    first = read_rows(statement, parameter_values("member_id", [members[0].id, members[2].id])).scalars().all()
    second = read_rows(statement, parameter_values("member_id", [members[3].id, members[1].id])).scalars().all()

    assert (first, second) == (["Ana", "Carla"], ["Bruno", "Diego"])
    # Each id is a parameter of its own: the SQL text is the same whatever the ids, not rewritten for each run.
    assert "POSTCOMPILE" not in str(statement.compile(db.engine))
