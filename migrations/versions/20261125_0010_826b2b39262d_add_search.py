"""Search: the documents table, PostgreSQL text search and the SQLite FTS5 index.

On PostgreSQL: the unaccent extension, a text-search configuration per content language and a GIN
index on the documents' tsvector; on SQLite: an FTS5 table with the triggers that keep it in step.
The index starts empty: after upgrading, fill it from the existing content with
`flask --app wsgi search reindex`.

Revision ID: 826b2b39262d
Revises: abc94636dd93
Create Date: 2026-11-25 00:30:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '826b2b39262d'
down_revision = 'abc94636dd93'
branch_labels = None
depends_on = None


# Each content language's configuration: its stemmer and stop words after unaccent.
PG_CONFIGS = {
    'conecta_es': ('spanish', 'spanish_stem'),
    'conecta_pt': ('portuguese', 'portuguese_stem'),
    'conecta_en': ('english', 'english_stem'),
}

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_documents_fts USING fts5(title, body, content='search_documents', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_documents_fts_insert AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_documents_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_documents_fts_delete AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_documents_fts(search_documents_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_documents_fts_update AFTER UPDATE OF title, body ON search_documents BEGIN "
    "INSERT INTO search_documents_fts(search_documents_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_documents_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS unaccent')
        for config, (parser_config, stemmer) in PG_CONFIGS.items():
            op.execute(f'CREATE TEXT SEARCH CONFIGURATION {config} (COPY = pg_catalog.{parser_config})')
            op.execute(f'ALTER TEXT SEARCH CONFIGURATION {config} '
                       f'ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stemmer}')

    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('thread', 'post', 'event', 'member', name='search_document_kind'), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('dated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_members_only', sa.Boolean(), nullable=False),
    sa.Column('is_hidden', sa.Boolean(), nullable=False),
    sa.Column('indexed_at', sa.DateTime(timezone=True), nullable=False),
    # Filled on PostgreSQL only; SQLite's index is the FTS5 table below.
    sa.Column('search_vector', postgresql.TSVECTOR().with_variant(sa.Text(), 'sqlite'), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('kind', 'object_id', name=op.f('uq_search_documents_kind'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index('ix_search_documents_thread_id', ['thread_id'], unique=False)

    if dialect == 'postgresql':
        op.create_index('ix_search_documents_search_vector', 'search_documents', ['search_vector'], unique=False,
                        postgresql_using='gin', postgresql_with={'fastupdate': 'off'})
    elif dialect == 'sqlite':
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        op.execute('DROP TABLE IF EXISTS search_documents_fts')  # the triggers go with search_documents
    elif dialect == 'postgresql':
        op.drop_index('ix_search_documents_search_vector', table_name='search_documents', postgresql_using='gin')

    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_search_documents_thread_id')

    op.drop_table('search_documents')
    # PostgreSQL keeps enum types after their tables are gone.
    sa.Enum(name='search_document_kind').drop(op.get_bind(), checkfirst=True)
    if dialect == 'postgresql':
        for config in PG_CONFIGS:
            op.execute(f'DROP TEXT SEARCH CONFIGURATION IF EXISTS {config}')
        # The unaccent extension stays: it may have been there before, and it holds no data.
