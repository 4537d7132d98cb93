"""The desk's ticket lists: views (mine, unassigned, due soon, escalated, per queue, all), filters, the
urgent-first order with its keyset cursor, and the side menu's counts."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select, tuple_
from sqlalchemy.orm import contains_eager, selectinload

from dispatch.dbtypes import utcnow
from dispatch.desk import search
from dispatch.desk.models import STATE_RANKS, Ticket, TicketStatus
from dispatch.enums import Channel, Priority, StatusCategory
from dispatch.errors import Invalid
from dispatch.extensions import db
from dispatch.pagination import Page, paginate

VIEWS = ("mine", "unassigned", "due_soon", "escalated", "queue", "all")
SORTS = ("urgent", "newest")
# "Due soon": the next due time (first response, else resolution) falls within this window, or has passed.
DUE_SOON = timedelta(hours=4)
PRIORITY_RANK = case({Priority.URGENT: 0, Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 3},
                     value=Ticket.priority, else_=4)
# Open before paused before closed; overdue first (their due time is the earliest); then priority and age.
# The first two keys are ix_tickets_urgent, so a page reads the index in order and sorts only the ties.
URGENT_KEYS = (Ticket.state_rank, Ticket.next_due_at, PRIORITY_RANK, Ticket.created_at, Ticket.id)
NOT_CLOSED = Ticket.state_rank < STATE_RANKS[StatusCategory.CLOSED]


@dataclass
class TicketFilters:
    """What a list shows: a view, filters, free text and the order."""

    view: str = "all"
    queue_id: int | None = None
    status: str | None = None  # a status key
    state: StatusCategory | None = None  # open / paused / closed
    priority: Priority | None = None
    category: str | None = None
    channel: Channel | None = None
    owner_id: int | None = None
    customer_id: int | None = None
    q: str | None = None
    sort: str = "urgent"

    @classmethod
    def of(cls, data: dict[str, Any]) -> TicketFilters:
        """Filters from parsed arguments (unknown keys ignored, empty values dropped)."""
        known = {key: value for key, value in data.items()
                 if key in cls.__dataclass_fields__ and value not in (None, "")}
        return cls(**known)


def list_statement(filters: TicketFilters, user_id: int, now: datetime) -> Select:
    """Tickets of the view that match the filters, each with its status (no order yet)."""
    statement = (select(Ticket).join(TicketStatus, TicketStatus.id == Ticket.status_id)
                 .options(contains_eager(Ticket.status), selectinload(Ticket.customer)))
    statement = statement.where(*_view_conditions(filters.view, user_id, filters.queue_id, now))
    # Views list the work still to do; a search, or asking for a status or state, finds closed tickets too.
    searching = bool(filters.q and filters.q.strip())
    if filters.status is None and filters.state is None and not searching:
        statement = statement.where(NOT_CLOSED)
    if filters.status:
        statement = statement.where(Ticket.status_id.in_(
            select(TicketStatus.id).where(TicketStatus.key == filters.status).scalar_subquery()))
    if filters.state:
        statement = statement.where(Ticket.state_rank == STATE_RANKS[StatusCategory(filters.state)])
    for column, value in ((Ticket.priority, filters.priority), (Ticket.category, filters.category),
                          (Ticket.channel, filters.channel), (Ticket.queue_id, filters.queue_id),
                          (Ticket.owner_id, filters.owner_id), (Ticket.customer_id, filters.customer_id)):
        if value is not None:
            statement = statement.where(column == value)
    return statement


def _view_conditions(view: str, user_id: int, queue_id: int | None, now: datetime) -> list[ColumnElement]:
    if view not in VIEWS:
        raise Invalid(_("Unknown view."), errors={"view": [_("Choose one of: %(views)s.", views=", ".join(VIEWS))]})
    if view == "mine":
        return [Ticket.owner_id == user_id]
    if view == "unassigned":
        return [Ticket.owner_id.is_(None)]
    if view == "due_soon":
        return [_due_before(now + DUE_SOON)]
    if view == "escalated":
        return [Ticket.escalation_level > 0]
    if view == "queue" and queue_id is None:
        raise Invalid(_("Choose a queue."), errors={"queue_id": [_("The queue view needs a queue.")]})
    return []


def _due_before(limit: datetime) -> ColumnElement:
    return Ticket.next_due_at <= limit


def ticket_page(filters: TicketFilters, user_id: int, cursor: str | None, limit: int,
                now: datetime | None = None) -> Page:
    """One page of a ticket list: by search rank when searching, else urgent-first or newest-first."""
    now = now or utcnow()
    statement = list_statement(filters, user_id, now)
    if filters.q and filters.q.strip():
        matches = search.ticket_matches(filters.q).subquery()
        statement = statement.join(matches, matches.c.ticket_id == Ticket.id)
        return keyset_page(statement, (matches.c.rank, Ticket.id), cursor, limit)
    if filters.sort == "newest":
        return paginate(statement, sort=Ticket.created_at, tiebreak=Ticket.id, cursor=cursor, limit=limit)
    return keyset_page(statement, URGENT_KEYS, cursor, limit)


def keyset_page(statement: Select, keys: tuple, cursor: str | None, limit: int) -> Page:
    """One page of ``statement`` in ascending order of ``keys`` (the last one unique), after ``cursor``."""
    if cursor:
        statement = statement.where(_after(keys, _decode(cursor, len(keys))))
    rows = db.session.execute(statement.add_columns(*keys).order_by(*keys).limit(limit + 1)).all()
    next_cursor = _encode(rows[limit - 1][1:]) if len(rows) > limit else None
    return Page([row[0] for row in rows[:limit]], next_cursor)


def _after(keys: tuple, values: list[Any]) -> ColumnElement:
    """``keys > values`` compared as tuples, written out so that each value binds with its key's type.

    The first two keys also bound the rows as a row value, ``(k1, k2) >= (v1, v2)``: the databases turn that
    into a range of the index the order comes from, where the written-out form made them read the list from
    its start (175 ms for page 2 of 40,000 open tickets on SQLite).
    """
    clauses = []
    for position, key in enumerate(keys):
        equal = [keys[index] == values[index] for index in range(position)]
        clauses.append(and_(*equal, key > values[position]))
    bound = (literal(value, key.type) for key, value in zip(keys[:2], values[:2], strict=True))
    start = tuple_(*keys[:2]) >= tuple_(*bound)
    return and_(start, or_(*clauses))


def _encode(values: tuple) -> str:
    raw = json.dumps([{"t": value.isoformat()} if isinstance(value, datetime) else value for value in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, length: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != length:
            raise ValueError(cursor)
        decoded = [datetime.fromisoformat(value["t"]) if isinstance(value, dict) else value for value in values]
        if not all(isinstance(value, int | float | datetime) for value in decoded):
            raise ValueError(cursor)
        return decoded
    except (ValueError, TypeError, KeyError) as error:
        raise Invalid(_("The cursor is not one this list gave out."),
                      errors={"cursor": [_("Invalid cursor.")]}) from error


def view_counts(user_id: int, now: datetime | None = None) -> dict[str, Any]:
    """Open and paused tickets per view, and per queue under ``queues``, in one grouped query."""
    now = now or utcnow()

    def counted(condition: ColumnElement) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    # Grouped by state too, so that the rows come straight from ix_tickets_view_counts (its order, its columns).
    rows = db.session.execute(
        select(Ticket.queue_id, func.count(), counted(Ticket.owner_id == user_id),
               counted(Ticket.owner_id.is_(None)), counted(_due_before(now + DUE_SOON)),
               counted(Ticket.escalation_level > 0))
        .where(NOT_CLOSED)
        .group_by(Ticket.state_rank, Ticket.queue_id)
    ).all()
    counts: dict[str, Any] = {view: 0 for view in VIEWS if view != "queue"} | {"queues": {}}
    for queue_id, total, mine, unassigned, due_soon, escalated in rows:
        for view, value in (("all", total), ("mine", mine), ("unassigned", unassigned), ("due_soon", due_soon),
                            ("escalated", escalated)):
            counts[view] += int(value)
        if queue_id is not None:
            counts["queues"][queue_id] = counts["queues"].get(queue_id, 0) + int(total)
    return counts
