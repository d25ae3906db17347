"""Profiles, expertise taxonomy, institutions and the member directory's indexes.

Revision ID: 24066b77a0fc
Revises: 18709d66b961
Create Date: 2026-11-24 22:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '24066b77a0fc'
down_revision = '18709d66b961'
branch_labels = None
depends_on = None


# The default expertise taxonomy as it stood when profiles arrived; admins extend it in the app.
DEFAULT_EXPERTISE = [
        {'slug': 'licensing', 'name_en': 'Licensing', 'name_es': 'Licenciamiento', 'name_pt': 'Licenciamento', 'position': 1},
        {'slug': 'patent-search', 'name_en': 'Patent search and analytics', 'name_es': 'Búsqueda y análisis de patentes', 'name_pt': 'Busca e análise de patentes', 'position': 2},
        {'slug': 'patent-drafting', 'name_en': 'Patent drafting and prosecution', 'name_es': 'Redacción y tramitación de patentes', 'name_pt': 'Redação e processamento de patentes', 'position': 3},
        {'slug': 'ip-policy', 'name_en': 'IP policy', 'name_es': 'Política de propiedad intelectual', 'name_pt': 'Política de propriedade intelectual', 'position': 4},
        {'slug': 'valuation', 'name_en': 'Technology valuation', 'name_es': 'Valoración de tecnologías', 'name_pt': 'Valoração de tecnologias', 'position': 5},
        {'slug': 'spin-offs', 'name_en': 'Spin-offs and start-ups', 'name_es': 'Spin-offs y empresas de base tecnológica', 'name_pt': 'Spin-offs e startups', 'position': 6},
        {'slug': 'regulatory-affairs', 'name_en': 'Regulatory affairs', 'name_es': 'Asuntos regulatorios', 'name_pt': 'Assuntos regulatórios', 'position': 7},
        {'slug': 'genetic-resources', 'name_en': 'Genetic resources and traditional knowledge', 'name_es': 'Recursos genéticos y conocimientos tradicionales', 'name_pt': 'Recursos genéticos e conhecimentos tradicionais', 'position': 8},
        {'slug': 'health-technologies', 'name_en': 'Health technologies', 'name_es': 'Tecnologías para la salud', 'name_pt': 'Tecnologias em saúde', 'position': 9},
        {'slug': 'biotechnology', 'name_en': 'Biotechnology', 'name_es': 'Biotecnología', 'name_pt': 'Biotecnologia', 'position': 10},
        {'slug': 'agri-food', 'name_en': 'Agri-food', 'name_es': 'Agroalimentos', 'name_pt': 'Agroalimentar', 'position': 11},
        {'slug': 'digital-technologies', 'name_en': 'Digital technologies', 'name_es': 'Tecnologías digitales', 'name_pt': 'Tecnologias digitais', 'position': 12},
    ]


def upgrade():
    op.create_table('expertise_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('name_es', sa.String(length=80), nullable=False),
    sa.Column('name_pt', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expertise_areas')),
    sa.UniqueConstraint('slug', name=op.f('uq_expertise_areas_slug'))
    )

    with op.batch_alter_table('expertise_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expertise_areas_position'), ['position'], unique=False)

    op.create_table('institutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institutions'))
    )

    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institutions_name'), ['name'], unique=False)

    op.create_table('institution_domains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_institution_domains_institution_id_institutions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institution_domains')),
    sa.UniqueConstraint('domain', name=op.f('uq_institution_domains_domain'))
    )

    with op.batch_alter_table('institution_domains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institution_domains_institution_id'), ['institution_id'], unique=False)

    op.create_table('profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('headline', sa.String(length=140), nullable=True),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('bio_html', sa.Text(), nullable=False),
    sa.Column('city', sa.String(length=80), nullable=True),
    sa.Column('organization', sa.String(length=160), nullable=True),
    sa.Column('organization_type', sa.Enum('university', 'public_research_centre', 'tech_transfer_office', 'government_ip_office', 'company', 'startup', 'non_profit', 'law_consulting_firm', 'other', name='organization_type'), nullable=True),
    sa.Column('job_title', sa.String(length=120), nullable=True),
    sa.Column('website', sa.String(length=255), nullable=True),
    sa.Column('linkedin', sa.String(length=255), nullable=True),
    sa.Column('orcid', sa.String(length=19), nullable=True),
    sa.Column('open_to_collaboration', sa.Boolean(), nullable=False),
    sa.Column('open_to_mentoring', sa.Boolean(), nullable=False),
    sa.Column('open_to_speaking', sa.Boolean(), nullable=False),
    sa.Column('visibility', sa.Enum('members', 'public', name='profile_visibility'), nullable=False),
    sa.Column('show_email', sa.Boolean(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('avatar_key', sa.String(length=16), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_profiles_institution_id_institutions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_profiles_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_profiles_verified_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_profiles_user_id'))
    )

    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profiles_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_profiles_open_to_collaboration'), ['open_to_collaboration'], unique=False)
        batch_op.create_index(batch_op.f('ix_profiles_open_to_mentoring'), ['open_to_mentoring'], unique=False)
        batch_op.create_index(batch_op.f('ix_profiles_open_to_speaking'), ['open_to_speaking'], unique=False)
        batch_op.create_index(batch_op.f('ix_profiles_organization_type'), ['organization_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_profiles_visibility'), ['visibility'], unique=False)

    op.create_table('profile_avatars',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('image', sa.LargeBinary(), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_profile_avatars_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id', name=op.f('pk_profile_avatars'))
    )

    op.create_table('profile_expertise',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('expertise_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['expertise_id'], ['expertise_areas.id'], name=op.f('fk_profile_expertise_expertise_id_expertise_areas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_profile_expertise_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id', 'expertise_id', name=op.f('pk_profile_expertise'))
    )

    with op.batch_alter_table('profile_expertise', schema=None) as batch_op:
        batch_op.create_index('ix_profile_expertise_expertise_id', ['expertise_id', 'profile_id'], unique=False)

    op.create_table('profile_languages',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_profile_languages_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id', 'code', name=op.f('pk_profile_languages'))
    )

    with op.batch_alter_table('profile_languages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_languages_code'), ['code'], unique=False)

    # The directory sorts by name and by recent activity.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_display_name', ['display_name'], unique=False)
        batch_op.create_index('ix_users_last_seen_at', ['last_seen_at'], unique=False)

    expertise_areas = sa.table(
        'expertise_areas',
        sa.column('slug', sa.String), sa.column('name_en', sa.String), sa.column('name_es', sa.String),
        sa.column('name_pt', sa.String), sa.column('position', sa.Integer),
    )
    op.bulk_insert(expertise_areas, DEFAULT_EXPERTISE)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_last_seen_at')
        batch_op.drop_index('ix_users_display_name')

    with op.batch_alter_table('profile_languages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_languages_code'))

    op.drop_table('profile_languages')

    with op.batch_alter_table('profile_expertise', schema=None) as batch_op:
        batch_op.drop_index('ix_profile_expertise_expertise_id')

    op.drop_table('profile_expertise')

    op.drop_table('profile_avatars')

    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profiles_visibility'))
        batch_op.drop_index(batch_op.f('ix_profiles_organization_type'))
        batch_op.drop_index(batch_op.f('ix_profiles_open_to_speaking'))
        batch_op.drop_index(batch_op.f('ix_profiles_open_to_mentoring'))
        batch_op.drop_index(batch_op.f('ix_profiles_open_to_collaboration'))
        batch_op.drop_index(batch_op.f('ix_profiles_institution_id'))

    op.drop_table('profiles')

    with op.batch_alter_table('institution_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_institution_domains_institution_id'))

    op.drop_table('institution_domains')

    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_institutions_name'))

    op.drop_table('institutions')

    with op.batch_alter_table('expertise_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expertise_areas_position'))

    op.drop_table('expertise_areas')
    # PostgreSQL keeps enum types after their tables are gone.
    sa.Enum(name='organization_type').drop(op.get_bind(), checkfirst=True)
    sa.Enum(name='profile_visibility').drop(op.get_bind(), checkfirst=True)
