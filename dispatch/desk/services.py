"""Tickets: intake with a reference and SLA due times, statuses, messages and lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dispatch import audit, numbering
from dispatch.customers.models import Asset, Customer, Site
from dispatch.dbtypes import utcnow
from dispatch.desk.assignment import services as assignment
from dispatch.desk.mailbox import outbound
from dispatch.desk.models import Ticket, TicketMessage, TicketStatus
from dispatch.desk.sla import services as sla
from dispatch.enums import Channel, MessageKind, Priority, StatusCategory
from dispatch.errors import Invalid, NotFound, get_or_not_found
from dispatch.extensions import db

REFERENCE_PREFIX = "T"


def status_by_key(key: str) -> TicketStatus:
    """The ticket status with this key (``new``, ``open``, ``on_hold`` ...)."""
    status = db.session.scalar(select(TicketStatus).where(TicketStatus.key == key))
    if status is None:
        raise NotFound(_("Ticket status %(key)s is not configured.", key=repr(key)))
    return status


def create_ticket(data: dict[str, Any], actor_id: int | None = None) -> Ticket:
    """Open a ticket for a customer: reference, SLA due times, first message, audit event."""
    customer = db.session.get(Customer, data["customer_id"])
    if customer is None:
        raise Invalid(_("Unknown customer."), errors={"customer_id": [_("No such customer.")]})
    asset = None
    if data.get("asset_id") is not None:
        asset = db.session.get(Asset, data["asset_id"])
        if asset is None or asset.customer_id != customer.id:
            raise Invalid(_("Unknown asset."), errors={"asset_id": [_("Not an asset of this customer.")]})
    site_id = data.get("site_id")
    if site_id is not None:
        site = db.session.get(Site, site_id)
        if site is None or site.customer_id != customer.id:
            raise Invalid(_("Unknown site."), errors={"site_id": [_("Not a site of this customer.")]})
    else:
        site_id = asset.site_id if asset and asset.site_id else (customer.sites[0].id if customer.sites else None)

    opened_at = utcnow()
    priority = Priority(data.get("priority") or Priority.MEDIUM)
    ticket = Ticket(
        reference=numbering.formatted(REFERENCE_PREFIX, opened_at.year,
                                      numbering.next_number(REFERENCE_PREFIX, opened_at.year)),
        channel=Channel(data.get("channel") or Channel.PHONE),
        subject=data["subject"].strip(),
        description=data["description"],
        category=data.get("category"),
        subcategory=data.get("subcategory"),
        priority=priority,
        queue_id=data.get("queue_id"),
        owner_id=data.get("owner_id"),
        customer_id=customer.id,
        contact_id=data.get("contact_id"),
        email=data.get("email") or customer.email,
        phone=data.get("phone") or customer.phone,
        custom_fields=data.get("custom_fields") or {},
        site_id=site_id,
        asset_id=asset.id if asset else None,
        created_by_id=actor_id,
        created_at=opened_at,
    )
    ticket.customer = customer
    ticket.move_to(status_by_key("new"))
    db.session.add(ticket)
    sla.start_clock(ticket, opened_at)
    db.session.flush()
    db.session.add(TicketMessage(ticket_id=ticket.id, kind=MessageKind.CUSTOMER, body=data["description"],
                                 author_id=None, channel=ticket.channel, sender=data.get("sender"),
                                 body_html=data.get("body_html"), email_message_id=data.get("email_message_id"),
                                 inbound_mail_id=data.get("inbound_mail_id"), created_at=opened_at))
    audit.record("ticket.created", ticket, actor_id, reference=ticket.reference, priority=priority.value,
                 channel=ticket.channel.value, due_at=ticket.due_at)
    if ticket.owner_id is None:
        assignment.assign_new(ticket, actor_id)
    if data.get("acknowledge", True):
        outbound.acknowledge(ticket)
    return ticket


def change_status(ticket: Ticket, status_key: str, actor_id: int | None) -> Ticket:
    """Move a ticket to another status; the SLA clock pauses, resumes or stops with the status's category."""
    status = status_by_key(status_key)
    before = ticket.status
    if status.id == before.id:
        return ticket
    now = utcnow()
    ticket.move_to(status)
    if status.category == StatusCategory.CLOSED and before.category != StatusCategory.CLOSED:
        ticket.resolved_at = now
    elif status.category != StatusCategory.CLOSED and before.category == StatusCategory.CLOSED:
        ticket.resolved_at = None
    sla.status_changed(ticket, before.category, status.category, now)
    audit.record("ticket.status_changed", ticket, actor_id, before=before.key, after=status.key)
    return ticket


def add_message(ticket: Ticket, kind: MessageKind, body: str, *, author_id: int | None = None,
                **details: Any) -> TicketMessage:
    """Add a customer message, agent reply or internal note to a ticket.

    A customer writing on a closed ticket reopens it; the first agent reply stops the first-response clock.
    ``details``: channel, sender, body_html, email_message_id, inbound_mail_id (TicketMessage columns).
    """
    now = utcnow()
    message = TicketMessage(ticket_id=ticket.id, kind=kind, body=body, author_id=author_id, created_at=now,
                            **details)
    db.session.add(message)
    if kind == MessageKind.CUSTOMER and ticket.status.category == StatusCategory.CLOSED:
        change_status(ticket, "open", None)
        ticket.reopened_count += 1
        audit.record("ticket.reopened", ticket, None, by=details.get("channel"))
    elif kind == MessageKind.REPLY and ticket.first_responded_at is None:
        ticket.first_responded_at = now
        sla.first_response_given(ticket, now)
    db.session.flush()
    audit.record(f"ticket.{kind.value}_added", ticket, author_id, message_id=message.id)
    return message


def get_ticket(ticket_id: int) -> Ticket:
    """The ticket, or NotFound."""
    return get_or_not_found(Ticket, ticket_id, _l("Ticket %(id)s does not exist.", id=ticket_id))


def messages_of(ticket: Ticket) -> list[TicketMessage]:
    """The ticket's messages, oldest first."""
    return list(db.session.scalars(
        select(TicketMessage).where(TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.created_at)
    ))


def traffic_light(ticket: Ticket, now: datetime | None = None) -> str:
    """``green``, ``amber`` (past the warning point), ``red`` (overdue), ``paused`` or ``none`` (see sla.lights)."""
    return sla.light(ticket, now).state


def recent_tickets_for_customer(customer_id: int, limit: int = 20) -> list[Ticket]:
    """A customer's most recent tickets, newest first."""
    return list(db.session.scalars(
        select(Ticket).where(Ticket.customer_id == customer_id).options(selectinload(Ticket.status))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
    ))


def statuses() -> list[TicketStatus]:
    """The configured ticket statuses in their display order."""
    return list(db.session.scalars(select(TicketStatus).order_by(TicketStatus.position, TicketStatus.id)))


def ticket_by_reference(reference: str) -> Ticket | None:
    """The ticket with this reference (``T-2026-000042``), or None."""
    return db.session.scalar(select(Ticket).where(Ticket.reference == reference))


def status_for_change(key: str) -> TicketStatus:
    """The status a caller asked for by key; Invalid naming ``status`` when there is none."""
    status = db.session.scalar(select(TicketStatus).where(TicketStatus.key == key))
    if status is None:
        raise Invalid(_("Unknown status."), errors={"status": [_("No status has this key.")]})
    return status


def merge_target(ticket_id: int) -> Ticket:
    """The ticket to merge into; Invalid naming ``target_id`` when there is none."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        raise Invalid(_("Unknown ticket."), errors={"target_id": [_("No such ticket.")]})
    return ticket
