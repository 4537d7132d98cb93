"""What a person types into a search box, as words and as a full-text query (SQLite FTS5 or PostgreSQL tsquery).

Typed text never reaches either engine's query syntax: it is cut into words of letters and digits only, so
operators, quotes, brackets, ``NEAR`` or ``:*`` become plain words or disappear, and each word is quoted.
Words are lower-cased, not case-folded: FTS5's unicode61 tokenizer keeps "ß", so "straße" must stay "straße" to
match. Both engines ignore diacritics ("cafe" finds "café"); PostgreSQL's unaccent() also writes "ß" as "ss".
"""

from __future__ import annotations

import re
from typing import Literal

MAX_TERMS = 12  # more words hardly change a ranking and make a long query

# PostgreSQL: each searched table's stored tsvector column (migration 0012), of its text without accents, and
# how a query is made comparable with it.
PG_VECTOR = "search_vector"
PG_TSQUERY = "to_tsquery('simple', dispatch_unaccent({}))"
MAX_WORD = 60
WORD = re.compile(r"[^\W_]+")
MAX_TYPED = 200  # characters of a search box read by a LIKE search


def typed(value: str | None) -> str:
    """A search box's text for a LIKE search: trimmed, at most ``MAX_TYPED`` characters.

    A NUL never arrives: ``dispatch.input_guard`` drops it from pages' query strings and refuses it in the API.
    """
    return (value or "").strip()[:MAX_TYPED]


def words(value: str | None, limit: int = MAX_TERMS) -> list[str]:
    """The distinct words of ``value`` in order, lower-cased, at most ``limit``; search syntax never survives."""
    found: dict[str, None] = {}  # ordered, and a cheap membership test when a whole text is read
    for match in WORD.finditer(value or ""):
        found.setdefault(match.group().lower()[:MAX_WORD])
        if len(found) >= limit:
            break
    return list(found)


def fts_query(terms: list[str], dialect: str, *, any_term: bool = False,
              prefix: Literal["none", "last", "all"] = "none") -> str:
    """``terms`` (from ``words``) as a query for ``dialect`` ("postgresql" or "sqlite"): all of them must match,
    or any with ``any_term``; ``prefix`` lets the last word, or every word, match as a prefix."""
    if dialect == "postgresql":
        quote, marker, joiner = "'", ":*", " | " if any_term else " & "
    else:
        quote, marker, joiner = '"', "*", " OR " if any_term else " "
    last = len(terms) - 1
    return joiner.join(
        f"{quote}{term}{quote}" + (marker if prefix == "all" or (prefix == "last" and index == last) else "")
        for index, term in enumerate(terms))
