"""Forum (categories, threads, posts, tags, reads, watches, reactions, revisions) and notifications.

Revision ID: 0b307c22e483
Revises: 24066b77a0fc
Create Date: 2026-11-24 22:41:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0b307c22e483'
down_revision = '24066b77a0fc'
branch_labels = None
depends_on = None


# The categories every installation starts with, as they stood when the forum arrived.
DEFAULT_CATEGORIES = [
        {'slug': 'anuncios', 'position': 1, 'is_announcements': True, 'thread_count': 0, 'post_count': 0, 'name_es': 'Anuncios de la red', 'description_es': 'Noticias de Conecta TT y de la red. Solo moderación abre hilos; todos pueden responder.', 'name_pt': 'Avisos da rede', 'description_pt': 'Notícias da Conecta TT e da rede. Só a moderação abre tópicos; todos podem responder.', 'name_en': 'Network announcements', 'description_en': 'News from Conecta TT and the network. Only moderators start threads; everyone may reply.'},
        {'slug': 'licenciamiento-contratos', 'position': 2, 'is_announcements': False, 'thread_count': 0, 'post_count': 0, 'name_es': 'Licenciamiento y contratos', 'description_es': 'Acuerdos de licencia, regalías, cláusulas, confidencialidad y transferencia de materiales.', 'name_pt': 'Licenciamento e contratos', 'description_pt': 'Acordos de licença, royalties, cláusulas, confidencialidade e transferência de materiais.', 'name_en': 'Licensing and contracts', 'description_en': 'Licence agreements, royalties, clauses, confidentiality and material transfer.'},
        {'slug': 'patentes-busquedas', 'position': 3, 'is_announcements': False, 'thread_count': 0, 'post_count': 0, 'name_es': 'Patentes y búsquedas', 'description_es': 'Redacción, estrategia de protección, PCT, búsquedas de anterioridades y vigilancia tecnológica.', 'name_pt': 'Patentes e buscas', 'description_pt': 'Redação, estratégia de proteção, PCT, buscas de anterioridade e prospecção tecnológica.', 'name_en': 'Patents and search', 'description_en': 'Drafting, protection strategy, PCT, prior-art searches and technology watch.'},
        {'slug': 'regulatorio', 'position': 4, 'is_announcements': False, 'thread_count': 0, 'post_count': 0, 'name_es': 'Regulatorio', 'description_es': 'Registros sanitarios, normas técnicas, aprobaciones y su relación con la propiedad intelectual.', 'name_pt': 'Regulatório', 'description_pt': 'Registros sanitários, normas técnicas, aprovações e sua relação com a propriedade intelectual.', 'name_en': 'Regulatory', 'description_en': 'Health registrations, technical standards, approvals and how they meet intellectual property.'},
        {'slug': 'recursos-geneticos', 'position': 5, 'is_announcements': False, 'thread_count': 0, 'post_count': 0, 'name_es': 'Recursos genéticos', 'description_es': 'Protocolo de Nagoya, acceso y participación en los beneficios, conocimientos tradicionales.', 'name_pt': 'Recursos genéticos', 'description_pt': 'Protocolo de Nagoia, acesso e repartição de benefícios, conhecimentos tradicionais.', 'name_en': 'Genetic resources', 'description_en': 'The Nagoya Protocol, access and benefit-sharing, traditional knowledge.'},
        {'slug': 'spin-offs-startups', 'position': 6, 'is_announcements': False, 'thread_count': 0, 'post_count': 0, 'name_es': 'Spin-offs y startups', 'description_es': 'Empresas de base tecnológica, valuación, inversión y participación de las universidades.', 'name_pt': 'Spin-offs e startups', 'description_pt': 'Empresas de base tecnológica, valoração, investimento e participação das universidades.', 'name_en': 'Spin-offs and start-ups', 'description_en': 'Technology-based companies, valuation, investment and university equity.'},
        {'slug': 'eventos-capacitacion', 'position': 7, 'is_announcements': False, 'thread_count': 0, 'post_count': 0, 'name_es': 'Eventos y capacitación', 'description_es': 'Congresos, webinarios, cursos y becas para profesionales de TT y PI.', 'name_pt': 'Eventos e capacitação', 'description_pt': 'Congressos, webinars, cursos e bolsas para profissionais de TT e PI.', 'name_en': 'Events and training', 'description_en': 'Conferences, webinars, courses and grants for TT and IP professionals.'},
        {'slug': 'mexico-centroamerica-caribe', 'position': 8, 'is_announcements': False, 'thread_count': 0, 'post_count': 0, 'name_es': 'México, Centroamérica y el Caribe', 'description_es': 'La práctica de TT y PI en México, Costa Rica, Cuba y sus vecinos.', 'name_pt': 'México, América Central e Caribe', 'description_pt': 'A prática de TT e PI no México, na Costa Rica, em Cuba e nos países vizinhos.', 'name_en': 'Mexico, Central America and the Caribbean', 'description_en': 'TT and IP practice in Mexico, Costa Rica, Cuba and their neighbours.'},
        {'slug': 'region-andina', 'position': 9, 'is_announcements': False, 'thread_count': 0, 'post_count': 0, 'name_es': 'Región andina', 'description_es': 'La práctica de TT y PI en Colombia, Perú y la Comunidad Andina.', 'name_pt': 'Região andina', 'description_pt': 'A prática de TT e PI na Colômbia, no Peru e na Comunidade Andina.', 'name_en': 'Andean region', 'description_en': 'TT and IP practice in Colombia, Peru and the Andean Community.'},
        {'slug': 'cono-sur-brasil', 'position': 10, 'is_announcements': False, 'thread_count': 0, 'post_count': 0, 'name_es': 'Cono Sur y Brasil', 'description_es': 'La práctica de TT y PI en Argentina, Brasil, Chile y el Mercosur.', 'name_pt': 'Cone Sul e Brasil', 'description_pt': 'A prática de TT e PI na Argentina, no Brasil, no Chile e no Mercosul.', 'name_en': 'Southern Cone and Brazil', 'description_en': 'TT and IP practice in Argentina, Brazil, Chile and Mercosur.'},
    ]


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_languages', sa.String(length=20), server_default='es,pt,en', nullable=False))

    op.create_table('forum_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name_es', sa.String(length=80), nullable=False),
    sa.Column('name_pt', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('description_es', sa.String(length=300), nullable=False),
    sa.Column('description_pt', sa.String(length=300), nullable=False),
    sa.Column('description_en', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_announcements', sa.Boolean(), nullable=False),
    sa.Column('thread_count', sa.Integer(), nullable=False),
    sa.Column('post_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_categories')),
    sa.UniqueConstraint('slug', name=op.f('uq_forum_categories_slug'))
    )

    with op.batch_alter_table('forum_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forum_categories_position'), ['position'], unique=False)

    op.create_table('tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags')),
    sa.UniqueConstraint('name', name=op.f('uq_tags_name'))
    )

    op.create_table('category_watches',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['forum_categories.id'], name=op.f('fk_category_watches_category_id_forum_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_category_watches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'category_id', name=op.f('pk_category_watches'))
    )

    with op.batch_alter_table('category_watches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_watches_category_id'), ['category_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('new_reply', 'new_thread', name='notificationkind', native_enum=False, length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('target_type', sa.String(length=32), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_notifications_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at', 'created_at'], unique=False)

    op.create_table('threads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('is_pinned', sa.Boolean(), nullable=False),
    sa.Column('is_locked', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_count', sa.Integer(), nullable=False),
    sa.Column('last_post_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_post_id', sa.Integer(), nullable=True),
    sa.Column('last_poster_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_threads_author_id_users')),
    sa.ForeignKeyConstraint(['category_id'], ['forum_categories.id'], name=op.f('fk_threads_category_id_forum_categories')),
    sa.ForeignKeyConstraint(['last_poster_id'], ['users.id'], name=op.f('fk_threads_last_poster_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threads'))
    )

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_threads_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_threads_category_list', ['category_id', 'is_pinned', 'last_post_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_threads_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_threads_language'), ['language'], unique=False)
        batch_op.create_index(batch_op.f('ix_threads_last_post_at'), ['last_post_at'], unique=False)

    op.create_table('posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('helpful_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_posts_author_id_users')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_posts_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts')),
    sa.UniqueConstraint('thread_id', 'number', name=op.f('uq_posts_thread_id'))
    )

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posts_author_id'), ['author_id'], unique=False)

    op.create_table('thread_reads',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('last_read_number', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_thread_reads_thread_id_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_thread_reads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_thread_reads'))
    )

    op.create_table('thread_tags',
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_thread_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_thread_tags_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('thread_id', 'tag_id', name=op.f('pk_thread_tags'))
    )

    with op.batch_alter_table('thread_tags', schema=None) as batch_op:
        batch_op.create_index('ix_thread_tags_tag_id_thread_id', ['tag_id', 'thread_id'], unique=False)

    op.create_table('thread_watches',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_thread_watches_thread_id_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_thread_watches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_thread_watches'))
    )

    with op.batch_alter_table('thread_watches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_watches_thread_id'), ['thread_id'], unique=False)

    op.create_table('post_reactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_reactions_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_post_reactions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_reactions')),
    sa.UniqueConstraint('post_id', 'user_id', name=op.f('uq_post_reactions_post_id'))
    )

    with op.batch_alter_table('post_reactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_reactions_user_id'), ['user_id'], unique=False)

    op.create_table('post_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_revisions_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_revisions'))
    )

    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_revisions_post_id'), ['post_id'], unique=False)

    # threads.last_post_id and posts.thread_id point at each other: add this one after both exist.
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_threads_last_post_id_posts'), 'posts', ['last_post_id'], ['id'], ondelete='SET NULL'
        )

    categories = sa.table(
        'forum_categories',
        sa.column('slug', sa.String), sa.column('position', sa.Integer), sa.column('is_announcements', sa.Boolean),
        sa.column('thread_count', sa.Integer), sa.column('post_count', sa.Integer),
        sa.column('created_at', sa.DateTime(timezone=True)),
        *[sa.column(f'{field}_{code}', sa.String) for field in ('name', 'description') for code in ('es', 'pt', 'en')],
    )
    now = datetime.now(timezone.utc)
    # SQLite stores naive UTC (see community.types.UTCDateTime).
    created_at = now.replace(tzinfo=None) if op.get_bind().dialect.name == 'sqlite' else now
    op.bulk_insert(categories, [{**row, 'created_at': created_at} for row in DEFAULT_CATEGORIES])


def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_threads_last_post_id_posts'), type_='foreignkey')

    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_revisions_post_id'))

    op.drop_table('post_revisions')

    with op.batch_alter_table('post_reactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_reactions_user_id'))

    op.drop_table('post_reactions')

    with op.batch_alter_table('thread_watches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_watches_thread_id'))

    op.drop_table('thread_watches')

    with op.batch_alter_table('thread_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_tags_tag_id_thread_id')

    op.drop_table('thread_tags')

    op.drop_table('thread_reads')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posts_author_id'))

    op.drop_table('posts')

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_threads_last_post_at'))
        batch_op.drop_index(batch_op.f('ix_threads_language'))
        batch_op.drop_index(batch_op.f('ix_threads_created_at'))
        batch_op.drop_index('ix_threads_category_list')
        batch_op.drop_index(batch_op.f('ix_threads_author_id'))

    op.drop_table('threads')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')

    op.drop_table('notifications')

    with op.batch_alter_table('category_watches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_watches_category_id'))

    op.drop_table('category_watches')

    op.drop_table('tags')

    with op.batch_alter_table('forum_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_categories_position'))

    op.drop_table('forum_categories')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('content_languages')
