"""Full-text matching of articles and tickets, on the indexes of migrations 0010 and 0012, safe for any input.

User text never reaches the search syntax as typed: ``dispatch.search_text`` cuts it into quoted words. SQLite
reads the external-content FTS5 tables (rowid = the row's id); PostgreSQL the stored ``search_vector`` column
and its GIN index.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, column, func, literal_column, table, text

from dispatch.extensions import db
from dispatch.search_text import MAX_TERMS, PG_TSQUERY, PG_VECTOR, fts_query, words

# Stop words of our three languages: they say nothing about what a text is about (a block: easier to read).
_STOP_WORDS_TEXT = """
a about after all also am an and any are as at be been but by can could did do does for from get
got had has have he her him his how i if in into is it its just me my no not now of on once or our out please so
some than that the their them then there these they this to too up us was we were what when where which who why
will with would you your yours hi hello dear thanks thank regards aan al alle als bij dan dat de deze die dit
doe doen door een en er ga gaat geen had heb hebben heeft hem het hier hij hoe hun ik in is ja je jij jou jullie
kan kon maar me mee meer met mij mijn na naar nee niet niets nog nu of om omdat ons onze ook op over te tot u uw
van veel voor waar wat we wel werd wie wij wil word worden wordt zal ze zich zij zijn zo zou graag hallo beste
groet groeten bedankt dank alvast vriendelijke aber alle als am an auch auf aus bei bin bis bitte da dann das
dass dem den der des die dies doch du durch ein eine einem einen einer eines er es für hab habe haben hat hatte
ich ihr ihre im in ist ja jetzt kann kein keine man mein meine mich mir mit nach nicht noch nur ob oder sehr
sein seit sich sie sind so über um und uns unser unter vom von vor war was weil wenn wer wie wir wird wo zu zum
zur guten tag hallo danke freundlichen grüßen gruß mfg
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class SearchTarget:
    """A searchable table and its FTS5 table (SQLite); on PostgreSQL its ``search_vector`` column."""

    table: str
    fts_table: str


ARTICLES = SearchTarget("knowledge_articles", "knowledge_articles_fts")
TICKETS = SearchTarget("tickets", "tickets_fts")


def fold(word: str) -> str:
    """A word lowercased and without diacritics (``Störung`` -> ``storung``), as FTS5 compares them."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def significant_words(value: str | None, limit: int = MAX_TERMS) -> list[str]:
    """The words of ``value`` that say what it is about: no stop words, no single letters, no pure numbers."""
    result = [word for word in words(value, limit=200)
              if len(word) > 2 and not word.isdigit() and word not in STOP_WORDS and fold(word) not in STOP_WORDS]
    return result[:limit]


def matching(stmt: Select, target: SearchTarget, id_column: ColumnElement, terms: list[str], *,
             any_term: bool = False, prefix_last: bool = False) -> Select:
    """``stmt`` narrowed to rows matching ``terms`` (all of them, or any with ``any_term``), best first.

    ``prefix_last`` lets the last word match as a prefix, for text that is still being typed.
    """
    dialect = db.engine.dialect.name
    query = fts_query(terms, dialect, any_term=any_term, prefix="last" if prefix_last else "none")
    if dialect == "postgresql":
        vector = literal_column(f"{target.table}.{PG_VECTOR}")
        tsquery = text(PG_TSQUERY.format(":pg_query")).bindparams(pg_query=query)
        return stmt.where(vector.op("@@")(tsquery)).order_by(func.ts_rank(vector, tsquery).desc())
    fts = table(target.fts_table, column("rowid"))
    return (stmt.join(fts, fts.c.rowid == id_column)
            .where(text(f"{target.fts_table} MATCH :fts_query").bindparams(fts_query=query))
            .order_by(literal_column(f"{target.fts_table}.rank"), id_column.desc()))
