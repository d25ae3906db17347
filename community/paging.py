"""A page of a list whose items and total are already known, shaped like Flask-SQLAlchemy's Pagination.

The thread page selects its posts by number and knows their total from the thread's counter, and the
thread lists read a LEFT JOIN's rows: neither fits `db.paginate`, which selects single entities.
"""

from math import ceil


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
