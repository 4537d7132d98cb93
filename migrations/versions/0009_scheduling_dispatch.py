"""scheduling: job templates, checklists, follow-ups, appointment windows, geocoding, preferred technician, calendar feeds

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 09:00:00

"""
import sqlalchemy as sa
from alembic import op

import dispatch.dbtypes

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('geocode_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('query_key', sa.String(length=64), nullable=False),
    sa.Column('query', sa.Text(), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('status', sa.Enum('pending', 'located', 'approximate', 'not_found', 'manual', name='geocodestatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('display_name', sa.Text(), nullable=True),
    sa.Column('created_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_geocode_results')),
    sa.UniqueConstraint('query_key', name=op.f('uq_geocode_results_query_key'))
    )
    op.create_table('job_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('repair', 'maintenance', 'installation', 'inspection', name='jobkind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('required_skills', sa.JSON(), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_templates')),
    sa.UniqueConstraint('name', name=op.f('uq_job_templates_name'))
    )
    with op.batch_alter_table('job_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_templates_kind'), ['kind'], unique=False)

    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.create_index('ix_absences_span', ['starts_at', 'ends_at'], unique=False)

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_technician_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_customers_preferred_technician_id_users'), 'users', ['preferred_technician_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checklist', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('template_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('follow_up_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('window_start', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('window_end', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_jobs_follow_up_of_id'), ['follow_up_of_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_jobs_follow_up_of_id_jobs'), 'jobs', ['follow_up_of_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_jobs_template_id_job_templates'), 'job_templates', ['template_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('geocode_status', sa.Enum('pending', 'located', 'approximate', 'not_found', 'manual', name='geocodestatus', native_enum=False, create_constraint=True), nullable=False, server_default='pending'))
        batch_op.add_column(sa.Column('geocoded_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_sites_geocode_status'), ['geocode_status'], unique=False)

    with op.batch_alter_table('technician_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('home_geocode_status', sa.Enum('pending', 'located', 'approximate', 'not_found', 'manual', name='geocodestatus', native_enum=False, create_constraint=True), nullable=False, server_default='pending'))
        batch_op.add_column(sa.Column('calendar_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_technician_profiles_calendar_token_hash'), ['calendar_token_hash'])

    # Addresses that already carry coordinates (typed in through the API, or demo data) count as located;
    # the rest wait for the geocoding task.
    op.execute("UPDATE sites SET geocode_status = 'located' WHERE latitude IS NOT NULL AND longitude IS NOT NULL")
    op.execute("UPDATE technician_profiles SET home_geocode_status = 'located' "
               "WHERE home_latitude IS NOT NULL AND home_longitude IS NOT NULL")


def downgrade():
    with op.batch_alter_table('technician_profiles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_technician_profiles_calendar_token_hash'), type_='unique')
        batch_op.drop_column('calendar_token_hash')
        batch_op.drop_constraint(op.f('ck_technician_profiles_geocodestatus'), type_='check')  # SQLite keeps it otherwise
        batch_op.drop_column('home_geocode_status')

    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sites_geocode_status'))
        batch_op.drop_column('geocoded_at')
        batch_op.drop_constraint(op.f('ck_sites_geocodestatus'), type_='check')
        batch_op.drop_column('geocode_status')

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_jobs_template_id_job_templates'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_jobs_follow_up_of_id_jobs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_jobs_follow_up_of_id'))
        batch_op.drop_column('window_end')
        batch_op.drop_column('window_start')
        batch_op.drop_column('follow_up_of_id')
        batch_op.drop_column('template_id')
        batch_op.drop_column('checklist')

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_customers_preferred_technician_id_users'), type_='foreignkey')
        batch_op.drop_column('preferred_technician_id')

    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.drop_index('ix_absences_span')

    with op.batch_alter_table('job_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_templates_kind'))

    op.drop_table('job_templates')
    op.drop_table('geocode_results')
