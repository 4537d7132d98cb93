"""Invoices, credit notes and their lines for accountants: approved documents of a period, by issue date.

Two queries per file (invoices, then credit notes), each streamed from the database in batches, so
an export of any size takes the same number of queries and little memory. Credit notes carry
negative amounts, so that summing a column gives the period's net turnover and VAT.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from dispatch.admin.services import company_zone
from dispatch.billing.amounts import vat_breakdown
from dispatch.billing.models import CreditNote, Invoice, InvoiceLine
from dispatch.enums import InvoiceStatus
from dispatch.extensions import db
from dispatch.reporting.services import Period
from dispatch.scheduling.models import Job

BATCH = 500
INVOICE, CREDIT_NOTE = "invoice", "credit_note"


class _RateBase(NamedTuple):
    """The lines of one VAT rate of a document, shaped as ``vat_breakdown`` reads lines."""

    vat_rate: Decimal
    net_amount: Decimal


def document_header() -> list[str]:
    """Columns of the documents file: one row per document and VAT rate."""
    return [_("Document type"), _("Number"), _("Issue date"), _("Due date"), _("Credited invoice"),
            _("Customer number"), _("Customer"), _("VAT number"), _("Country"), _("Currency"), _("VAT rate"),
            _("Net"), _("VAT"), _("Gross"), _("Payment reference"), _("Status"), _("Paid date")]


def line_header() -> list[str]:
    """Columns of the lines file: one row per document line."""
    return [_("Document type"), _("Number"), _("Issue date"), _("Customer number"), _("Customer"),
            _("Position"), _("Kind"), _("Job"), _("Description"), _("Quantity"), _("Unit"), _("Unit price"),
            _("VAT rate"), _("Net"), _("Currency")]


def _issued(column: Any, period: Period) -> Any:
    return column.between(period.start, period.end)


def _rows(statement: Select) -> Iterator[Any]:
    yield from db.session.execute(statement.execution_options(yield_per=BATCH))


def document_rows(period: Period) -> Iterator[list[Any]]:
    """Rows of the documents file: invoices, then credit notes, of the period, approved or later."""
    base = func.sum(InvoiceLine.net_amount).label("base")
    invoice_columns = (Invoice.number, Invoice.issued_on, Invoice.due_on, Invoice.customer_id, Invoice.buyer_name,
                       Invoice.buyer_vat_number, Invoice.buyer_country, Invoice.currency, Invoice.payment_reference,
                       Invoice.status, Invoice.paid_on, Invoice.paid_at, InvoiceLine.vat_rate)
    invoices = (select(*invoice_columns, base).join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
                .where(Invoice.status != InvoiceStatus.DRAFT, _issued(Invoice.issued_on, period))
                .group_by(Invoice.id, *invoice_columns)
                .order_by(Invoice.issued_on, Invoice.number, InvoiceLine.vat_rate))
    zone = company_zone()
    for row in _rows(invoices):
        vat = _vat(row.vat_rate, row.base)
        paid = row.paid_on or (row.paid_at.astimezone(zone).date() if row.paid_at else None)
        yield [INVOICE, row.number, row.issued_on, row.due_on, None, row.customer_id, row.buyer_name,
               row.buyer_vat_number, row.buyer_country, row.currency, row.vat_rate, row.base, vat, row.base + vat,
               row.payment_reference, row.status.value, paid]
    credit_columns = (CreditNote.number, CreditNote.issued_on, Invoice.number.label("invoice_number"),
                      Invoice.customer_id, Invoice.buyer_name, Invoice.buyer_vat_number, Invoice.buyer_country,
                      CreditNote.currency, Invoice.payment_reference, CreditNote.status, InvoiceLine.vat_rate)
    credit_notes = (select(*credit_columns, base).join(Invoice, Invoice.id == CreditNote.invoice_id)
                    .join(InvoiceLine, InvoiceLine.credit_note_id == CreditNote.id)
                    .where(CreditNote.status != InvoiceStatus.DRAFT, _issued(CreditNote.issued_on, period))
                    .group_by(CreditNote.id, *credit_columns)
                    .order_by(CreditNote.issued_on, CreditNote.number, InvoiceLine.vat_rate))
    for row in _rows(credit_notes):
        vat = _vat(row.vat_rate, row.base)
        yield [CREDIT_NOTE, row.number, row.issued_on, None, row.invoice_number, row.customer_id, row.buyer_name,
               row.buyer_vat_number, row.buyer_country, row.currency, row.vat_rate, -row.base, -vat,
               -(row.base + vat), row.payment_reference, row.status.value, None]


def line_rows(period: Period) -> Iterator[list[Any]]:
    """Rows of the lines file: every line of the period's approved invoices, then of its credit notes."""
    line_columns = (InvoiceLine.position, InvoiceLine.kind, Job.number.label("job_number"), InvoiceLine.description,
                    InvoiceLine.quantity, InvoiceLine.unit, InvoiceLine.unit_price, InvoiceLine.vat_rate,
                    InvoiceLine.net_amount)
    invoices = (select(Invoice.number, Invoice.issued_on, Invoice.customer_id, Invoice.buyer_name, Invoice.currency,
                       *line_columns)
                .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id).outerjoin(Job, Job.id == InvoiceLine.job_id)
                .where(Invoice.status != InvoiceStatus.DRAFT, _issued(Invoice.issued_on, period))
                .order_by(Invoice.issued_on, Invoice.number, InvoiceLine.position))
    for row in _rows(invoices):
        yield _line(INVOICE, row, row.net_amount)
    credit_notes = (select(CreditNote.number, CreditNote.issued_on, Invoice.customer_id, Invoice.buyer_name,
                           CreditNote.currency, *line_columns)
                    .join(Invoice, Invoice.id == CreditNote.invoice_id)
                    .join(InvoiceLine, InvoiceLine.credit_note_id == CreditNote.id)
                    .outerjoin(Job, Job.id == InvoiceLine.job_id)
                    .where(CreditNote.status != InvoiceStatus.DRAFT, _issued(CreditNote.issued_on, period))
                    .order_by(CreditNote.issued_on, CreditNote.number, InvoiceLine.position))
    for row in _rows(credit_notes):
        yield _line(CREDIT_NOTE, row, -row.net_amount)


def _line(kind: str, row: Any, net: Decimal) -> list[Any]:
    return [kind, row.number, row.issued_on, row.customer_id, row.buyer_name, row.position, row.kind.value,
            row.job_number, row.description, row.quantity, row.unit, row.unit_price, row.vat_rate, net, row.currency]


def _vat(rate: Decimal, base: Decimal) -> Decimal:
    """The VAT of one rate's base, rounded as on the document (``billing.amounts``)."""
    return vat_breakdown([_RateBase(rate, base)])[0].amount


def file_name(kind: str, period: Period) -> str:
    """``invoices_2026-01-01_2026-01-31.csv``."""
    return f"{kind}_{period.slug}.csv"

