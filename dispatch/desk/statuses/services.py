"""Ticket statuses an admin keeps: each maps to a category (open, paused, closed) that drives the SLA clock.

The built-ins (new, open, on_hold, escalated, resolved, closed) are named in code, so they can be renamed and
reordered but never removed nor moved to another category.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from dispatch import audit
from dispatch.desk.models import Ticket, TicketStatus
from dispatch.enums import StatusCategory
from dispatch.errors import Conflict, Invalid, get_or_not_found
from dispatch.extensions import db

# \Z, not $: a key never ends in a newline.
KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}\Z")
MAX_NAME = 80


def listing() -> list[tuple[TicketStatus, int]]:
    """Every status in display order with the number of tickets in it (one grouped query)."""
    rows = db.session.execute(
        select(TicketStatus, func.count(Ticket.id))
        .outerjoin(Ticket, Ticket.status_id == TicketStatus.id)
        .group_by(TicketStatus.id)
        .order_by(TicketStatus.position, TicketStatus.id))
    return [(status, count) for status, count in rows]


def get_status(status_id: int) -> TicketStatus:
    """The status, or NotFound."""
    return get_or_not_found(TicketStatus, status_id, _l("Ticket status %(id)s does not exist.", id=status_id))


def tickets_in(status: TicketStatus) -> int:
    """How many tickets are in the status."""
    return db.session.scalar(select(func.count(Ticket.id)).where(Ticket.status_id == status.id)) or 0


def create_status(data: dict[str, Any], actor_id: int | None) -> TicketStatus:
    """Add a status at the end of the list."""
    key = data.get("key") if isinstance(data.get("key"), str) else ""
    errors: dict[str, list[str]] = {}
    if not KEY.match(key):
        errors["key"] = [_("Lower-case letters, digits and underscores, starting with a letter, 2 to 40.")]
    name = _name(data.get("name"), errors)
    category = _category(data.get("category"), errors)
    if errors:
        raise Invalid(_("Some fields are not valid."), errors=errors)
    if db.session.scalar(select(TicketStatus.id).where(TicketStatus.key == key)) is not None:
        raise Conflict(_("A status with this key exists."), code="duplicate_key",
                       errors={"key": [_("This key is taken.")]})
    last = db.session.scalar(select(func.max(TicketStatus.position)))
    status = TicketStatus(key=key, name=name, category=category, builtin=False,
                          position=0 if last is None else last + 1)
    db.session.add(status)
    db.session.flush()
    audit.record("ticket_status.created", status, actor_id, key=key, name=name, category=category.value)
    return status


def update_status(status: TicketStatus, data: dict[str, Any], actor_id: int | None) -> TicketStatus:
    """Rename, move (``position``: its place in the list, from 0) or recategorise a status.

    The category of a built-in never changes, nor that of a status tickets are in: their SLA clocks would
    pause or run again without anyone changing the tickets.
    """
    errors: dict[str, list[str]] = {}
    name = _name(data["name"], errors) if "name" in data else status.name
    category = _category(data["category"], errors) if "category" in data else status.category
    position = data.get("position")
    if position is not None and (not isinstance(position, int) or isinstance(position, bool) or position < 0):
        errors["position"] = [_("A whole number from 0.")]
    if errors:
        raise Invalid(_("Some fields are not valid."), errors=errors)
    if category != status.category:
        _check_category_change(status)
    changed = {}
    if name != status.name:
        changed["name"] = [status.name, name]
        status.name = name
    if category != status.category:
        changed["category"] = [status.category.value, category.value]
        status.category = category
    if position is not None and _place(status, position):
        changed["position"] = position
    if changed:
        audit.record("ticket_status.updated", status, actor_id, key=status.key, changed=sorted(changed),
                     **{field: value for field, value in changed.items() if field != "position"})
    return status


def move(status: TicketStatus, direction: str, actor_id: int | None) -> TicketStatus:
    """Move a status one place up or down the list."""
    ordered = _ordered()
    index = ordered.index(status) + (-1 if direction == "up" else 1)
    return update_status(status, {"position": max(index, 0)}, actor_id)


def delete_status(status: TicketStatus, actor_id: int | None) -> None:
    """Remove a status an admin added that no ticket is in."""
    if status.builtin:
        raise Conflict(_("Built-in statuses cannot be removed; rename them instead."), code="builtin_status")
    used = tickets_in(status)
    if used:
        raise Conflict(_("%(count)s tickets are in this status; move them to another status first.", count=used),
                       code="status_in_use", members={"ticket_count": used})
    audit.record("ticket_status.deleted", status, actor_id, key=status.key, name=status.name)
    db.session.delete(status)


def _check_category_change(status: TicketStatus) -> None:
    if status.builtin:
        raise Conflict(_("The category of a built-in status cannot change."), code="builtin_status",
                       errors={"category": [_("Built-in statuses keep their category.")]})
    used = tickets_in(status)
    if used:
        raise Conflict(
            _("%(count)s tickets are in this status: changing its category would pause or resume their SLA clocks.",
              count=used),
            code="status_in_use", errors={"category": [_("Tickets are in this status.")]},
            members={"ticket_count": used})


def _name(value: Any, errors: dict[str, list[str]]) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        errors["name"] = [_("This field is required.")]
    elif len(name) > MAX_NAME:
        errors["name"] = [_("At most %(count)s characters.", count=MAX_NAME)]
    return name


def _category(value: Any, errors: dict[str, list[str]]) -> StatusCategory:
    try:
        return StatusCategory(value)
    except ValueError:
        errors["category"] = [_("Open, paused or closed.")]
        return StatusCategory.OPEN


def _ordered() -> list[TicketStatus]:
    return list(db.session.scalars(select(TicketStatus).order_by(TicketStatus.position, TicketStatus.id)))


def _place(status: TicketStatus, index: int) -> bool:
    """Put the status at ``index`` (clamped to the list) and number them all 0..n-1; whether it moved."""
    ordered = _ordered()
    before = ordered.index(status)
    ordered.remove(status)
    index = min(index, len(ordered))
    ordered.insert(index, status)
    for position, each in enumerate(ordered):
        each.position = position
    return index != before
