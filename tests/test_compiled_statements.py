"""Compiled statements are found again: a statement built once by its identity, one built anew by value."""

from sqlalchemy import bindparam, select

from community.accounts.models import User
from community.compiled_statements import CompiledStatements
from community.extensions import db
from community.rows import read_rows
from tests.factories import make_user

BY_ID = select(User.display_name).where(User.id == bindparam("member_id"))


def run(statement, **values):
    result = read_rows(statement, values)
    return result.context.cache_hit, result.scalar_one_or_none()


def test_a_statement_built_once_is_compiled_once_and_reads_each_executions_values(app):
    ana, luis = make_user(display_name="Ana"), make_user(display_name="Luis")
    hit = db.engine.dialect.CACHE_HIT
    assert run(BY_ID, member_id=ana.id)[1] == "Ana"
    assert run(BY_ID, member_id=luis.id) == (hit, "Luis")
    assert run(BY_ID, member_id=ana.id) == (hit, "Ana")
    assert isinstance(db.engine.get_execution_options()["compiled_cache"], CompiledStatements)


def test_a_statement_built_anew_with_the_same_shape_finds_the_compiled_one(app):
    ana = make_user(display_name="Ana")
    run(select(User.display_name).where(User.id == bindparam("member_id")), member_id=ana.id)
    again = select(User.display_name).where(User.id == bindparam("member_id"))
    assert run(again, member_id=ana.id) == (db.engine.dialect.CACHE_HIT, "Ana")


def test_a_different_statement_is_never_taken_for_another(app):
    ana = make_user(display_name="Ana", country="PE")
    by_id = select(User.display_name).where(User.id == bindparam("member_id"))
    by_country = select(User.display_name).where(User.country == bindparam("country"))
    assert run(by_id, member_id=ana.id)[1] == "Ana"
    assert run(by_country, country="PE")[1] == "Ana"
    assert run(by_country, country="MX")[1] is None


def test_the_cache_finds_a_key_by_identity_or_by_equal_value_and_keeps_only_so_many():
    cache = CompiledStatements(size=2)
    key = ("dialect", ("select", ("users", "id")), (), False, False)
    cache[key] = "compiled"
    equal = ("dialect", tuple(["select", ("users", "id")]), (), False, False)  # built at run time
    assert equal[1] is not key[1]
    assert cache.get(key) == "compiled" and cache.get(equal) == "compiled"
    assert cache.get(("other dialect", key[1], (), False, False)) is None
    cache[("dialect", ("a",), (), False, False)] = "a"
    cache[("dialect", ("b",), (), False, False)] = "b"
    cache[("dialect", ("c",), (), False, False)] = "c"
    assert cache.get(key) is None  # the least recently used went
