"""E-mail digests (settings, sent digests and their items) and notification e-mails: batching per
thread, unsubscribe headers and the Message-ID kept on the outbox, bounces counted on members.

Revision ID: 9376901dd8db
Revises: db4720605ad6
Create Date: 2026-11-25 04:05:06.099164

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9376901dd8db'
down_revision = 'db4720605ad6'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # Mail skipped because the address bounces too often (SQLite stores the enum as text).
        op.execute("ALTER TYPE outbox_status ADD VALUE IF NOT EXISTS 'skipped'")
    op.create_table('digest_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.Enum('daily', 'weekly', 'monthly', 'never', name='digestfrequency', native_enum=False, length=16), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('hour', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digest_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_digest_settings'))
    )
    op.create_table('notification_emails',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('group_key', sa.String(length=40), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_emails_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'group_key', name=op.f('pk_notification_emails'))
    )
    op.create_table('digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('period_key', sa.String(length=16), nullable=False),
    sa.Column('frequency', sa.Enum('daily', 'weekly', 'monthly', 'never', name='digestfrequency', native_enum=False, length=16), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'], name=op.f('fk_digests_outbox_message_id_outbox_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digests')),
    sa.UniqueConstraint('user_id', 'period_key', name=op.f('uq_digests_user_id'))
    )
    op.create_table('digest_items',
    sa.Column('digest_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['digest_id'], ['digests.id'], name=op.f('fk_digest_items_digest_id_digests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('digest_id', 'kind', 'item_id', name=op.f('pk_digest_items'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_notifications_email_pending', ['emailed_at', 'created_at'], unique=False)
    # What happened before this release is not e-mailed now: existing notifications count as dealt with.
    op.execute("UPDATE notifications SET emailed_at = created_at")

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('message_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('headers', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_user_id_users'), 'users', ['user_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_bounce_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('email_undeliverable_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_undeliverable_at')
        batch_op.drop_column('email_bounce_count')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_user_id_users'), type_='foreignkey')
        batch_op.drop_column('headers')
        batch_op.drop_column('message_id')
        batch_op.drop_column('user_id')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_email_pending')
        batch_op.drop_column('emailed_at')

    op.drop_table('digest_items')
    op.drop_table('digests')
    op.drop_table('notification_emails')
    op.drop_table('digest_settings')
    # PostgreSQL cannot drop a value from an enum type: 'skipped' stays in outbox_status, unused.
