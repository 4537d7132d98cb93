"""What an invoice says, as plain values.

A document is built in two steps: ``invoice_document`` gathers every value the invoice shows into a
plain ``InvoiceDocument`` (parties, lines, VAT per rate, payment details), and ``billing.pdf.render_pdf`` lays
it out. The e-invoice (Factur-X CII embedded in the PDF, Peppol UBL) is to be written from the same
``InvoiceDocument``, so that the picture and the data of an invoice cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from dispatch.admin.services import company
from dispatch.billing.amounts import VatGroup, vat_breakdown
from dispatch.billing.models import Invoice
from dispatch.billing.services import job_ids
from dispatch.customers.models import Customer
from dispatch.enums import InvoiceStatus
from dispatch.extensions import db
from dispatch.scheduling.models import Job


@dataclass(frozen=True)
class Party:
    name: str
    address_lines: tuple[str, ...]
    country: str
    vat_number: str | None
    registration_number: str | None = None  # chamber of commerce / company register
    contact: tuple[str, ...] = ()  # e-mail, phone


@dataclass(frozen=True)
class DocumentLine:
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: Decimal
    net_amount: Decimal


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything an invoice shows, in plain values: the one source for the PDF and the e-invoice."""

    invoice_id: int
    number: str | None  # None while a draft
    is_draft: bool
    language: str
    currency: str
    issued_on: date | None
    due_on: date | None
    seller: Party
    buyer: Party
    lines: tuple[DocumentLine, ...]
    vat: tuple[VatGroup, ...]
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal
    iban: str | None
    bic: str | None
    payment_reference: str | None
    job_numbers: tuple[str, ...]


def invoice_document(invoice: Invoice) -> InvoiceDocument:
    """The values of ``invoice`` as it is to be shown and exchanged."""
    settings = company()
    customer = db.session.get(Customer, invoice.customer_id)
    ids = job_ids(invoice)
    numbers = db.session.scalars(select(Job.number).where(Job.id.in_(ids)).order_by(Job.number)).all()
    return InvoiceDocument(
        invoice_id=invoice.id, number=invoice.number, is_draft=invoice.status == InvoiceStatus.DRAFT,
        language=(customer.language if customer else None) or "en", currency=invoice.currency,
        issued_on=invoice.issued_on, due_on=invoice.due_on,
        seller=Party(settings.name, (settings.street, f"{settings.postal_code} {settings.city}".strip()),
                     settings.country, settings.vat_number, settings.registration_number,
                     tuple(detail for detail in (settings.email, settings.phone) if detail)),
        buyer=Party(invoice.buyer_name, tuple(invoice.buyer_address.splitlines()), invoice.buyer_country,
                    invoice.buyer_vat_number),
        lines=tuple(DocumentLine(line.description, line.quantity, line.unit, line.unit_price, line.vat_rate,
                                 line.net_amount) for line in invoice.lines),
        vat=tuple(vat_breakdown(invoice.lines)), net_total=invoice.net_total, vat_total=invoice.vat_total,
        gross_total=invoice.gross_total, iban=settings.iban, bic=settings.bic,
        payment_reference=invoice.payment_reference, job_numbers=tuple(numbers),
    )
