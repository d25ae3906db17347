"""The search index: one row per searchable thing, and the full-text structures each database keeps of it.

`search_documents` is an ordinary table on both databases. On PostgreSQL its `search_vector` column holds
the weighted `tsvector` (computed on write, GIN-indexed). On SQLite that column stays empty: an FTS5 table
with external content (`search_documents_fts`) indexes the title and body, kept in step by triggers.
The DDL that `create_all` cannot express is attached to the table below; the migration is a frozen copy.
"""

import enum
from datetime import datetime

from sqlalchemy import DDL, Enum, Index, String, Text, UniqueConstraint, event
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from community.extensions import db
from community.types import UTCDateTime, utcnow


class DocumentKind(enum.Enum):
    THREAD = "thread"  # a thread's title and its opening post
    POST = "post"  # a reply (posts numbered 2 and up)
    EVENT = "event"
    MEMBER = "member"  # a member's name and profile; object_id is the user's id
    OPPORTUNITY = "opportunity"  # a technology offer or request, a collaboration call, an expertise offer


class SearchVector(TypeDecorator):
    """`tsvector` on PostgreSQL; on SQLite an always-empty text column (FTS5 holds that index there)."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TSVECTOR())
        return dialect.type_descriptor(Text())


# The text-search configuration of each content language on PostgreSQL: the language's stemmer and stop
# words after `unaccent`, so "licitação" and "licitacao" are one word and ts_headline marks both.
PG_CONFIGS = {"es": "conecta_es", "pt": "conecta_pt", "en": "conecta_en"}
PG_DICTIONARIES = {"es": ("spanish", "spanish_stem"), "pt": ("portuguese", "portuguese_stem"),
                   "en": ("english", "english_stem")}  # fmt: skip
FTS_TABLE = "search_documents_fts"


class SearchDocument(db.Model):
    """What search reads of one thread, reply, event or member: plain text, filters and who may see it.

    Written only by the search services (on every change of its source, and by `flask search reindex`).
    """

    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        # A thread's documents are found by thread (a moved or deleted thread takes its replies along).
        Index("ix_search_documents_thread_id", "thread_id"),
        # PostgreSQL's full-text index; SQLite searches its FTS5 table instead. Without GIN's pending list
        # ("fastupdate"), which every search would scan and some unlucky write would flush: each write
        # pays a small, steady cost instead.
        Index(
            "ix_search_documents_search_vector", "search_vector", postgresql_using="gin",
            postgresql_with={"fastupdate": "off"}, info={"dialect": "postgresql"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(
        Enum(DocumentKind, name="search_document_kind", values_callable=lambda e: [m.value for m in e])
    )
    object_id: Mapped[int]
    thread_id: Mapped[int | None]  # threads and posts: the thread
    language: Mapped[str] = mapped_column(String(2))  # es, pt or en: picks the stemmer on PostgreSQL
    title: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # plain text, never HTML
    # Filters: the forum category (threads, posts), the country (events, members), and the date the
    # date-range filter reads: when a thread or post was written, when an event starts.
    category_id: Mapped[int | None]
    country: Mapped[str | None] = mapped_column(String(2))
    dated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who may see it: members-only profiles are hidden from visitors; hidden documents (moderation)
    # from everyone but moderators. Deleted content has no document at all.
    is_members_only: Mapped[bool] = mapped_column(default=False)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    search_vector: Mapped[str | None] = mapped_column(SearchVector(), deferred=True)

    def __repr__(self) -> str:
        return f"<SearchDocument {self.kind.value} {self.object_id}>"


def _pg_config_ddl(language: str) -> str:
    config = PG_CONFIGS[language]
    parser_config, stemmer = PG_DICTIONARIES[language]
    # Names from the constants above, never from input.
    return (
        "DO $$ BEGIN "  # noqa: S608
        f"IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{config}' "
        "AND cfgnamespace = current_schema()::regnamespace) THEN "
        f"CREATE TEXT SEARCH CONFIGURATION {config} (COPY = pg_catalog.{parser_config}); "
        f"ALTER TEXT SEARCH CONFIGURATION {config} ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stemmer}; "
        "END IF; END $$"
    )


PG_SETUP = ["CREATE EXTENSION IF NOT EXISTS unaccent", *(_pg_config_ddl(language) for language in PG_CONFIGS)]

# External content: FTS5 keeps only the index and reads title and body from search_documents (snippets
# included). Diacritics are folded on both sides of MATCH, so "sao" finds "São".
SQLITE_SETUP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_documents_fts USING fts5(title, body, content='search_documents', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS search_documents_fts_insert AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_documents_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_fts_delete AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_documents_fts(search_documents_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_fts_update AFTER UPDATE OF title, body ON search_documents BEGIN "
    "INSERT INTO search_documents_fts(search_documents_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_documents_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]

_table = SearchDocument.__table__
# The extension and the configurations must exist before the GIN index's first use, not before the table.
for statement in PG_SETUP:
    event.listen(_table, "before_create", DDL(statement).execute_if(dialect="postgresql"))
for statement in SQLITE_SETUP:
    event.listen(_table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
event.listen(_table, "before_drop", DDL("DROP TABLE IF EXISTS search_documents_fts").execute_if(dialect="sqlite"))


def alembic_include_name(name: str | None, type_: str, parent_names) -> bool:
    """Leave out of Alembic's comparison what the models cannot describe: the FTS5 table and its shadows."""
    return not (type_ == "table" and name and name.startswith(FTS_TABLE))


def alembic_include_object(dialect_name: str):
    """An Alembic `include_object` that leaves out the indexes a model declares for another database only."""

    def include_object(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
        if type_ == "index" and not reflected:
            return obj.info.get("dialect", dialect_name) == dialect_name
        return True

    return include_object
