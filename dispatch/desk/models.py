"""Tickets, their configurable statuses, messages, attachments, custom fields and canned responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.customers.models import Asset, Contact, Customer, Site
from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.desk.assignment.models import Queue
from dispatch.desk.sla.models import SlaPolicy
from dispatch.enums import Channel, CustomFieldType, MessageKind, Priority, StatusCategory, enum_column
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


class Ticket(db.Model):
    __tablename__ = "tickets"
    # The list filters (status, priority, customer) each come with the list's order (newest first).
    __table_args__ = (
        Index("ix_tickets_status_due", "status_id", "due_at"),
        Index("ix_tickets_status_created", "status_id", "created_at"),
        Index("ix_tickets_priority_created", "priority", "created_at"),
        Index("ix_tickets_customer_created", "customer_id", "created_at"),
        # The desk's views: per queue, mine, escalated (each in the list's order).
        Index("ix_tickets_queue_created", "queue_id", "created_at"),
        Index("ix_tickets_owner_created", "owner_id", "created_at"),
        Index("ix_tickets_escalation_due", "escalation_level", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(80))
    subcategory: Mapped[str | None] = mapped_column(String(80))
    priority: Mapped[Priority] = mapped_column(enum_column(Priority))
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id", ondelete="SET NULL"))
    status_id: Mapped[int] = mapped_column(ForeignKey("ticket_statuses.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    # Who reported it and how to reach them (a company's caller, a second address of a household).
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    # {field key: value} for the admin-defined custom fields (CustomField).
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"), index=True)
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The SLA clock (dispatch.desk.sla): the policy applied, when it was paused, its warnings and breaches.
    sla_policy_id: Mapped[int | None] = mapped_column(ForeignKey("sla_policies.id", ondelete="SET NULL"))
    sla_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sla_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalation_level: Mapped[int] = mapped_column(default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopened_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    status: Mapped[TicketStatus] = relationship()
    customer: Mapped[Customer] = relationship()
    site: Mapped[Site | None] = relationship()
    asset: Mapped[Asset | None] = relationship()
    queue: Mapped[Queue | None] = relationship()
    contact: Mapped[Contact | None] = relationship()
    sla_policy: Mapped[SlaPolicy | None] = relationship()


class TicketMessage(db.Model):
    """A customer message, an agent's reply or an internal note on a ticket."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)  # sanitised HTML of an e-mail, when it had one
    channel: Mapped[Channel | None] = mapped_column(enum_column(Channel))
    sender: Mapped[str | None] = mapped_column(String(254))  # the e-mail address it came from
    # The Message-ID of the e-mail it came in as or went out as: In-Reply-To and References find it.
    email_message_id: Mapped[str | None] = mapped_column(String(500), index=True)
    inbound_mail_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_mails.id", ondelete="SET NULL"))
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


class CustomField(db.Model):
    """A ticket field an admin defined (contract number, meter reading ...); values live on the ticket."""

    __tablename__ = "custom_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    field_type: Mapped[CustomFieldType] = mapped_column(enum_column(CustomFieldType))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CannedResponse(db.Model):
    """A reply text with placeholders ({customer_name}, {reference}, {appointment} ...)."""

    __tablename__ = "canned_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(5))  # None: any language
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
