"""Rows of columns read on the session's connection, without the ORM's work on each statement.

A statement that selects columns (no entities) gains nothing from the ORM session's execution (entity
loading, identity map, ORM events), yet paid about 60 µs a statement for it: a tenth of the statements
themselves on the inbox, which runs three. These run on the session's own connection, so in its
transaction, and flush pending changes first, as the session's autoflush would.
"""

from sqlalchemy import ColumnElement, CursorResult, Executable, bindparam, or_

from community.extensions import db


def read_rows(statement: Executable, values: dict | None = None) -> CursorResult:
    """The rows of a statement of columns (tuples with named fields), in the request's transaction."""
    session = db.session
    session.flush()  # nothing to do when nothing changed: cheaper than asking what changed first
    return session.connection().execute(statement, values or {})


def one_of(column, values) -> ColumnElement[bool]:
    """`column IN (values)` for a fixed list, written out as equalities: a Python list in `in_()` becomes
    an "expanding" parameter, written into the SQL text again on every execution (4 ms on the matching
    statements, a sixth of the dashboard's events statement)."""
    return or_(*(column == value for value in values))


def in_parameters(column, name: str, count: int) -> ColumnElement[bool]:
    """`column IN (:name_0, ..., :name_<count - 1>)`, for a statement built once for each number of values
    and run with `parameter_values(name, values)`. A list in one "expanding" parameter is written into the
    SQL text again on every execution: three hundredths of the inbox, for its 20 conversations' ids."""
    return column.in_([bindparam(f"{name}_{number}", type_=column.type) for number in range(count)])


def parameter_values(name: str, values) -> dict:
    """The values of the parameters of `in_parameters(column, name, len(values))`."""
    return {f"{name}_{number}": value for number, value in enumerate(values)}
