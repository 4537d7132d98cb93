"""desk: contacts, queues and duty, SLA business hours and escalation, inbound mail, custom fields, canned
responses, knowledge base, full-text search

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 04:04:40

Full-text search is dialect-specific and invisible to the models: SQLite gets FTS5 tables kept by triggers
(``tickets_fts``, ``ticket_messages_fts``, ``knowledge_articles_fts``); PostgreSQL gets GIN indexes on the
``to_tsvector('simple', ...)`` expressions that ``dispatch.desk.search`` and ``dispatch.knowledge`` query with.
"""
import datetime

import sqlalchemy as sa
from alembic import op

import dispatch.dbtypes

# The text each search looks in; the PostgreSQL index expressions must match the queries word for word.
TICKET_TEXT = "coalesce(reference, '') || ' ' || coalesce(subject, '') || ' ' || coalesce(description, '')"
ARTICLE_TEXT = "coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(body, '')"


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('business_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens_at', sa.Time(), nullable=False),
    sa.Column('closes_at', sa.Time(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_hours'))
    )
    with op.batch_alter_table('business_hours', schema=None) as batch_op:
        batch_op.create_index('ix_business_hours_weekday', ['weekday', 'opens_at'], unique=False)

    op.create_table('custom_fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('field_type', sa.Enum('text', 'number', 'date', 'choice', 'checkbox', name='customfieldtype', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custom_fields')),
    sa.UniqueConstraint('key', name=op.f('uq_custom_fields_key'))
    )
    op.create_table('holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holidays')),
    sa.UniqueConstraint('day', name=op.f('uq_holidays_day'))
    )
    op.create_table('knowledge_articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('category', sa.String(length=80), nullable=True),
    sa.Column('status', sa.Enum('draft', 'published', name='articlestatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.Column('helpful_votes', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('published_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_knowledge_articles_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_articles')),
    sa.UniqueConstraint('slug', name=op.f('uq_knowledge_articles_slug'))
    )
    with op.batch_alter_table('knowledge_articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_articles_category'), ['category'], unique=False)
        batch_op.create_index('ix_knowledge_articles_status_language', ['status', 'language', 'published_at'], unique=False)

    op.create_table('queues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('email_address', sa.String(length=254), nullable=True),
    sa.Column('assignment_mode', sa.Enum('manual', 'round_robin', 'least_loaded', name='assignmentmode', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('team_lead_id', sa.Integer(), nullable=True),
    sa.Column('last_assigned_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['last_assigned_id'], ['users.id'], name=op.f('fk_queues_last_assigned_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_lead_id'], ['users.id'], name=op.f('fk_queues_team_lead_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queues')),
    sa.UniqueConstraint('email_address', name=op.f('uq_queues_email_address')),
    sa.UniqueConstraint('name', name=op.f('uq_queues_name'))
    )
    op.create_table('canned_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_canned_responses_created_by_id_users')),
    sa.ForeignKeyConstraint(['queue_id'], ['queues.id'], name=op.f('fk_canned_responses_queue_id_queues'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_canned_responses'))
    )
    with op.batch_alter_table('canned_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_canned_responses_queue_id'), ['queue_id'], unique=False)

    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('created_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_contacts_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_phone'), ['phone'], unique=False)

    op.create_table('duty_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('queue_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['queue_id'], ['queues.id'], name=op.f('fk_duty_slots_queue_id_queues'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_duty_slots_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_slots'))
    )
    with op.batch_alter_table('duty_slots', schema=None) as batch_op:
        batch_op.create_index('ix_duty_slots_queue_weekday', ['queue_id', 'weekday'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_slots_user_id'), ['user_id'], unique=False)

    op.create_table('queue_members',
    sa.Column('queue_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['queue_id'], ['queues.id'], name=op.f('fk_queue_members_queue_id_queues'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_queue_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('queue_id', 'user_id', name=op.f('pk_queue_members'))
    )
    with op.batch_alter_table('queue_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_members_user_id'), ['user_id'], unique=False)

    op.create_table('inbound_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('raw_key', sa.String(length=255), nullable=False),
    sa.Column('raw_sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=500), nullable=True),
    sa.Column('from_address', sa.String(length=254), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('status', sa.Enum('pending', 'processed', 'ignored', 'failed', name='inboundstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('received_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('processed_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_inbound_mails_ticket_id_tickets'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_mails')),
    sa.UniqueConstraint('raw_sha256', name=op.f('uq_inbound_mails_raw_sha256'))
    )
    with op.batch_alter_table('inbound_mails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_mails_from_address'), ['from_address'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_mails_message_id'), ['message_id'], unique=False)
        batch_op.create_index('ix_inbound_mails_status_received', ['status', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_mails_ticket_id'), ['ticket_id'], unique=False)

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_group', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_customers_customer_group'), ['customer_group'], unique=False)

    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.create_index('ix_outbox_mails_to_created', ['to_address', 'created_at'], unique=False)

    with op.batch_alter_table('sla_policies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('customer_group', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('warning_percent', sa.Integer(), server_default='75', nullable=False))
        batch_op.add_column(sa.Column('second_escalation_minutes', sa.Integer(), server_default='240', nullable=False))
        batch_op.add_column(sa.Column('set_escalated_status', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_sla_policies_priority'), type_='unique')
        batch_op.create_unique_constraint('uq_sla_policies_priority_group', ['priority', 'customer_group'])

    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('channel', sa.Enum('phone', 'email', 'web', 'chat', 'portal', name='channel', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('sender', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('email_message_id', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('inbound_mail_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ticket_messages_email_message_id'), ['email_message_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_ticket_messages_inbound_mail_id_inbound_mails'), 'inbound_mails', ['inbound_mail_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue_id', sa.Integer(), nullable=True))
    _queue_names_to_queues()
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('custom_fields', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sla_policy_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sla_paused_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sla_warned_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_response_breached_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolution_breached_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('escalation_level', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('escalated_at', dispatch.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reopened_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_index(batch_op.f('ix_tickets_owner_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_queue'))
        batch_op.create_index(batch_op.f('ix_tickets_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_email'), ['email'], unique=False)
        batch_op.create_index('ix_tickets_escalation_due', ['escalation_level', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index('ix_tickets_owner_created', ['owner_id', 'created_at'], unique=False)
        batch_op.create_index('ix_tickets_queue_created', ['queue_id', 'created_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tickets_merged_into_id_tickets'), 'tickets', ['merged_into_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_tickets_sla_policy_id_sla_policies'), 'sla_policies', ['sla_policy_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_tickets_queue_id_queues'), 'queues', ['queue_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_tickets_contact_id_contacts'), 'contacts', ['contact_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_column('queue')

    _seed_business_hours()
    _name_sla_policies()
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_search_indexes()
    else:
        _sqlite_search_tables()


def _queue_names_to_queues():
    """Each distinct free-text queue of a ticket becomes a queue row; the ticket points at it."""
    op.execute("INSERT INTO queues (name, assignment_mode, active, position, created_at) "
               "SELECT DISTINCT queue, 'manual', true, 0, CURRENT_TIMESTAMP FROM tickets WHERE queue IS NOT NULL")
    op.execute("UPDATE tickets SET queue_id = (SELECT id FROM queues WHERE queues.name = tickets.queue) "
               "WHERE queue IS NOT NULL")


def _seed_business_hours():
    """Monday to Friday, 08:00 to 17:00 in the company's time zone: what most installers keep."""
    hours = sa.table("business_hours", sa.column("weekday"), sa.column("opens_at", sa.Time),
                     sa.column("closes_at", sa.Time))
    op.bulk_insert(hours, [{"weekday": weekday, "opens_at": datetime.time(8), "closes_at": datetime.time(17)}
                           for weekday in range(5)])


def _name_sla_policies():
    for priority, name in [("urgent", "Urgent"), ("high", "High"), ("medium", "Medium"), ("low", "Low"),
                           ("none", "No priority")]:
        op.execute(sa.text("UPDATE sla_policies SET name = :name WHERE priority = :priority")
                   .bindparams(name=name, priority=priority))


def _postgresql_search_indexes():
    op.execute(f"CREATE INDEX ix_tickets_search ON tickets USING gin (to_tsvector('simple', {TICKET_TEXT}))")
    op.execute("CREATE INDEX ix_ticket_messages_search ON ticket_messages "
               "USING gin (to_tsvector('simple', coalesce(body, '')))")
    op.execute(f"CREATE INDEX ix_knowledge_articles_search ON knowledge_articles "
               f"USING gin (to_tsvector('simple', {ARTICLE_TEXT}))")


# table -> (FTS5 table, indexed columns)
SQLITE_SEARCH = {
    'tickets': ('tickets_fts', ('reference', 'subject', 'description')),
    'ticket_messages': ('ticket_messages_fts', ('body',)),
    'knowledge_articles': ('knowledge_articles_fts', ('title', 'summary', 'body')),
}


def _sqlite_search_tables():
    """External-content FTS5 tables, kept in step by triggers, filled with what is there already."""
    for table, (fts, columns) in SQLITE_SEARCH.items():
        names = ", ".join(columns)
        new = ", ".join(f"new.{column}" for column in columns)
        old = ", ".join(f"old.{column}" for column in columns)
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', content_rowid='id', "
                   f"tokenize='unicode61 remove_diacritics 2')")
        op.execute(f"INSERT INTO {fts} (rowid, {names}) SELECT id, {names} FROM {table}")
        op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
                   f"INSERT INTO {fts} (rowid, {names}) VALUES (new.id, {new}); END")
        op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
                   f"INSERT INTO {fts} ({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END")
        op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE ON {table} BEGIN "
                   f"INSERT INTO {fts} ({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
                   f"INSERT INTO {fts} (rowid, {names}) VALUES (new.id, {new}); END")


def _drop_search():
    if op.get_bind().dialect.name == "postgresql":
        for index in ("ix_tickets_search", "ix_ticket_messages_search", "ix_knowledge_articles_search"):
            op.execute(f"DROP INDEX IF EXISTS {index}")
        return
    for fts, _columns in SQLITE_SEARCH.values():
        for verb in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{verb}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")



def downgrade():
    _drop_search()
    op.execute("DELETE FROM business_hours")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue', sa.VARCHAR(length=80), nullable=True))
    op.execute("UPDATE tickets SET queue = (SELECT name FROM queues WHERE queues.id = tickets.queue_id)")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tickets_contact_id_contacts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_tickets_queue_id_queues'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_tickets_sla_policy_id_sla_policies'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_tickets_merged_into_id_tickets'), type_='foreignkey')
        batch_op.drop_index('ix_tickets_queue_created')
        batch_op.drop_index('ix_tickets_owner_created')
        batch_op.drop_index(batch_op.f('ix_tickets_merged_into_id'))
        batch_op.drop_index('ix_tickets_escalation_due')
        batch_op.drop_index(batch_op.f('ix_tickets_email'))
        batch_op.drop_index(batch_op.f('ix_tickets_contact_id'))
        batch_op.create_index(batch_op.f('ix_tickets_queue'), ['queue'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_owner_id'), ['owner_id'], unique=False)
        batch_op.drop_column('reopened_count')
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('escalation_level')
        batch_op.drop_column('resolution_breached_at')
        batch_op.drop_column('first_response_breached_at')
        batch_op.drop_column('sla_warned_at')
        batch_op.drop_column('sla_paused_at')
        batch_op.drop_column('sla_policy_id')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('custom_fields')
        batch_op.drop_column('phone')
        batch_op.drop_column('email')
        batch_op.drop_column('contact_id')
        batch_op.drop_column('queue_id')

    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ticket_messages_inbound_mail_id_inbound_mails'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ticket_messages_email_message_id'))
        batch_op.drop_column('inbound_mail_id')
        batch_op.drop_column('email_message_id')
        batch_op.drop_column('sender')
        batch_op.drop_constraint(op.f('ck_ticket_messages_channel'), type_='check')
        batch_op.drop_column('channel')
        batch_op.drop_column('body_html')

    # Back to one policy per priority: the customer groups' own policies go.
    op.execute("DELETE FROM sla_policies WHERE customer_group IS NOT NULL")
    with op.batch_alter_table('sla_policies', schema=None) as batch_op:
        batch_op.drop_constraint('uq_sla_policies_priority_group', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_sla_policies_priority'), ['priority'])
        batch_op.drop_column('active')
        batch_op.drop_column('set_escalated_status')
        batch_op.drop_column('second_escalation_minutes')
        batch_op.drop_column('warning_percent')
        batch_op.drop_column('customer_group')
        batch_op.drop_column('name')

    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_mails_to_created')
        batch_op.drop_column('headers')

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_customer_group'))
        batch_op.drop_column('customer_group')

    with op.batch_alter_table('inbound_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_mails_ticket_id'))
        batch_op.drop_index('ix_inbound_mails_status_received')
        batch_op.drop_index(batch_op.f('ix_inbound_mails_message_id'))
        batch_op.drop_index(batch_op.f('ix_inbound_mails_from_address'))

    op.drop_table('inbound_mails')
    with op.batch_alter_table('queue_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_queue_members_user_id'))

    op.drop_table('queue_members')
    with op.batch_alter_table('duty_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_slots_user_id'))
        batch_op.drop_index('ix_duty_slots_queue_weekday')

    op.drop_table('duty_slots')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_phone'))
        batch_op.drop_index(batch_op.f('ix_contacts_name'))
        batch_op.drop_index(batch_op.f('ix_contacts_email'))
        batch_op.drop_index(batch_op.f('ix_contacts_customer_id'))

    op.drop_table('contacts')
    with op.batch_alter_table('canned_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_canned_responses_queue_id'))

    op.drop_table('canned_responses')
    op.drop_table('queues')
    with op.batch_alter_table('knowledge_articles', schema=None) as batch_op:
        batch_op.drop_index('ix_knowledge_articles_status_language')
        batch_op.drop_index(batch_op.f('ix_knowledge_articles_category'))

    op.drop_table('knowledge_articles')
    op.drop_table('holidays')
    op.drop_table('custom_fields')
    with op.batch_alter_table('business_hours', schema=None) as batch_op:
        batch_op.drop_index('ix_business_hours_weekday')

    op.drop_table('business_hours')
