"""Messages keep a plain-text preview for the inbox, written with the message; existing messages get
theirs here.

Revision ID: 0dd5e3a881f0
Revises: 1c2de8865922
Create Date: 2026-12-06 20:53:54.066493

"""
from alembic import op
import sqlalchemy as sa
from markupsafe import Markup


# revision identifiers, used by Alembic.
revision = '0dd5e3a881f0'
down_revision = '1c2de8865922'
branch_labels = None
depends_on = None

PREVIEW_LENGTH = 140
BATCH = 1000
messages = sa.table('messages', sa.column('id', sa.Integer), sa.column('body_html', sa.Text),
                    sa.column('preview', sa.String))


def preview(html):
    # As community.messages.services.preview_of wrote it when this migration was made.
    flat = " ".join(Markup(html or "").striptags().split())
    if len(flat) <= PREVIEW_LENGTH:
        return flat
    return flat[:PREVIEW_LENGTH].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def upgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preview', sa.String(length=141), server_default='', nullable=False))

    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(messages.c.id, messages.c.body_html).where(messages.c.id > last_id)
            .order_by(messages.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            messages.update().where(messages.c.id == sa.bindparam('message_id')),
            [{'message_id': row.id, 'preview': preview(row.body_html)} for row in rows],
        )
        last_id = rows[-1].id


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('preview')
