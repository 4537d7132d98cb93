"""Keyset (cursor) pagination for lists, pages and API alike: stable under inserts, constant cost per page."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from dispatch.errors import Invalid
from dispatch.extensions import db


@dataclass
class Page:
    """One page of a list and the cursor of the next (None on the last)."""

    items: list[Any]
    next_cursor: str | None


def paginate(
    statement: Select, *, sort: InstrumentedAttribute, tiebreak: InstrumentedAttribute,
    cursor: str | None, limit: int, descending: bool = True,
) -> Page:
    """One page of ``statement`` ordered by ``(sort, tiebreak)``, starting after ``cursor``."""
    if cursor:
        sort_value, tie_value = _decode(cursor, sort)
        if descending:
            after = or_(sort < sort_value, and_(sort == sort_value, tiebreak < tie_value))
        else:
            after = or_(sort > sort_value, and_(sort == sort_value, tiebreak > tie_value))
        statement = statement.where(after)
    order = (sort.desc(), tiebreak.desc()) if descending else (sort.asc(), tiebreak.asc())

    rows = list(db.session.scalars(statement.order_by(*order).limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = _encode(getattr(last, sort.key), getattr(last, tiebreak.key))
    return Page(rows, next_cursor)


def _encode(sort_value: Any, tie_value: Any) -> str:
    if isinstance(sort_value, datetime):
        sort_value = {"t": sort_value.isoformat()}
    raw = json.dumps([sort_value, tie_value]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, sort: InstrumentedAttribute) -> tuple[Any, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        sort_value, tie_value = json.loads(raw)
        if isinstance(sort_value, dict):
            sort_value = datetime.fromisoformat(sort_value["t"])
        return sort_value, tie_value
    except (ValueError, TypeError, KeyError) as error:
        raise Invalid(_("The cursor is not one this API gave out."),
                      errors={"cursor": [_("Invalid cursor.")]}) from error
