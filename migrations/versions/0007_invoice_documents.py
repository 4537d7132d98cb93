"""e-invoice files: the approved UBL of invoices, the PDF and UBL of credit notes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 21:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ubl_key', sa.String(length=255), nullable=True))

    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf_key', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('ubl_key', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.drop_column('ubl_key')
        batch_op.drop_column('pdf_key')

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_column('ubl_key')
