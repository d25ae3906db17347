"""Events, RSVPs, reminders, calendar feeds, and attachments in the outbox.

Revision ID: d69cfcfeb190
Revises: 0b307c22e483
Create Date: 2026-11-24 22:42:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd69cfcfeb190'
down_revision = '0b307c22e483'
branch_labels = None
depends_on = None



def upgrade():
    op.create_table('event_calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_calendar_feeds')),
    sa.UniqueConstraint('token', name=op.f('uq_event_calendar_feeds_token')),
    sa.UniqueConstraint('user_id', name=op.f('uq_event_calendar_feeds_user_id'))
    )

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.Enum('meeting', 'webinar', 'training', 'conference', 'other', name='event_kind'), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('format', sa.Enum('in_person', 'online', 'hybrid', name='event_format'), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('registration_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.Enum('scheduled', 'cancelled', 'postponed', name='event_status'), nullable=False),
    sa.Column('follow_up_of_id', sa.Integer(), nullable=True),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('going_count', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('minutes_html', sa.Text(), nullable=False),
    sa.Column('minutes_posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('minutes_invited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['follow_up_of_id'], ['events.id'], name=op.f('fk_events_follow_up_of_id_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organizer_id'], ['users.id'], name=op.f('fk_events_organizer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_country_starts_at', ['country', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_ends_at'), ['ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_follow_up_of_id'), ['follow_up_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_format'), ['format'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_language'), ['language'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_organizer_id'), ['organizer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index('ix_events_status_starts_at', ['status', 'starts_at'], unique=False)

    op.create_table('outbox_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_messages.id'], name=op.f('fk_outbox_attachments_message_id_outbox_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachments'))
    )

    with op.batch_alter_table('outbox_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_attachments_message_id'), ['message_id'], unique=False)

    op.create_table('event_co_organizers',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_co_organizers_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_co_organizers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'user_id', name=op.f('pk_event_co_organizers'))
    )

    with op.batch_alter_table('event_co_organizers', schema=None) as batch_op:
        batch_op.create_index('ix_event_co_organizers_user_id', ['user_id'], unique=False)

    op.create_table('event_rsvps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('going', 'interested', 'not_going', 'waitlisted', name='rsvp_status'), nullable=False),
    sa.Column('remind_day_before', sa.Boolean(), nullable=False),
    sa.Column('remind_hour_before', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_rsvps_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_rsvps_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_rsvps')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_event_rsvps_event_id'))
    )

    with op.batch_alter_table('event_rsvps', schema=None) as batch_op:
        batch_op.create_index('ix_event_rsvps_event_status', ['event_id', 'status', 'responded_at'], unique=False)
        batch_op.create_index('ix_event_rsvps_user_status', ['user_id', 'status'], unique=False)

    op.create_table('event_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rsvp_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('day', 'hour', name='event_reminder_kind'), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['rsvp_id'], ['event_rsvps.id'], name=op.f('fk_event_reminders_rsvp_id_event_rsvps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_reminders')),
    sa.UniqueConstraint('rsvp_id', 'kind', name=op.f('uq_event_reminders_rsvp_id'))
    )


def downgrade():
    op.drop_table('event_reminders')

    with op.batch_alter_table('event_rsvps', schema=None) as batch_op:
        batch_op.drop_index('ix_event_rsvps_user_status')
        batch_op.drop_index('ix_event_rsvps_event_status')

    op.drop_table('event_rsvps')

    with op.batch_alter_table('event_co_organizers', schema=None) as batch_op:
        batch_op.drop_index('ix_event_co_organizers_user_id')

    op.drop_table('event_co_organizers')

    with op.batch_alter_table('outbox_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_attachments_message_id'))

    op.drop_table('outbox_attachments')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_status_starts_at')
        batch_op.drop_index(batch_op.f('ix_events_starts_at'))
        batch_op.drop_index(batch_op.f('ix_events_organizer_id'))
        batch_op.drop_index(batch_op.f('ix_events_language'))
        batch_op.drop_index(batch_op.f('ix_events_kind'))
        batch_op.drop_index(batch_op.f('ix_events_format'))
        batch_op.drop_index(batch_op.f('ix_events_follow_up_of_id'))
        batch_op.drop_index(batch_op.f('ix_events_ends_at'))
        batch_op.drop_index('ix_events_country_starts_at')

    op.drop_table('events')

    op.drop_table('event_calendar_feeds')
    # PostgreSQL keeps enum types after their tables are gone.
    for name in ('event_kind', 'event_format', 'event_status', 'rsvp_status', 'event_reminder_kind'):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
