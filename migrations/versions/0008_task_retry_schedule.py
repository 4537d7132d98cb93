"""background tasks carry their next attempt: one retry schedule, driven by the sweep, that never gives up

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 09:00:00

"""
import sqlalchemy as sa
from alembic import op

import dispatch.dbtypes

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('background_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_background_tasks_status_next_attempt', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('background_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_background_tasks_status_next_attempt')
        batch_op.drop_column('next_attempt_at')
