"""Full-text search of tickets: reference, subject, description and message bodies, ranked.

SQLite searches the FTS5 tables ``tickets_fts`` and ``ticket_messages_fts``; PostgreSQL the stored
``search_vector`` columns and their GIN indexes (migration 0012). Both ignore diacritics.
Whatever a person types becomes a list of plain word prefixes: no query syntax of either engine reaches it.
"""

from __future__ import annotations

import re

from sqlalchemy import Select, bindparam, column, false, func, literal, select, text, union_all

from dispatch.desk.models import Ticket
from dispatch.extensions import db
from dispatch.search_text import PG_TSQUERY, PG_VECTOR, fts_query, words

REFERENCE = re.compile(r"^\s*([A-Za-z]{1,4}-\d{4}-\d{1,9})\s*$")
# Matches in a message count half as much as the same match in the ticket's own text.
MESSAGE_WEIGHT = 0.5
# An exact reference ranks before any text match (ranks: lower is better).
REFERENCE_RANK = -1e9

_SQLITE = """
SELECT rowid AS ticket_id, bm25(tickets_fts) AS rank FROM tickets_fts WHERE tickets_fts MATCH :query
UNION ALL
SELECT ticket_messages.ticket_id, :weight * bm25(ticket_messages_fts) FROM ticket_messages_fts
JOIN ticket_messages ON ticket_messages.id = ticket_messages_fts.rowid WHERE ticket_messages_fts MATCH :query
"""
# The words are a bound parameter.
_TSQUERY = PG_TSQUERY.format(":query")
_POSTGRESQL = f"""
SELECT id AS ticket_id, -ts_rank({PG_VECTOR}, {_TSQUERY}) AS rank FROM tickets WHERE {PG_VECTOR} @@ {_TSQUERY}
UNION ALL
SELECT ticket_id, -:weight * ts_rank({PG_VECTOR}, {_TSQUERY}) FROM ticket_messages WHERE {PG_VECTOR} @@ {_TSQUERY}
"""  # noqa: S608


def terms(text_: str) -> list[str]:
    """The words of a search (see ``dispatch.search_text.words``)."""
    return words(text_)


def reference_in(text_: str) -> str | None:
    """The ticket reference the search is, if it is one (``t-2026-000042`` -> ``T-2026-000042``)."""
    found = REFERENCE.match(text_ or "")
    return found.group(1).upper() if found else None


def ticket_matches(text_: str) -> Select:
    """``(ticket_id, rank)`` of the tickets matching ``text_``, one row each; a lower rank is a better match."""
    reference = reference_in(text_)
    # A reference is looked up, not searched: its pieces ("t", "2026") would match half the desk.
    found_words = [] if reference else terms(text_)
    parts = []
    if found_words:
        dialect = db.engine.dialect.name
        query = fts_query(found_words, dialect, prefix="all")
        statement = text(_POSTGRESQL if dialect == "postgresql" else _SQLITE)
        parts.append(select(statement.bindparams(bindparam("query", query), bindparam("weight", MESSAGE_WEIGHT))
                            .columns(column("ticket_id"), column("rank")).subquery()))
    if reference:
        parts.append(select(Ticket.id.label("ticket_id"), literal(REFERENCE_RANK).label("rank"))
                     .where(Ticket.reference == reference))
    if not parts:
        return select(literal(0).label("ticket_id"), literal(0.0).label("rank")).where(false())
    found = union_all(*parts).subquery("found")
    return (select(found.c.ticket_id.label("ticket_id"), func.min(found.c.rank).label("rank"))
            .group_by(found.c.ticket_id))

