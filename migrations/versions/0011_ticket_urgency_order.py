"""tickets: the urgent-first order from indexes (state rank, next due time; also per owner and per queue), a
covering index for the views' counts, indexes for the category and channel filters, SQLite search triggers that fire only when the searched text changes

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 08:40:00

``tickets.state_rank`` copies the status's category as the first key of the urgent-first order (0 open, 1
paused, 2 closed); the category of a status with tickets never changes, so the copy cannot go stale.
``tickets.next_due_at`` is a generated column: the first-response target until the first reply, then the
resolution target, and 9999-12-31 when there is none, so that undated tickets sort last on both dialects. It
is virtual on SQLite (ALTER TABLE cannot add a stored one) and stored on PostgreSQL (which has no virtual
ones before version 18); both can be indexed.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

NEXT_DUE = ("CASE WHEN first_responded_at IS NULL AND first_response_due_at IS NOT NULL "
            "THEN first_response_due_at ELSE coalesce(due_at, {never}) END")
# The far-future stand-in in each dialect's own timestamp form (SQLite: SQLAlchemy's stored text).
NEVER = {"sqlite": "'9999-12-31 00:00:00.000000'", "postgresql": "TIMESTAMPTZ '9999-12-31 00:00:00+00'"}
KIND = {"sqlite": "VIRTUAL", "postgresql": "STORED"}
# table -> (FTS5 table, indexed columns), as created by 0010
SQLITE_SEARCH = {
    'tickets': ('tickets_fts', ('reference', 'subject', 'description')),
    'ticket_messages': ('ticket_messages_fts', ('body',)),
    'knowledge_articles': ('knowledge_articles_fts', ('title', 'summary', 'body')),
}


def upgrade():
    dialect = op.get_bind().dialect.name
    op.add_column('tickets', sa.Column('state_rank', sa.SmallInteger(), nullable=False, server_default='0'))
    op.execute("UPDATE tickets SET state_rank = (SELECT CASE ticket_statuses.category WHEN 'open' THEN 0 "
               "WHEN 'paused' THEN 1 ELSE 2 END FROM ticket_statuses WHERE ticket_statuses.id = tickets.status_id)")
    column_type = "DATETIME" if dialect == "sqlite" else "TIMESTAMP WITH TIME ZONE"
    op.execute(f"ALTER TABLE tickets ADD COLUMN next_due_at {column_type} GENERATED ALWAYS AS "
               f"({NEXT_DUE.format(never=NEVER[dialect])}) {KIND[dialect]}")
    op.create_index('ix_tickets_urgent', 'tickets', ['state_rank', 'next_due_at'])
    op.create_index('ix_tickets_owner_urgent', 'tickets', ['owner_id', 'state_rank', 'next_due_at'])
    op.create_index('ix_tickets_queue_urgent', 'tickets', ['queue_id', 'state_rank', 'next_due_at'])
    # Covers the side menu's counts of open work per view and queue: an index-only read.
    op.create_index('ix_tickets_view_counts', 'tickets',
                    ['state_rank', 'queue_id', 'owner_id', 'escalation_level', 'next_due_at'])
    op.create_index('ix_tickets_category_created', 'tickets', ['category', 'created_at'])
    op.create_index('ix_tickets_channel_created', 'tickets', ['channel', 'created_at'])
    if dialect == "sqlite":
        _sqlite_update_triggers(only_search_columns=True)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_update_triggers(only_search_columns=False)
    op.drop_index('ix_tickets_channel_created', 'tickets')
    op.drop_index('ix_tickets_category_created', 'tickets')
    for index in ('ix_tickets_view_counts', 'ix_tickets_queue_urgent', 'ix_tickets_owner_urgent',
                  'ix_tickets_urgent'):
        op.drop_index(index, 'tickets')
    op.execute("ALTER TABLE tickets DROP COLUMN next_due_at")
    op.execute("ALTER TABLE tickets DROP COLUMN state_rank")


def _sqlite_update_triggers(only_search_columns: bool) -> None:
    """Re-index a row on UPDATE; with ``only_search_columns`` only when its searched text changed (an SLA
    run or an assignment rewrote the whole FTS entry of every ticket it touched before)."""
    for table, (fts, columns) in SQLITE_SEARCH.items():
        names = ", ".join(columns)
        new = ", ".join(f"new.{column}" for column in columns)
        old = ", ".join(f"old.{column}" for column in columns)
        of = f"OF {names} " if only_search_columns else ""
        op.execute(f"DROP TRIGGER {fts}_update")
        op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE {of}ON {table} BEGIN "
                   f"INSERT INTO {fts} ({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
                   f"INSERT INTO {fts} (rowid, {names}) VALUES (new.id, {new}); END")
