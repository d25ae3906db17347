"""Searching the network, and keeping the search index complete.

`search` answers the search page in a constant number of queries, each reading at most MATCH_CAP + 1 matches:
the page of ranked documents with the matches counted per kind (for the tabs) in one statement, their
highlighted snippets, and at most one query per kind to load what the results show (threads, replies, events,
members, opportunities); `search_opportunity_ids` answers the opportunities list's full-text filter. The
index is kept in step by `community.search.indexing` on every commit; `reindex` rebuilds it (`flask search
reindex`).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape
from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.events.models import Event
from community.extensions import db
from community.forum.models import Post, Thread
from community.opportunities.models import Opportunity
from community.paging import Page
from community.search import indexing, sources
from community.search.backends import START, STOP, backend_for, documents
from community.search.models import DocumentKind, SearchDocument
from community.search.query import ParsedQuery, parse_query
from community.types import utcnow

PER_PAGE = 20
# The most matches a search reads: beyond it, the page says "more than 1,000 results" and shows the best
# of the 1,000 newest matches, so a very common word costs no more than a rare one.
MATCH_CAP = 1000
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)
REINDEX_BATCH = 500

# The search page's tabs and the kinds of document each one shows.
TABS = {
    "all": tuple(DocumentKind),
    "forum": (DocumentKind.THREAD, DocumentKind.POST),
    "events": (DocumentKind.EVENT,),
    "members": (DocumentKind.MEMBER,),
    "opportunities": (DocumentKind.OPPORTUNITY,),
}
# Each filter applies to some kinds only; setting it leaves the others out (a category has no members).
FILTER_KINDS = {
    "category_id": {DocumentKind.THREAD, DocumentKind.POST},
    "country": {DocumentKind.EVENT, DocumentKind.MEMBER, DocumentKind.OPPORTUNITY},
    "language": {DocumentKind.THREAD, DocumentKind.POST, DocumentKind.EVENT, DocumentKind.OPPORTUNITY},
    "dates": {DocumentKind.THREAD, DocumentKind.POST, DocumentKind.EVENT},
}


@dataclass
class SearchFilters:
    """The filters of a search: forum category, country, content language and a range of days."""

    category_id: int | None = None
    country: str | None = None
    language: str | None = None
    date_from: date | None = None
    date_to: date | None = None  # included
    timezone: str = "UTC"  # the reader's: days start at their midnight

    @property
    def is_empty(self) -> bool:
        return not (self.category_id or self.country or self.language or self.date_from or self.date_to)

    def kinds(self) -> set[DocumentKind]:
        """The kinds of document these filters can match."""
        kinds = set(DocumentKind)
        for name in ("category_id", "country", "language"):
            if getattr(self, name):
                kinds &= FILTER_KINDS[name]
        if self.date_from or self.date_to:
            kinds &= FILTER_KINDS["dates"]
        return kinds

    def conditions(self) -> list:
        zone = ZoneInfo(self.timezone)
        conditions = []
        # Days far outside any content are clamped, so no date the member types overflows a datetime.
        date_from = min(max(self.date_from, EARLIEST_DAY), LATEST_DAY) if self.date_from else None
        date_to = min(max(self.date_to, EARLIEST_DAY), LATEST_DAY) if self.date_to else None
        if self.category_id:
            conditions.append(documents.c.category_id == self.category_id)
        if self.country:
            conditions.append(documents.c.country == self.country)
        if self.language:
            conditions.append(documents.c.language == self.language)
        if date_from:
            conditions.append(documents.c.dated_at >= datetime.combine(date_from, time(), zone))
        if date_to:
            next_day = datetime.combine(date_to + timedelta(days=1), time(), zone)
            conditions.append(documents.c.dated_at < next_day)
        return conditions


@dataclass
class Result:
    """One search result: what it is, the object it stands for, and its highlighted title and snippet."""

    kind: DocumentKind
    target: object  # Thread, Post, Event, User or Opportunity
    title: Markup
    snippet: Markup
    language: str
    is_hidden: bool = False


@dataclass
class SearchResults:
    query: ParsedQuery
    tab: str
    counts: dict[str, int] = field(default_factory=dict)  # per tab, at most `cap`
    page: Page = field(default_factory=lambda: Page([], 1, PER_PAGE, 0))
    cap: int = 0
    capped: set[str] = field(default_factory=set)  # tabs whose count is a lower bound (matches beyond `cap`)


# --- who sees what ----------------------------------------------------------------------------


def can_see_hidden(viewer) -> bool:
    """Moderators see hidden documents (marked as such); nobody sees deleted content."""
    return bool(getattr(viewer, "is_authenticated", False) and viewer.is_moderator)


def _visibility(viewer) -> list:
    conditions = []
    if not can_see_hidden(viewer):
        conditions.append(documents.c.is_hidden.is_(False))
    if not getattr(viewer, "is_authenticated", False):
        conditions.append(documents.c.is_members_only.is_(False))  # visitors: public profiles only
    return conditions


# --- searching --------------------------------------------------------------------------------


def mark_highlights(text: str) -> Markup:
    """Escape a highlighted text, turning only the backend's markers into <mark> elements."""
    escaped = str(escape(text))
    out, opened = [], False
    for piece in re.split(f"([{START}{STOP}])", escaped):
        if piece == START and not opened:
            out.append("<mark>")
            opened = True
        elif piece == STOP and opened:
            out.append("</mark>")
            opened = False
        elif piece not in (START, STOP):
            out.append(piece)
    if opened:
        out.append("</mark>")
    return Markup("".join(out))  # noqa: S704 - escaped above; only the markers became tags


def search(
    query: str | ParsedQuery,
    viewer,
    *,
    kind: str = "all",
    filters: SearchFilters | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchResults:
    """Search threads and replies, events, members and opportunities for `viewer`, best matches first.

    `kind` is one of TABS. Quoted phrases must match as written, -words must not appear, accents never
    matter; on PostgreSQL each document is stemmed in its own language. Hostile input is parsed into
    plain words, so this never fails on what a member types. A page past the end comes back empty.

    The work is bounded whatever the number of matches: only the MATCH_CAP newest matches (of the kinds
    the filters allow) are counted per tab and ranked; `capped` says when there were more.
    """
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    filters = filters or SearchFilters()
    results = SearchResults(parsed, kind, {tab: 0 for tab in TABS}, Page([], page, per_page, 0), cap=MATCH_CAP)
    allowed = filters.kinds()
    if parsed.is_empty or not allowed or kind not in TABS:
        return results
    backend = backend_for(db.session)
    conditions = [*_visibility(viewer), *filters.conditions(), backend.kind.in_(allowed)]
    offset = (page - 1) * per_page
    tab_kinds = allowed & set(TABS[kind])
    rows = _page_with_counts(backend, parsed, conditions, tab_kinds, per_page, offset) if tab_kinds else []
    # The page's rows carry every kind's count; an empty page (an empty tab, a page past the end) asks once more.
    per_kind = _counts_of(rows[0]) if rows else _capped_counts(backend, parsed, conditions)
    counts = {tab: sum(per_kind.get(member, 0) for member in kinds) for tab, kinds in TABS.items()}
    if counts["all"] > MATCH_CAP:  # more matches than were read: every count is a lower bound
        results.capped = set(TABS)
    for tab, count in counts.items():
        results.counts[tab] = min(count, MATCH_CAP)
    total = results.counts[kind]
    results.page = Page([], page, per_page, total)
    if not rows:
        return results
    highlights = backend.highlights(db.session, parsed, [row.id for row in rows])
    targets = _load_targets(rows)
    items = []
    for row in rows:
        target = targets.get((row.kind, row.object_id))
        if target is None:  # changed since the count, in another transaction
            continue
        title, snippet = highlights.get(row.id, ("", ""))
        items.append(
            Result(row.kind, target, mark_highlights(title), mark_highlights(snippet), row.language, row.is_hidden)
        )
    results.page = Page(items, page, per_page, total)
    return results


def search_opportunity_ids(query: str | ParsedQuery, viewer, limit: int = MATCH_CAP) -> list[int]:
    """The ids of the opportunities matching `query` that `viewer` may find, best match first.

    For the opportunities list's full-text filter, which narrows its own query to these ids. Follows the
    search page's rules: hidden and held opportunities only for moderators, accents and plurals never
    matter, hostile input is plain words. At most `limit` (the newest `limit` matches, ranked); an empty
    list when the query has no word to look for. One statement.
    """
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    if parsed.is_empty or limit <= 0:
        return []
    backend = backend_for(db.session)
    conditions = [*_visibility(viewer), backend.kind == DocumentKind.OPPORTUNITY]
    candidates = backend.candidates(parsed, conditions, limit)
    ranked = select(candidates.c.object_id).order_by(
        candidates.c.rank, candidates.c.dated_at.desc(), candidates.c.id.desc()
    )
    return list(db.session.scalars(ranked))


def _capped_counts(backend, parsed: ParsedQuery, conditions: list) -> dict[DocumentKind, int]:
    """{kind: its number among the MATCH_CAP + 1 newest matches}, in one query that reads no more matches."""
    scanned = backend.candidates(parsed, conditions, MATCH_CAP + 1)
    return dict(db.session.execute(select(scanned.c.kind, func.count()).group_by(scanned.c.kind)).all())


def _page_with_counts(backend, parsed: ParsedQuery, conditions: list, kinds: set, limit: int, offset: int) -> list:
    """One page of the tab's results, best first, each row with every kind's count: one statement.

    Both come from the MATCH_CAP + 1 newest matches, read once: the counts from all of them (one more
    than the cap says there are more), the page from the MATCH_CAP newest, as on a capped tab.
    """
    scanned = backend.candidates(parsed, conditions, MATCH_CAP + 1)
    numbered = select(
        scanned,
        func.row_number().over(order_by=scanned.c.id.desc()).label("newness"),
        *(
            func.sum(case((scanned.c.kind == document_kind, 1), else_=0)).over().label(f"count_{document_kind.value}")
            for document_kind in DocumentKind
        ),
    ).subquery("numbered")
    query = (
        select(numbered)
        .where(numbered.c.kind.in_(kinds), numbered.c.newness <= MATCH_CAP)
        .order_by(numbered.c.rank, numbered.c.dated_at.desc(), numbered.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return db.session.execute(query).all()


def _counts_of(row) -> dict[DocumentKind, int]:
    return {document_kind: int(row._mapping[f"count_{document_kind.value}"]) for document_kind in DocumentKind}


def _load_targets(rows) -> dict[tuple[DocumentKind, int], object]:
    """The threads, replies, events, members and opportunities of a page of results: one query per kind present."""
    wanted: dict[DocumentKind, list[int]] = {}
    for row in rows:
        wanted.setdefault(row.kind, []).append(row.object_id)
    loaders = {
        DocumentKind.THREAD: (Thread, [joinedload(Thread.category), joinedload(Thread.author)]),
        DocumentKind.POST: (Post, [joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.category)]),
        DocumentKind.EVENT: (Event, []),
        DocumentKind.MEMBER: (User, [joinedload(User.profile)]),
        DocumentKind.OPPORTUNITY: (Opportunity, [joinedload(Opportunity.field)]),
    }
    found = {}
    for kind, ids in wanted.items():
        model, options = loaders[kind]
        for obj in db.session.scalars(select(model).where(model.id.in_(ids)).options(*options)).unique():
            found[(kind, obj.id)] = obj
    return found


# --- keeping the index ------------------------------------------------------------------------

_KEY_OF_KIND = {
    DocumentKind.THREAD: indexing.THREAD,
    DocumentKind.POST: indexing.POST,
    DocumentKind.EVENT: indexing.EVENT,
    DocumentKind.MEMBER: indexing.MEMBER,
    DocumentKind.OPPORTUNITY: indexing.OPPORTUNITY,
}


def index_document(kind: DocumentKind, object_id: int) -> None:
    """Rewrite one document from its source now (deleting it if the source is gone). The caller commits.

    Changes made through the ORM are indexed at commit without this; it serves changes made otherwise.
    """
    db.session.flush()
    indexing.index_keys(db.session, [(_KEY_OF_KIND[kind], object_id)])


def remove_document(kind: DocumentKind, object_id: int) -> None:
    """Take one document out of the index. The caller commits."""
    db.session.execute(delete(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.object_id == object_id))


def count_sources() -> int:
    """How many documents a full re-index writes at most (for a progress bar)."""
    return sum(
        db.session.scalar(query) or 0
        for query in (
            select(func.count(Thread.id)),
            select(func.count(Post.id)).where(Post.number > 1),
            select(func.count(Event.id)),
            select(func.count(User.id)),
            select(func.count(Opportunity.id)),
        )
    )


def _batches(query, column, batch_size: int):
    """Ids from `query` in ascending batches, each read with a fresh keyset query."""
    last = 0
    while True:
        ids = list(db.session.scalars(query.where(column > last).order_by(column).limit(batch_size)))
        if not ids:
            return
        yield ids
        last = ids[-1]


def reindex(progress: Callable[[int], None] | None = None, batch_size: int = REINDEX_BATCH) -> int:
    """Rebuild every document from the content, in batches (one commit each); return how many were written.

    Documents whose source is gone are removed at the end; a document is hidden when its source is (hidden
    by moderators or awaiting their review). `progress` is called with the number of sources done after
    each batch.
    """
    started = utcnow()
    written = 0
    backend = backend_for(db.session)
    plans = [
        (select(Thread.id), Thread.id, lambda ids: sources.thread_rows(db.session, ids)),
        (select(Post.id).where(Post.number > 1), Post.id, lambda ids: sources.reply_rows(db.session, post_ids=ids)),
        (select(Event.id), Event.id, lambda ids: sources.event_rows(db.session, ids)),
        (select(User.id), User.id, lambda ids: sources.member_rows(db.session, ids)),
        (select(Opportunity.id), Opportunity.id, lambda ids: sources.opportunity_rows(db.session, ids)),
    ]
    for query, column, build in plans:
        for ids in _batches(query, column, batch_size):
            rows = build(ids)
            if rows:
                backend.write(db.session, rows)
            written += len(rows)
            db.session.commit()
            if progress is not None:
                progress(len(ids))
    db.session.execute(delete(SearchDocument).where(SearchDocument.indexed_at < started))
    backend.finish_reindex(db.session)
    db.session.commit()
    return written
