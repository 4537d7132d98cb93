"""Invoices, credit notes, their lines and labour rate groups."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.dbtypes import Fixed, UTCDateTime, utcnow
from dispatch.enums import InvoiceStatus, LineKind, enum_column
from dispatch.extensions import db

if TYPE_CHECKING:
    from dispatch.scheduling.models import Job


class RateGroup(db.Model):
    """An hourly labour rate that technicians are billed at."""

    __tablename__ = "rate_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    hourly_rate: Mapped[Decimal] = mapped_column(Fixed(4))


class Invoice(db.Model):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("series", "year", "sequence"),
        Index("ix_invoices_status_created", "status", "created_at"),
        Index("ix_invoices_customer_created", "customer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(30), unique=True)
    series: Mapped[str] = mapped_column(String(10))
    year: Mapped[int | None]
    sequence: Mapped[int | None]
    status: Mapped[InvoiceStatus] = mapped_column(enum_column(InvoiceStatus), default=InvoiceStatus.DRAFT)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    buyer_name: Mapped[str] = mapped_column(String(200))
    buyer_address: Mapped[str] = mapped_column(Text)
    buyer_country: Mapped[str] = mapped_column(String(2))
    buyer_vat_number: Mapped[str | None] = mapped_column(String(20))
    issued_on: Mapped[date | None]
    due_on: Mapped[date | None]
    payment_reference: Mapped[str | None] = mapped_column(String(40))
    net_total: Mapped[Decimal] = mapped_column(Fixed(2), default=Decimal("0"))
    vat_total: Mapped[Decimal] = mapped_column(Fixed(2), default=Decimal("0"))
    gross_total: Mapped[Decimal] = mapped_column(Fixed(2), default=Decimal("0"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_on: Mapped[date | None]  # the day the money arrived, as billing enters it
    # The PDF as approved, kept so that later changes of company details never alter an issued invoice.
    pdf_key: Mapped[str | None] = mapped_column(String(255))
    ubl_key: Mapped[str | None] = mapped_column(String(255))  # the Peppol UBL XML as approved
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position", cascade="all, delete-orphan"
    )
    # The jobs that point at this invoice (Job.invoice_id), read-only: lists load them for all rows at once.
    jobs: Mapped[list[Job]] = relationship("Job", viewonly=True, order_by="Job.id")


class CreditNote(db.Model):
    """Corrects an approved invoice, which itself is never edited."""

    __tablename__ = "credit_notes"
    __table_args__ = (
        UniqueConstraint("series", "year", "sequence"),
        Index("ix_credit_notes_created", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(30), unique=True)
    series: Mapped[str] = mapped_column(String(10))
    year: Mapped[int | None]
    sequence: Mapped[int | None]
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    status: Mapped[InvoiceStatus] = mapped_column(enum_column(InvoiceStatus), default=InvoiceStatus.DRAFT)
    reason: Mapped[str] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3), default="EUR", server_default="EUR")
    issued_on: Mapped[date | None]
    net_total: Mapped[Decimal] = mapped_column(Fixed(2), default=Decimal("0"))
    vat_total: Mapped[Decimal] = mapped_column(Fixed(2), default=Decimal("0"))
    gross_total: Mapped[Decimal] = mapped_column(Fixed(2), default=Decimal("0"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The PDF (with its Factur-X XML) and the Peppol UBL XML as approved.
    pdf_key: Mapped[str | None] = mapped_column(String(255))
    ubl_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    invoice: Mapped[Invoice] = relationship()
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="credit_note", order_by="InvoiceLine.position", cascade="all, delete-orphan"
    )


class InvoiceLine(db.Model):
    """A line of an invoice or of a credit note (exactly one of the two)."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        CheckConstraint(
            "(invoice_id IS NULL) <> (credit_note_id IS NULL)", name="one_document"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    credit_note_id: Mapped[int | None] = mapped_column(
        ForeignKey("credit_notes.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[LineKind] = mapped_column(enum_column(LineKind))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(Fixed(3))
    unit: Mapped[str] = mapped_column(String(10))
    unit_price: Mapped[Decimal] = mapped_column(Fixed(4))
    vat_rate: Mapped[Decimal] = mapped_column(Fixed(2))
    net_amount: Mapped[Decimal] = mapped_column(Fixed(2))
    # On a credit note: the invoice line it takes back, so that no line is credited more than it billed.
    credited_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_lines.id"), index=True)

    invoice: Mapped[Invoice | None] = relationship(back_populates="lines")
    credit_note: Mapped[CreditNote | None] = relationship(back_populates="lines")
