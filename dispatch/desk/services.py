"""Tickets: intake with a reference and SLA due times, statuses, messages and lists."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from dispatch import audit, numbering
from dispatch.customers.models import Asset, Customer, Site
from dispatch.dbtypes import utcnow
from dispatch.desk.models import SlaPolicy, Ticket, TicketMessage, TicketStatus
from dispatch.enums import Channel, MessageKind, Priority, StatusCategory
from dispatch.errors import Invalid, NotFound, get_or_not_found
from dispatch.extensions import db

REFERENCE_PREFIX = "T"


def sla_due_times(priority: Priority, opened_at: datetime) -> tuple[datetime | None, datetime | None]:
    """First-response and resolution due times for a ticket of ``priority`` opened at ``opened_at``."""
    policy = db.session.scalar(select(SlaPolicy).where(SlaPolicy.priority == priority))
    if policy is None:
        return None, None
    return (opened_at + timedelta(minutes=policy.first_response_minutes),
            opened_at + timedelta(minutes=policy.resolution_minutes))


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
    first_response_due, due = sla_due_times(priority, opened_at)
    ticket = Ticket(
        reference=numbering.formatted(REFERENCE_PREFIX, opened_at.year,
                                      numbering.next_number(REFERENCE_PREFIX, opened_at.year)),
        channel=Channel(data.get("channel") or Channel.PHONE),
        subject=data["subject"].strip(),
        description=data["description"],
        category=data.get("category"),
        subcategory=data.get("subcategory"),
        priority=priority,
        queue=data.get("queue"),
        status_id=status_by_key("new").id,
        owner_id=data.get("owner_id"),
        customer_id=customer.id,
        site_id=site_id,
        asset_id=asset.id if asset else None,
        first_response_due_at=first_response_due,
        due_at=due,
        created_by_id=actor_id,
        created_at=opened_at,
    )
    db.session.add(ticket)
    db.session.flush()
    db.session.add(TicketMessage(ticket_id=ticket.id, kind=MessageKind.CUSTOMER, body=data["description"],
                                 author_id=None, created_at=opened_at))
    audit.record("ticket.created", ticket, actor_id, reference=ticket.reference, priority=priority.value,
                 due_at=due)
    return ticket


def get_ticket(ticket_id: int) -> Ticket:
    """The ticket, or NotFound."""
    return get_or_not_found(Ticket, ticket_id, _l("Ticket %(id)s does not exist.", id=ticket_id))


def ticket_query(filters: dict[str, Any]) -> Select:
    """Tickets matching list filters: status key or category, priority, customer, owner, text."""
    statement = (select(Ticket).join(TicketStatus, TicketStatus.id == Ticket.status_id)
                 .options(contains_eager(Ticket.status)))
    if filters.get("status"):
        statement = statement.where(TicketStatus.key == filters["status"])
    if filters.get("category"):
        statement = statement.where(TicketStatus.category == StatusCategory(filters["category"]))
    if filters.get("priority"):
        statement = statement.where(Ticket.priority == Priority(filters["priority"]))
    if filters.get("customer_id"):
        statement = statement.where(Ticket.customer_id == filters["customer_id"])
    if filters.get("owner_id"):
        statement = statement.where(Ticket.owner_id == filters["owner_id"])
    if filters.get("q"):
        needle = f"%{filters['q'].strip()}%"
        statement = statement.where(or_(Ticket.reference.ilike(needle), Ticket.subject.ilike(needle)))
    return statement


def messages_of(ticket: Ticket) -> list[TicketMessage]:
    """The ticket's messages, oldest first."""
    return list(db.session.scalars(
        select(TicketMessage).where(TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.created_at)
    ))


def traffic_light(ticket: Ticket, now: datetime | None = None) -> str:
    """``green``, ``amber`` (less than a quarter of the SLA time left) or ``red`` (overdue)."""
    if ticket.due_at is None or ticket.status.category == StatusCategory.CLOSED:
        return "green"
    now = now or utcnow()
    if now >= ticket.due_at:
        return "red"
    total = (ticket.due_at - ticket.created_at).total_seconds()
    return "amber" if (ticket.due_at - now).total_seconds() < total / 4 else "green"


def recent_tickets_for_customer(customer_id: int, limit: int = 20) -> list[Ticket]:
    """A customer's most recent tickets, newest first."""
    return list(db.session.scalars(
        select(Ticket).where(Ticket.customer_id == customer_id).options(selectinload(Ticket.status))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
    ))


def statuses() -> list[TicketStatus]:
    """The configured ticket statuses in their display order."""
    return list(db.session.scalars(select(TicketStatus).order_by(TicketStatus.position, TicketStatus.id)))
