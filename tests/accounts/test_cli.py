"""`flask users create-admin`: the first administrator of a new site, or a member promoted."""

from sqlalchemy import func, select

from community.accounts.models import Role, User
from community.extensions import db
from tests.factories import make_user

ADMIN_PASSWORD = "a long admin passphrase"


def create_admin(runner, *options):
    return runner.invoke(args=["users", "create-admin", *options])


def get_user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_create_admin_creates_a_confirmed_administrator(runner):
    result = create_admin(
        runner, "--email", "Boss@Example.org", "--name", "The Boss", "--password", ADMIN_PASSWORD, "--country", "cl"
    )

    assert result.exit_code == 0, result.output
    assert "boss@example.org is now an administrator." in result.output
    admin = get_user("boss@example.org")
    assert admin.role is Role.ADMIN
    assert admin.is_active
    assert admin.country == "CL"
    assert admin.check_password(ADMIN_PASSWORD)


def test_create_admin_promotes_an_existing_member(runner):
    member = make_user(email="ana@example.org", display_name="Ana")

    result = create_admin(runner, "--email", "ana@example.org", "--name", "Ana", "--password", ADMIN_PASSWORD)

    assert result.exit_code == 0, result.output
    promoted = get_user("ana@example.org")
    assert promoted.id == member.id
    assert promoted.role is Role.ADMIN
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_create_admin_refuses_a_short_password(runner):
    result = create_admin(runner, "--email", "boss@example.org", "--name", "The Boss", "--password", "short")

    assert result.exit_code == 2
    assert "use at least 10 characters" in result.output
    assert get_user("boss@example.org") is None


def test_create_admin_refuses_a_malformed_address(runner):
    result = create_admin(runner, "--email", "boss@", "--name", "The Boss", "--password", ADMIN_PASSWORD)

    assert result.exit_code == 2
    assert "--email" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_admin_refuses_an_unknown_country(runner):
    result = create_admin(
        runner, "--email", "boss@example.org", "--name", "Boss", "--password", ADMIN_PASSWORD, "--country", "XX"
    )

    assert result.exit_code == 2
    assert "unknown country code 'XX'" in result.output
    assert get_user("boss@example.org") is None


def test_create_admin_asks_for_what_is_missing(runner):
    result = runner.invoke(
        args=["users", "create-admin"], input=f"boss@example.org\nThe Boss\n{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n"
    )

    assert result.exit_code == 0, result.output
    assert get_user("boss@example.org").is_admin
