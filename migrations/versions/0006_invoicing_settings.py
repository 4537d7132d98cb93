"""invoicing settings: rounding, minimums, rates per job kind, coverage flags

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 21:00:00

"""
import sqlalchemy as sa
from alembic import op

import dispatch.dbtypes

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TRAVEL_BILLING = sa.Enum('time', 'callout', 'both', name='travelbilling', native_enum=False, create_constraint=True)


def upgrade():
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logo_key', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('billing_step_minutes', sa.Integer(), server_default='15', nullable=False))
        batch_op.add_column(sa.Column('minimum_billed_minutes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('travel_billing', TRAVEL_BILLING, server_default='both', nullable=False))
        batch_op.add_column(sa.Column('omit_covered_lines', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_table(
        'job_kind_rates',
        sa.Column('kind', sa.Enum('repair', 'maintenance', 'installation', 'inspection', name='jobkind',
                                  native_enum=False, create_constraint=True), nullable=False),
        sa.Column('hourly_rate', dispatch.dbtypes.Fixed(scale=4, precision=14), nullable=False),
        sa.PrimaryKeyConstraint('kind', name=op.f('pk_job_kind_rates')),
    )


def downgrade():
    op.drop_table('job_kind_rates')
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_column('omit_covered_lines')
        batch_op.drop_constraint(op.f('ck_company_travelbilling'), type_='check')  # SQLite keeps it otherwise
        batch_op.drop_column('travel_billing')
        batch_op.drop_column('minimum_billed_minutes')
        batch_op.drop_column('billing_step_minutes')
        batch_op.drop_column('logo_key')
