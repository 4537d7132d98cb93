"""field notes written by technicians (PWA)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 21:00:00

"""
import sqlalchemy as sa
from alembic import op

import dispatch.dbtypes

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_job_notes_job_id_jobs')),
    sa.ForeignKeyConstraint(['technician_id'], ['users.id'], name=op.f('fk_job_notes_technician_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_notes'))
    )
    with op.batch_alter_table('job_notes', schema=None) as batch_op:
        batch_op.create_index('ix_job_notes_job_written', ['job_id', 'written_at'], unique=False)


def downgrade():
    with op.batch_alter_table('job_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_job_notes_job_written')

    op.drop_table('job_notes')
