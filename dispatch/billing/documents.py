"""What an invoice or a credit note says, as plain values.

A document is built in two steps: ``invoice_document`` (or ``credit_note_document``) gathers every value
the document shows into a plain ``InvoiceDocument`` (parties, lines, VAT per rate, payment details), and
``billing.pdf.render_pdf`` lays it out. The e-invoices (Factur-X CII embedded in the PDF, Peppol UBL) are
written from the same ``InvoiceDocument`` by ``billing.einvoice``, so that the picture and the data of an
invoice cannot disagree. The fields carry what EN 16931 asks for; its business term ids are noted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from dispatch.admin.models import Company
from dispatch.admin.services import company, company_zone
from dispatch.billing.amounts import vat_breakdown
from dispatch.billing.einvoice import codes
from dispatch.billing.einvoice.codes import Endpoint
from dispatch.billing.models import CreditNote, Invoice, InvoiceLine
from dispatch.billing.services import job_ids
from dispatch.customers.models import Customer
from dispatch.enums import InvoiceStatus
from dispatch.extensions import db
from dispatch.i18n import locale_for
from dispatch.scheduling.models import Job


@dataclass(frozen=True)
class Party:
    name: str
    address_lines: tuple[str, ...]  # as printed: street, then postal code and city
    country: str  # ISO 3166-1 alpha-2
    vat_number: str | None  # with its country prefix (BT-31, BT-48)
    registration_number: str | None = None  # chamber of commerce / company register (BT-30)
    contact: tuple[str, ...] = ()  # e-mail, phone
    street: str = ""  # BT-35/BT-50
    postal_code: str = ""  # BT-38/BT-53
    city: str = ""  # BT-37/BT-52
    email: str | None = None
    phone: str | None = None
    endpoint: Endpoint | None = None  # electronic address (BT-34/BT-49), see ``einvoice.codes``


@dataclass(frozen=True)
class DocumentLine:
    description: str
    quantity: Decimal
    unit: str  # UN/ECE recommendation 20 code
    unit_price: Decimal  # net, per one unit (BT-146)
    vat_rate: Decimal
    net_amount: Decimal
    vat_category: str = codes.STANDARD  # BT-151


@dataclass(frozen=True)
class VatBreakdown:
    """The VAT of one rate (BG-23): its category, the taxable base and the VAT on it."""

    rate: Decimal
    base: Decimal
    amount: Decimal
    category: str = codes.STANDARD
    exemption_code: str | None = None  # BT-121
    exemption_reason: str | None = None  # BT-120


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything an invoice shows, in plain values: the one source for the PDF and the e-invoice."""

    invoice_id: int  # the invoice, or for a credit note the credit note's own id
    number: str | None  # None while a draft
    is_draft: bool
    language: str
    currency: str
    issued_on: date | None
    due_on: date | None
    seller: Party
    buyer: Party
    lines: tuple[DocumentLine, ...]
    vat: tuple[VatBreakdown, ...]
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal
    iban: str | None
    bic: str | None
    payment_reference: str | None  # remittance information (BT-83)
    job_numbers: tuple[str, ...]
    logo_key: str | None = None  # storage key of the seller's logo (a PNG), printed on the PDF
    type_code: str = codes.INVOICE  # BT-3: 380 invoice, 381 credit note
    buyer_reference: str | None = None  # BT-10
    delivered_on: date | None = None  # actual delivery date (BT-72), the tax point: the last job's completion
    payment_terms: str | None = None  # BT-20
    preceding_number: str | None = None  # BT-25: the invoice a credit note corrects
    preceding_issued_on: date | None = None  # BT-26
    note: str | None = None  # BT-22: a credit note's reason

    @property
    def is_credit_note(self) -> bool:
        return self.type_code == codes.CREDIT_NOTE


def invoice_document(invoice: Invoice) -> InvoiceDocument:
    """The values of ``invoice`` as it is to be shown and exchanged."""
    settings = company()
    customer = db.session.get(Customer, invoice.customer_id)
    language = (customer.language if customer else None) or "en"
    numbers, delivered_on = _jobs(invoice)
    with force_locale(locale_for(language)):
        terms = _("Payment within %(days)s days of the invoice date, quoting the payment reference.",
                  days=settings.payment_terms_days)
    return InvoiceDocument(
        invoice_id=invoice.id, number=invoice.number, is_draft=invoice.status == InvoiceStatus.DRAFT,
        language=language, currency=invoice.currency, issued_on=invoice.issued_on, due_on=invoice.due_on,
        seller=seller_party(settings), buyer=buyer_party(invoice, customer),
        lines=_lines(invoice.lines, settings, invoice), vat=_vat(invoice.lines, settings, invoice),
        net_total=invoice.net_total, vat_total=invoice.vat_total, gross_total=invoice.gross_total,
        iban=settings.iban, bic=settings.bic, payment_reference=invoice.payment_reference,
        job_numbers=numbers, logo_key=settings.logo_key, buyer_reference=", ".join(numbers) or None,
        delivered_on=delivered_on or invoice.issued_on, payment_terms=terms,
    )


def credit_note_document(note: CreditNote) -> InvoiceDocument:
    """The values of credit note ``note``: the buyer of its invoice, its own lines, the invoice it corrects."""
    settings = company()
    invoice = db.session.get(Invoice, note.invoice_id)
    customer = db.session.get(Customer, invoice.customer_id)
    language = (customer.language if customer else None) or "en"
    numbers, delivered_on = _jobs(invoice)
    issued_on = note.issued_on or (note.approved_at.astimezone(company_zone()).date() if note.approved_at
                                   else None)
    with force_locale(locale_for(language)):
        # BR-CO-25: an amount due needs a due date or payment terms; the buyer is owed this amount.
        terms = _("The credited amount is refunded to you or set off against your open invoices.")
    return InvoiceDocument(
        invoice_id=note.id, number=note.number, is_draft=note.status == InvoiceStatus.DRAFT,
        language=language, currency=note.currency or invoice.currency, issued_on=issued_on, due_on=None,
        seller=seller_party(settings), buyer=buyer_party(invoice, customer),
        lines=_lines(note.lines, settings, invoice), vat=_vat(note.lines, settings, invoice),
        net_total=note.net_total, vat_total=note.vat_total, gross_total=note.gross_total,
        iban=None, bic=None, payment_reference=invoice.payment_reference, job_numbers=numbers,
        logo_key=settings.logo_key, type_code=codes.CREDIT_NOTE, buyer_reference=", ".join(numbers) or None,
        delivered_on=delivered_on or invoice.issued_on, payment_terms=terms, preceding_number=invoice.number,
        preceding_issued_on=invoice.issued_on, note=note.reason,
    )


def seller_party(settings: Company) -> Party:
    """The company as the seller of its documents."""
    vat_number = codes.compact_vat(settings.vat_number)
    return Party(
        settings.name, (settings.street, f"{settings.postal_code} {settings.city}".strip()), settings.country,
        vat_number, settings.registration_number,
        tuple(detail for detail in (settings.email, settings.phone) if detail),
        street=settings.street, postal_code=settings.postal_code, city=settings.city, email=settings.email,
        phone=settings.phone, endpoint=codes.endpoint(vat_number, settings.email),
    )


def buyer_party(invoice: Invoice, customer: Customer | None) -> Party:
    """The buyer as frozen on the invoice; postal code and city are read back from its address block."""
    lines = tuple(line for line in invoice.buyer_address.splitlines() if line.strip())
    street = lines[0] if lines else ""
    postal_code, city = "", lines[-1] if len(lines) > 1 else ""
    if customer is not None and city == f"{customer.postal_code} {customer.city}".strip():
        postal_code, city = customer.postal_code, customer.city  # "1234 AB Utrecht" has a space in its code
    vat_number = codes.compact_vat(invoice.buyer_vat_number)
    email = customer.email if customer else None
    return Party(
        invoice.buyer_name, lines, invoice.buyer_country, vat_number, street=street, postal_code=postal_code,
        city=city, email=email, endpoint=codes.endpoint(vat_number, email),
    )


def _jobs(invoice: Invoice) -> tuple[tuple[str, ...], date | None]:
    """The numbers of the jobs an invoice bills, and the day the last of them was completed (local)."""
    ids = job_ids(invoice)
    rows = db.session.execute(select(Job.number, Job.completed_at).where(Job.id.in_(ids))
                              .order_by(Job.number)).all()
    completed = [row.completed_at for row in rows if row.completed_at is not None]
    delivered_on = max(completed).astimezone(company_zone()).date() if completed else None
    return tuple(row.number for row in rows), delivered_on


def _category(rate: Decimal, settings: Company, invoice: Invoice) -> str:
    return codes.vat_category(Decimal(rate), settings.country, invoice.buyer_country, invoice.buyer_vat_number)


def _lines(lines: list[InvoiceLine], settings: Company, invoice: Invoice) -> tuple[DocumentLine, ...]:
    return tuple(DocumentLine(line.description, line.quantity, line.unit, line.unit_price, line.vat_rate,
                              line.net_amount, _category(line.vat_rate, settings, invoice)) for line in lines)


def _vat(lines: list[InvoiceLine], settings: Company, invoice: Invoice) -> tuple[VatBreakdown, ...]:
    groups = []
    for group in vat_breakdown(lines):
        category = _category(group.rate, settings, invoice)
        code, reason = codes.REVERSE_CHARGE_EXEMPTION if category == codes.REVERSE_CHARGE else (None, None)
        groups.append(VatBreakdown(group.rate, group.base, group.amount, category, code, reason))
    return tuple(groups)
