"""Member handles (for @mentions) and per-topic e-mail preferences for notifications.

Revision ID: abc94636dd93
Revises: d69cfcfeb190
Create Date: 2026-11-24 23:50:27

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = 'abc94636dd93'
down_revision = 'd69cfcfeb190'
branch_labels = None
depends_on = None


def _handle_base(display_name):
    # A frozen copy of community.accounts.handles.handle_base as it stood when handles arrived.
    ascii_name = unicodedata.normalize('NFKD', display_name or '').encode('ascii', 'ignore').decode().lower()
    base = '.'.join(re.findall(r'[a-z0-9]+', ascii_name)[:2])[:24].strip('.')
    return base if len(base) >= 3 else f'member{base}'


def _give_existing_members_handles():
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('display_name', sa.String),
                     sa.column('handle', sa.String))
    connection = op.get_bind()
    taken = set()
    for user_id, display_name in connection.execute(sa.select(users.c.id, users.c.display_name).order_by(users.c.id)):
        base = handle = _handle_base(display_name)
        number = 2
        while handle in taken:
            handle, number = f'{base}{number}', number + 1
        taken.add(handle)
        connection.execute(users.update().where(users.c.id == user_id).values(handle=handle))


def upgrade():
    op.create_table('notification_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.Enum('messages', 'mentions', 'replies', 'new_threads', 'events', 'moderation', name='notificationtopic', native_enum=False, length=32), nullable=False),
    sa.Column('by_email', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'topic', name=op.f('pk_notification_preferences'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handle', sa.String(length=30), nullable=True))
    _give_existing_members_handles()
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('handle', existing_type=sa.String(length=30), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_users_handle'), ['handle'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_handle'), type_='unique')
        batch_op.drop_column('handle')

    op.drop_table('notification_preferences')
