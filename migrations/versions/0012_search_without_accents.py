"""search without accents on PostgreSQL: "cafe" finds "café", "muller" finds "Müller", "strasse" finds "Straße"

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 09:00:00

SQLite's FTS5 tables already drop diacritics (``remove_diacritics 2``, migration 0010); PostgreSQL's 'simple'
configuration kept them. The GIN indexes are rebuilt on ``dispatch_unaccent(...)``: ``unaccent()`` itself is
only STABLE (its dictionary could change), which an index expression may not be, so an IMMUTABLE wrapper names
the dictionary by its schema and works whatever the search_path (autovacuum, restores). ``unaccent`` is a
trusted extension (PostgreSQL 13 and later): the database's owner may create it. The expressions must stay
word for word those of ``dispatch.search_text``.
"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TICKET_TEXT = "coalesce(reference, '') || ' ' || coalesce(subject, '') || ' ' || coalesce(description, '')"
MESSAGE_TEXT = "coalesce(body, '')"
ARTICLE_TEXT = "coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(body, '')"
INDEXES = (("ix_tickets_search", "tickets", TICKET_TEXT),
           ("ix_ticket_messages_search", "ticket_messages", MESSAGE_TEXT),
           ("ix_knowledge_articles_search", "knowledge_articles", ARTICLE_TEXT))


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema = op.get_bind().exec_driver_sql(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'").scalar_one()
    op.execute(f"CREATE OR REPLACE FUNCTION dispatch_unaccent(text) RETURNS text "
               f"LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
               f"AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$")
    _indexes("dispatch_unaccent({})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    _indexes("{}")
    op.execute("DROP FUNCTION IF EXISTS dispatch_unaccent(text)")
    # The extension stays: another application's objects may use it.


def _indexes(wrap: str) -> None:
    for name, table, expression in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (to_tsvector('simple', {wrap.format(expression)}))")
