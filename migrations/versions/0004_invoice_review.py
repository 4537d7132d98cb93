"""billing review: credit notes, sending, payments

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 21:00:00

"""
import sqlalchemy as sa
from alembic import op

import dispatch.dbtypes

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credit_note_series', sa.String(length=10), server_default='CN',
                                      nullable=False))

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_on', sa.Date(), nullable=True))

    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', sa.String(length=3), server_default='EUR', nullable=False))
        batch_op.add_column(sa.Column('issued_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('sent_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_credit_notes_created_by_id_users'), 'users',
                                    ['created_by_id'], ['id'])
        batch_op.create_index('ix_credit_notes_created', ['created_at', 'id'], unique=False)

    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credited_line_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_invoice_lines_credited_line_id_invoice_lines'),
                                    'invoice_lines', ['credited_line_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_invoice_lines_credited_line_id'), ['credited_line_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_credited_line_id'))
        batch_op.drop_constraint(batch_op.f('fk_invoice_lines_credited_line_id_invoice_lines'),
                                 type_='foreignkey')
        batch_op.drop_column('credited_line_id')

    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_notes_created')
        batch_op.drop_constraint(batch_op.f('fk_credit_notes_created_by_id_users'), type_='foreignkey')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('issued_on')
        batch_op.drop_column('currency')

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_column('paid_on')

    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_column('credit_note_series')
