"""search on PostgreSQL: without accents ("cafe" finds "café", "muller" finds "Müller", "strasse" finds
"Straße"), from stored search vectors

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 09:00:00

SQLite's FTS5 tables already drop diacritics (``remove_diacritics 2``, migration 0010); PostgreSQL's 'simple'
configuration kept them. Each searched table gets a stored generated column ``search_vector``, the text read
through ``dispatch_unaccent()``, with the GIN index on it. Ranking reads the stored vector: the expression
indexes of 0010 made ``ts_rank`` parse the text of every match again (1.4 s for two pages of a common word
among 200,000 tickets). ``unaccent()`` is only STABLE (its dictionary could change), which a generated column
may not be, so an IMMUTABLE wrapper names the dictionary by its schema and works whatever the search_path.
``unaccent`` is a trusted extension (PostgreSQL 13 and later): the database's owner may create it. The models
do not describe these columns (``migrations/env.py`` leaves them out of autogenerate), as with SQLite's tables.
"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TICKET_TEXT = "coalesce(reference, '') || ' ' || coalesce(subject, '') || ' ' || coalesce(description, '')"
MESSAGE_TEXT = "coalesce(body, '')"
ARTICLE_TEXT = "coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(body, '')"
SEARCHED = (("ix_tickets_search", "tickets", TICKET_TEXT),
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
    for index, table, text in SEARCHED:
        op.execute(f"DROP INDEX IF EXISTS {index}")
        op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
                   f"GENERATED ALWAYS AS (to_tsvector('simple', dispatch_unaccent({text}))) STORED")
        op.execute(f"CREATE INDEX {index} ON {table} USING gin (search_vector)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for index, table, text in SEARCHED:
        op.execute(f"DROP INDEX IF EXISTS {index}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        op.execute(f"CREATE INDEX {index} ON {table} USING gin (to_tsvector('simple', {text}))")
    op.execute("DROP FUNCTION IF EXISTS dispatch_unaccent(text)")
    # The extension stays: another application's objects may use it.
