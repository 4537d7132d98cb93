"""Tickets, their configurable statuses, SLA policies, messages and attachments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.customers.models import Asset, Customer, Site
from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.enums import Channel, MessageKind, Priority, StatusCategory, enum_column
from dispatch.extensions import db


class TicketStatus(db.Model):
    """A status an admin may define, mapped to the category that drives the SLA clock."""

    __tablename__ = "ticket_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    category: Mapped[StatusCategory] = mapped_column(enum_column(StatusCategory))
    position: Mapped[int] = mapped_column(default=0)
    builtin: Mapped[bool] = mapped_column(default=False)


class SlaPolicy(db.Model):
    """Response and resolution targets for one priority."""

    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority: Mapped[Priority] = mapped_column(enum_column(Priority), unique=True)
    first_response_minutes: Mapped[int]
    resolution_minutes: Mapped[int]


class Ticket(db.Model):
    __tablename__ = "tickets"
    # The list filters (status, priority, customer) each come with the list's order (newest first).
    __table_args__ = (
        Index("ix_tickets_status_due", "status_id", "due_at"),
        Index("ix_tickets_status_created", "status_id", "created_at"),
        Index("ix_tickets_priority_created", "priority", "created_at"),
        Index("ix_tickets_customer_created", "customer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(80))
    subcategory: Mapped[str | None] = mapped_column(String(80))
    priority: Mapped[Priority] = mapped_column(enum_column(Priority))
    queue: Mapped[str | None] = mapped_column(String(80), index=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("ticket_statuses.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"), index=True)
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    status: Mapped[TicketStatus] = relationship()
    customer: Mapped[Customer] = relationship()
    site: Mapped[Site | None] = relationship()
    asset: Mapped[Asset | None] = relationship()


class TicketMessage(db.Model):
    """A customer message, an agent's reply or an internal note on a ticket."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TicketAttachment(db.Model):
    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_messages.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
