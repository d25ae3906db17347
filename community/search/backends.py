"""The two full-text engines behind the search service: SQLite FTS5 and PostgreSQL text search.

Each backend knows how to write documents (PostgreSQL computes the weighted `tsvector` in the same
INSERT), how to turn a parsed query into a match condition and a ranking, and how to cut highlighted
snippets. Highlights come back with the control characters START/STOP around the matched words; the
service escapes everything else and turns those into <mark> tags.
"""

from sqlalchemy import and_, bindparam, case, cast, column, delete, func, literal_column, or_, select, table, text
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from community.search.highlight import mark
from community.search.models import FTS_TABLE, PG_CONFIGS, DocumentKind, SearchDocument
from community.search.query import ParsedQuery

START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 30
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0  # SQLite's bm25 column weights; PostgreSQL weighs A (title) and B (body)

documents = SearchDocument.__table__
# What a ranked candidate carries to the page (plus its "rank", lower is better).
PAGE_COLUMNS = ("id", "kind", "object_id", "language", "is_hidden", "dated_at")
MEMBER = "member"  # the key of the members' query (any language)
# Columns a re-index writes, is_hidden among them: it comes from the source (hidden by moderators, or awaiting
# their review), so the index follows the content whichever way it changes.
WRITTEN = ("thread_id", "language", "title", "body", "category_id", "country", "dated_at", "is_members_only",
           "is_hidden", "indexed_at")  # fmt: skip


class Backend:
    name = ""
    # The document's kind as search conditions read it.
    kind = documents.c.kind

    def write(self, session: Session, rows: list[dict]) -> None:
        """Insert or update documents (dicts of SearchDocument columns), keyed on (kind, object_id)."""
        raise NotImplementedError

    def match(self, parsed: ParsedQuery):
        """(the FROM clause, the WHERE condition, the ORDER BY best-first) for documents matching `parsed`."""
        raise NotImplementedError

    def candidates(self, parsed: ParsedQuery, conditions: list, limit: int):
        """The newest `limit` matching documents that meet `conditions`, ranked: a subquery of `PAGE_COLUMNS`.

        Bounded work whatever the number of matches: the engine reads matches newest first and stops at
        `limit`, and only those are ranked.
        """
        raise NotImplementedError

    def highlights(self, session: Session, parsed: ParsedQuery, ids: list[int]) -> dict[int, tuple[str, str]]:
        """{document id: (highlighted title, snippet of the body)} for these documents."""
        raise NotImplementedError

    def finish_reindex(self, session: Session) -> None:
        """Tidy the full-text structures after a full re-index."""


class SQLiteBackend(Backend):
    """FTS5 with external content: the index reads title and body from search_documents (triggers keep it)."""

    name = "sqlite"
    fts = table(FTS_TABLE, column("rowid"), column("title"), column("body"))
    # Unary plus keeps SQLite from walking the (kind, object_id) index and probing FTS5 per document:
    # the full-text match must drive every search, newest first, so that a LIMIT bounds the work.
    kind = literal_column(f"+{documents.name}.kind", documents.c.kind.type)

    def write(self, session: Session, rows: list[dict]) -> None:
        statement = sqlite_insert(documents)
        statement = statement.on_conflict_do_update(
            index_elements=[documents.c.kind, documents.c.object_id],
            set_={name: statement.excluded[name] for name in WRITTEN},
        )
        session.execute(statement, rows)

    def match(self, parsed: ParsedQuery):
        source = self.fts.join(documents, documents.c.id == self.fts.c.rowid)
        condition = text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=parsed.as_fts5())
        # bm25 is negative, better matches lower.
        order = func.bm25(literal_column(FTS_TABLE), TITLE_WEIGHT, BODY_WEIGHT)
        return source, condition, order

    def candidates(self, parsed: ParsedQuery, conditions: list, limit: int):
        # FTS5 walks its doclists newest rowid first and stops at the limit; bm25 is computed for those only.
        source, condition, order = self.match(parsed)
        return (
            select(*(documents.c[name] for name in PAGE_COLUMNS), order.label("rank"))
            .select_from(source)
            .where(condition, *conditions)
            .order_by(self.fts.c.rowid.desc())
            .limit(limit)
            .subquery("candidates")
        )

    def highlights(self, session: Session, parsed: ParsedQuery, ids: list[int]) -> dict[int, tuple[str, str]]:
        # Marked here rather than by FTS5's snippet(), which re-expands prefix terms for every row.
        if not ids:
            return {}
        query = select(documents.c.id, documents.c.title, documents.c.body).where(documents.c.id.in_(ids))
        rows = session.execute(query)
        return {
            row.id: (mark(row.title, parsed, START, STOP), mark(row.body, parsed, START, STOP, window=SNIPPET_WORDS))
            for row in rows
        }

    def finish_reindex(self, session: Session) -> None:
        # Rebuild the FTS5 index from the documents table, repairing any drift, and leave it merged.
        session.execute(text("INSERT INTO search_documents_fts(search_documents_fts) VALUES ('rebuild')"))


def _config(language: str):
    return literal_column(f"'{PG_CONFIGS[language]}'::regconfig", REGCONFIG)


class PostgresBackend(Backend):
    """A weighted tsvector per document, built with its language's configuration (stemmer after unaccent).

    A search is one tsquery per language, each computed once per statement (scalar subqueries become
    InitPlans, so no row ever re-parses the query), and each document is matched and ranked with its
    own language's: one GIN index scan per language, combined by the planner. Members' documents are
    stemmed in all three languages (a name or a bio may be in any), so they match any language's query;
    an exclusion still holds for them, as every stemming of the excluded word is in their vector.
    """

    name = "postgresql"
    HEADLINE_TITLE = f"HighlightAll=true, StartSel={START}, StopSel={STOP}"
    # Not the fragment mode (MaxFragments): it drops the last short words of a short text.
    HEADLINE_BODY = f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=15, ShortWord=0"

    def _vector(self, configs):
        """The weighted tsvector of the row's title (A) and body (B), in each of `configs` (SQL expressions)."""
        parts = [
            func.setweight(func.to_tsvector(config, bindparam(name)), literal_column(f"'{weight}'"))
            for config in configs
            for name, weight in (("vector_title", "A"), ("vector_body", "B"))
        ]
        vector = parts[0]
        for part in parts[1:]:
            vector = vector.op("||")(part)
        return vector

    def write(self, session: Session, rows: list[dict]) -> None:
        groups = {
            self._vector([cast(bindparam("vector_config"), REGCONFIG)]): [
                row for row in rows if row["kind"] is not DocumentKind.MEMBER
            ],
            self._vector([_config(language) for language in PG_CONFIGS]): [
                row for row in rows if row["kind"] is DocumentKind.MEMBER
            ],
        }
        for vector, group in groups.items():
            if not group:
                continue
            statement = postgresql_insert(documents).values(search_vector=vector)
            statement = statement.on_conflict_do_update(
                index_elements=[documents.c.kind, documents.c.object_id],
                set_={name: statement.excluded[name] for name in (*WRITTEN, "search_vector")},
            )
            params = [
                {**row, "vector_config": PG_CONFIGS[row["language"]], "vector_title": row["title"],
                 "vector_body": row["body"]}
                for row in group
            ]  # fmt: skip
            session.execute(statement, params)

    def _queries(self, parsed: ParsedQuery) -> dict[str, object]:
        """{language: the query in that language}, and under "member" the three OR-ed."""
        words = parsed.as_websearch()
        queries = {language: func.websearch_to_tsquery(_config(language), words) for language in PG_CONFIGS}
        any_language = None
        for query in queries.values():
            any_language = query if any_language is None else any_language.op("||")(query)
        queries[MEMBER] = any_language
        return {name: select(query).scalar_subquery() for name, query in queries.items()}

    def _per_row(self, values: dict):
        """The value for each document: its language's, or the members' one."""
        return case(
            (documents.c.kind == DocumentKind.MEMBER, values[MEMBER]),
            *((documents.c.language == language, values[language]) for language in PG_CONFIGS),
        )

    def match(self, parsed: ParsedQuery):
        queries = self._queries(parsed)
        vector = documents.c.search_vector
        is_member = documents.c.kind == DocumentKind.MEMBER
        condition = or_(
            *(
                and_(documents.c.language == language, ~is_member, vector.op("@@")(queries[language]))
                for language in PG_CONFIGS
            ),
            and_(is_member, vector.op("@@")(queries[MEMBER])),
        )
        # Normalization 1: a long post does not win by length alone. Negated: best first, as SQLite's bm25.
        rank = func.ts_rank(vector, self._per_row(queries), 1)
        return documents, condition, -rank

    def candidates(self, parsed: ParsedQuery, conditions: list, limit: int):
        # The first `limit` matches the GIN bitmap scan yields (no ORDER BY: a sort would read every match),
        # then only those are ranked: ts_rank reads each candidate's vector once.
        source, condition, order = self.match(parsed)
        newest = (
            select(documents.c.id)
            .where(condition, *conditions)
            .limit(limit)
            .subquery("newest")
        )
        return (
            select(*(documents.c[name] for name in PAGE_COLUMNS), order.label("rank"))
            .select_from(documents.join(newest, documents.c.id == newest.c.id))
            .subquery("candidates")
        )

    def highlights(self, session: Session, parsed: ParsedQuery, ids: list[int]) -> dict[int, tuple[str, str]]:
        if not ids:
            return {}
        configs = {language: _config(language) for language in PG_CONFIGS}
        config = case(*((documents.c.language == language, value) for language, value in configs.items()))
        query = self._per_row(self._queries(parsed))
        statement = select(
            documents.c.id,
            func.ts_headline(config, documents.c.title, query, self.HEADLINE_TITLE),
            func.ts_headline(config, documents.c.body, query, self.HEADLINE_BODY),
        ).where(documents.c.id.in_(ids))
        return {row[0]: (row[1] or "", row[2] or "") for row in session.execute(statement)}

    def finish_reindex(self, session: Session) -> None:
        session.execute(text("ANALYZE search_documents"))


BACKENDS = {"sqlite": SQLiteBackend(), "postgresql": PostgresBackend()}


def backend_for(session: Session) -> Backend:
    return BACKENDS[session.get_bind().dialect.name]


def delete_documents(session: Session, *conditions) -> None:
    session.execute(delete(documents).where(*conditions))
