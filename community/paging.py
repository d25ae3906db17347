"""A page of a list whose items and total are already known, shaped like Flask-SQLAlchemy's Pagination.

The thread page selects its posts by number and knows their total from the thread's counter, and the
thread lists read a LEFT JOIN's rows: neither fits `db.paginate`, which selects single entities.
`paginate` is `db.paginate` that counts the list only when the page cannot tell its length.
"""

from math import ceil
from weakref import WeakKeyDictionary

from sqlalchemy import Integer, Select, bindparam, func, select

from community.extensions import db
from community.rows import read_rows


class Page:
    def __init__(self, items: list, page: int, per_page: int, total: int):
        self.items = items
        self.page = page
        self.per_page = per_page
        self.total = total

    def __iter__(self):
        return iter(self.items)

    @property
    def pages(self) -> int:
        return max(ceil(self.total / self.per_page), 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(self, *, left_edge=2, left_current=2, right_current=4, right_edge=2):
        """Page numbers to link, with None for a gap, as Flask-SQLAlchemy's Pagination.iter_pages."""
        pages_end = self.pages + 1
        left_end = min(1 + left_edge, pages_end)
        yield from range(1, left_end)
        if left_end == pages_end:
            return
        mid_start = max(left_end, self.page - left_current)
        mid_end = min(self.page + right_current + 1, pages_end)
        if mid_start - left_end > 0:
            yield None
        yield from range(mid_start, mid_end)
        if mid_end == pages_end:
            return
        right_start = max(mid_end, pages_end - right_edge)
        if right_start - mid_end > 0:
            yield None
        yield from range(right_start, pages_end)


def paginate(query: Select, page: int, per_page: int, *, entities: bool = True, params: dict | None = None) -> Page:
    """A page of the entities `query` selects (or of its rows, `entities=False`), counting them all only
    when the page does not say how many there are: a page with room to spare is the last one, which is
    most members' whole inbox. `params` are the values of the query's bound parameters.

    Rows come with their count in the same statement, as a last column that the page's items leave out:
    a second statement for it cost a member with a full inbox a twentieth of the page.
    """
    statement, count = _page_statements(query, with_total=not entities)
    values = {**(params or {}), "page_limit": per_page, "page_offset": (page - 1) * per_page}
    if entities:
        items = list(db.session.scalars(statement, values).unique())
        counted = None
    else:
        rows = read_rows(statement, values).all()
        counted = rows[0][-1] if rows else None
        items = [row[:-1] for row in rows]
    if items and len(items) < per_page:
        total = (page - 1) * per_page + len(items)
    elif page == 1 and not items:
        total = 0
    else:
        total = counted if counted is not None else read_rows(count, params).scalar()
    return Page(items, page, per_page, total)


# A list's page and count statements, kept as long as the list's statement is. A view that builds its
# statement once (the inbox) then has them built once too: building them and working out their cache
# keys on every visit cost the inbox more than running them did.
_page_and_count: WeakKeyDictionary[Select, dict[bool, tuple[Select, Select]]] = WeakKeyDictionary()


def _page_statements(query: Select, with_total: bool) -> tuple[Select, Select]:
    built = _page_and_count.setdefault(query, {})
    if with_total not in built:
        count = select(func.count()).select_from(query.order_by(None).subquery())
        # Run once per statement, not per row: the count does not depend on the row.
        page = query.add_columns(count.scalar_subquery().label("list_total")) if with_total else query
        page = page.limit(bindparam("page_limit", type_=Integer)).offset(bindparam("page_offset", type_=Integer))
        built[with_total] = (page, count)
    return built[with_total]
