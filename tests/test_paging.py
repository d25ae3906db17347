"""Pages of a list: what the page links show, and when the list is counted."""

from sqlalchemy import select

from community.accounts.models import User
from community.paging import paginate
from tests.factories import make_user


def _members():
    return select(User).where(User.display_name.like("Paged %")).order_by(User.id)


def test_a_page_with_room_to_spare_is_the_last_and_needs_no_count(app, count_queries):
    names = [make_user(display_name=f"Paged {n}").display_name for n in range(5)]

    with count_queries() as queries:
        last = paginate(_members(), page=3, per_page=2)

    assert [member.display_name for member in last] == names[4:]
    assert (last.total, last.pages, last.has_next, last.prev_num) == (5, 3, False, 2)
    assert queries.count == 1


def test_a_full_page_counts_the_list(app, count_queries):
    for n in range(5):
        make_user(display_name=f"Paged {n}")

    with count_queries() as queries:
        second = paginate(_members(), page=2, per_page=2)

    assert len(second.items) == 2
    assert (second.total, second.pages, second.next_num) == (5, 3, 3)
    assert list(second.iter_pages()) == [1, 2, 3]
    assert queries.count == 2


def test_a_full_page_of_rows_is_counted_in_the_same_statement(app, count_queries):
    for n in range(5):
        make_user(display_name=f"Paged {n}")
    names = select(User.display_name).where(User.display_name.like("Paged %")).order_by(User.id)

    with count_queries() as queries:
        second = paginate(names, page=2, per_page=2, entities=False)

    assert second.items == [("Paged 2",), ("Paged 3",)]  # the count is not one of the row's columns
    assert (second.total, second.pages, second.next_num) == (5, 3, 3)
    assert queries.count == 1


def test_paging_through_one_list_shows_each_page_its_own_members(app):
    # The inbox builds its statement once and pages through it on every visit.
    names = [make_user(display_name=f"Paged {n}").display_name for n in range(5)]
    members = _members()

    pages = [paginate(members, page=number, per_page=2) for number in (1, 2, 3, 2)]

    assert [[member.display_name for member in page] for page in pages] == [
        names[0:2], names[2:4], names[4:5], names[2:4]
    ]
    assert [page.total for page in pages] == [5, 5, 5, 5]


def test_an_empty_list_has_one_empty_page_and_a_page_past_the_end_is_empty(app):
    assert (paginate(_members(), page=1, per_page=2).total, paginate(_members(), page=1, per_page=2).pages) == (0, 1)
    make_user(display_name="Paged 0")
    past = paginate(_members(), page=4, per_page=2)
    assert past.items == [] and past.total == 1 and past.pages == 1
