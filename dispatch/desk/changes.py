"""Working a ticket: editing its fields and merging it into another; each change leaves an audit event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import update

from dispatch import audit
from dispatch.customers.models import Asset
from dispatch.dbtypes import utcnow
from dispatch.desk import services
from dispatch.desk.custom_fields.services import validate_values
from dispatch.desk.mailbox.models import InboundMail
from dispatch.desk.models import Ticket, TicketAttachment, TicketMessage
from dispatch.desk.sla import services as sla
from dispatch.enums import Priority
from dispatch.errors import Conflict, Invalid
from dispatch.extensions import db
from dispatch.scheduling.models import Job

EDITABLE = ("subject", "category", "subcategory", "priority", "asset_id", "custom_fields")
LIMITS = {"subject": 200, "category": 80, "subcategory": 80}


def update_ticket(ticket: Ticket, data: dict[str, Any], actor_id: int | None,
                  now: datetime | None = None) -> Ticket:
    """Change the given fields; a new priority re-applies the SLA policy. One ``ticket.updated`` event."""
    if ticket.merged_into_id is not None:
        raise Conflict(_("This ticket was merged into another; change that one."), code="merged")
    wanted = {name: data[name] for name in EDITABLE if name in data}
    _check(ticket, wanted)
    changes: dict[str, list[Any]] = {}
    for name, value in wanted.items():
        before = getattr(ticket, name)
        if name == "priority":
            value = Priority(value)
        if name == "custom_fields":
            value = {**(before or {}), **validate_values(value, partial=True)}
            value = {key: item for key, item in value.items() if item is not None}
        if value != before:
            changes[name] = [before.value if isinstance(before, Priority) else before,
                             value.value if isinstance(value, Priority) else value]
            setattr(ticket, name, value)
    if not changes:
        return ticket
    # [field, before, after] triples: the audit log keeps lists, not mappings.
    audit.record("ticket.updated", ticket, actor_id,
                 changes=[[name, before, after] for name, (before, after) in changes.items()])
    if "priority" in changes:
        sla.reapply(ticket, now or utcnow(), actor_id)
    db.session.flush()
    return ticket


def _check(ticket: Ticket, wanted: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for name, limit in LIMITS.items():
        if name not in wanted:
            continue
        value = wanted[name]
        if value is not None and not isinstance(value, str):
            errors[name] = [_("Not text.")]
            continue
        value = (value or "").strip() or None
        wanted[name] = value
        if name == "subject" and value is None:
            errors[name] = [_("This field is required.")]
        elif value is not None and len(value) > limit:
            errors[name] = [_("At most %(n)s characters.", n=limit)]
    if "priority" in wanted and wanted["priority"] not in {priority.value for priority in Priority}:
        errors["priority"] = [_("Not a priority.")]
    if wanted.get("asset_id") is not None:
        asset = db.session.get(Asset, wanted["asset_id"]) if isinstance(wanted["asset_id"], int) else None
        if asset is None or asset.customer_id != ticket.customer_id:
            errors["asset_id"] = [_("Not an asset of this customer.")]
    if errors:
        raise Invalid(_("Some fields are not valid."), errors=errors)


def merge_tickets(source: Ticket, target: Ticket, actor_id: int | None) -> Ticket:
    """Merge ``source`` into ``target`` (same customer): its messages, attachments, jobs and mails move over,
    and ``source`` is closed, pointing at ``target``."""
    if source.id == target.id:
        raise Invalid(_("A ticket cannot be merged into itself."),
                      errors={"target_id": [_("Choose another ticket.")]})
    if source.customer_id != target.customer_id:
        raise Conflict(_("Only tickets of the same customer can be merged."), code="different_customer",
                       errors={"target_id": [_("This ticket belongs to another customer.")]})
    if source.merged_into_id is not None:
        raise Conflict(_("This ticket was merged already."), code="merged")
    if target.merged_into_id is not None:
        raise Conflict(_("That ticket was merged into another; merge into that one."), code="target_merged",
                       errors={"target_id": [_("This ticket was merged into another.")]})
    # One UPDATE per kind of row; its row count is how many moved.
    moved = {name: db.session.execute(update(model).where(model.ticket_id == source.id).values(ticket_id=target.id)
                                      .execution_options(synchronize_session=False)).rowcount
             for name, model in (("messages", TicketMessage), ("attachments", TicketAttachment), ("jobs", Job),
                                 ("mails", InboundMail))}
    source.merged_into_id = target.id
    services.change_status(source, "closed", actor_id)
    audit.record("ticket.merged", source, actor_id, into_id=target.id, into_reference=target.reference, **moved)
    audit.record("ticket.merged_from", target, actor_id, from_id=source.id, from_reference=source.reference,
                 **moved)
    db.session.flush()
    db.session.expire_all()
    return target
