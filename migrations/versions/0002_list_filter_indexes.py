"""indexes for the list filters: tickets and invoices by status, priority and customer,
each with the lists' order (newest first)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 19:48:23.377620

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_customer_id'))
        batch_op.create_index('ix_invoices_customer_created', ['customer_id', 'created_at'], unique=False)
        batch_op.create_index('ix_invoices_status_created', ['status', 'created_at'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_customer_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_priority'))
        batch_op.create_index('ix_tickets_customer_created', ['customer_id', 'created_at'], unique=False)
        batch_op.create_index('ix_tickets_priority_created', ['priority', 'created_at'], unique=False)
        batch_op.create_index('ix_tickets_status_created', ['status_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_status_created')
        batch_op.drop_index('ix_tickets_priority_created')
        batch_op.drop_index('ix_tickets_customer_created')
        batch_op.create_index(batch_op.f('ix_tickets_priority'), ['priority'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_customer_id'), ['customer_id'], unique=False)

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_invoices_status_created')
        batch_op.drop_index('ix_invoices_customer_created')
        batch_op.create_index(batch_op.f('ix_invoices_customer_id'), ['customer_id'], unique=False)
