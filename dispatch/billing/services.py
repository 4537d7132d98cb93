"""Invoice review: editing drafts, approval with a gapless number, and the rules that keep an
approved invoice unchanged (a credit note corrects it instead).

"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update
from stdnum import iban, iso11649
from stdnum.be import ogm_vcs
from stdnum.eu import vat

from dispatch import audit, numbering
from dispatch.admin.models import Company
from dispatch.admin.services import company
from dispatch.billing.amounts import LineSpec, append_line, line_net, recalculate
from dispatch.billing.models import CreditNote, Invoice, InvoiceLine
from dispatch.dbtypes import utcnow
from dispatch.enums import InvoiceStatus
from dispatch.errors import Conflict, DomainError, Invalid, NotFound, get_or_not_found
from dispatch.extensions import db
from dispatch.integrations import webhooks
from dispatch.storage import storage


def add_line(invoice: Invoice, spec: LineSpec, actor_id: int | None = None) -> InvoiceLine:
    """Add a line to a draft and update its totals; an approved invoice is refused (409)."""
    require_draft(invoice)
    line = append_line(invoice, spec)
    recalculate(invoice)
    audit.record("invoice.line_added", invoice, actor_id, description=line.description,
                 net_amount=line.net_amount, gross_total=invoice.gross_total)
    return line


def change_line(invoice: Invoice, line_id: int, spec: LineSpec, actor_id: int | None = None) -> InvoiceLine:
    """Replace the values of a draft's line and update its totals; an approved invoice is refused (409)."""
    require_draft(invoice)
    line = line_of(invoice, line_id)
    before = {name: getattr(line, name) for name in ("description", "quantity", "unit", "unit_price", "vat_rate")}
    line.description, line.quantity, line.unit = spec.description[:300], spec.quantity, spec.unit
    line.unit_price, line.vat_rate = spec.unit_price, spec.vat_rate
    line.net_amount = line_net(spec.quantity, spec.unit_price)
    recalculate(invoice)
    changed = {name: [old, getattr(line, name)] for name, old in before.items() if old != getattr(line, name)}
    if changed:
        audit.record("invoice.line_changed", invoice, actor_id, line_id=line.id, gross_total=invoice.gross_total,
                     **{name: [str(value) for value in values] for name, values in changed.items()})
    return line


def remove_line(invoice: Invoice, line_id: int, actor_id: int | None = None) -> None:
    """Remove a line from a draft and update its totals; an approved invoice is refused (409)."""
    require_draft(invoice)
    line = line_of(invoice, line_id)
    invoice.lines.remove(line)
    for position, remaining in enumerate(invoice.lines, start=1):
        remaining.position = position
    recalculate(invoice)
    audit.record("invoice.line_removed", invoice, actor_id, description=line.description,
                 net_amount=line.net_amount, gross_total=invoice.gross_total)


def line_of(invoice: Invoice, line_id: int) -> InvoiceLine:
    """The line ``line_id`` of ``invoice``, or NotFound."""
    line = next((line for line in invoice.lines if line.id == line_id), None)
    if line is None:
        raise NotFound(_("Invoice %(id)s has no line %(line)s.", id=invoice.id, line=line_id))
    return line


def require_draft(invoice: Invoice) -> None:
    """Refuse (409) to change an invoice that is no longer a draft."""
    if invoice.status != InvoiceStatus.DRAFT:
        raise Conflict(_("Invoice %(number)s is approved and cannot be changed; issue a credit note.",
                         number=invoice.number), code="invoice_not_draft")


def approval_errors(invoice: Invoice, settings: Company) -> dict[str, list[str]]:
    """What stands against approving ``invoice``, by field, in plain language."""
    errors: dict[str, list[str]] = {}
    if invoice.buyer_vat_number and not vat.is_valid(invoice.buyer_vat_number):
        errors["buyer_vat_number"] = [_("The customer's VAT number %(number)s is not valid: check the "
                                        "country prefix and the digits.", number=invoice.buyer_vat_number)]
    if not settings.iban:
        errors["iban"] = [_("The company's bank account (IBAN) is missing: an admin adds it in the company "
                            "settings.")]
    elif not iban.is_valid(settings.iban):
        errors["iban"] = [_("The company's IBAN %(iban)s is not valid: check it in the company settings.",
                            iban=settings.iban)]
    reference = invoice.payment_reference or ""
    if not (ogm_vcs.is_valid(reference) if invoice.buyer_country == "BE" else iso11649.is_valid(reference)):
        errors["payment_reference"] = [_("The payment reference %(reference)s is not a valid structured "
                                         "reference.", reference=reference)]
    if not invoice.lines:
        errors["lines"] = [_("The invoice has no lines.")]
    return errors


def company_today(settings: Company) -> date:
    """Today's date in the company's time zone."""
    return datetime.now(ZoneInfo(settings.timezone)).date()


def approve_invoice(invoice: Invoice, actor_id: int | None) -> Invoice:
    """Approve a draft: validate it, then assign the next gapless number in this transaction."""
    if invoice.status != InvoiceStatus.DRAFT:
        raise Conflict(_("Invoice %(number)s is already approved.", number=invoice.number),
                       code="already_approved")
    settings = company()
    errors = approval_errors(invoice, settings)
    if errors:
        raise Invalid(_("The invoice cannot be approved until these are corrected."), errors=errors)
    issued_on = issue_number(invoice, settings.invoice_series, actor_id, settings)
    invoice.due_on = issued_on + timedelta(days=settings.payment_terms_days)
    from dispatch.billing.issuing import freeze_invoice_files  # documents read this module's figures

    freeze_invoice_files(invoice)
    audit.record("invoice.approved", invoice, actor_id, number=invoice.number,
                 gross_total=invoice.gross_total)
    webhooks.emit(webhooks.INVOICE_APPROVED, webhooks.invoice_payload(invoice))
    return invoice


class BulkApproval(NamedTuple):
    approved: list[Invoice]
    refused: list[tuple[int, DomainError]]  # (invoice id, why)


def approve_each(invoice_ids: list[int], actor_id: int | None) -> BulkApproval:
    """Approve drafts one by one, each in its own savepoint: one refused invoice does not stop the others."""
    result = BulkApproval([], [])
    for invoice_id in invoice_ids:
        try:
            with db.session.begin_nested():
                result.approved.append(approve_invoice(get_invoice(invoice_id), actor_id))
        except DomainError as error:
            result.refused.append((invoice_id, error))
    return result


def issue_number(document: Invoice | CreditNote, series: str, actor_id: int | None, settings: Company) -> date:
    """Approve a draft invoice or credit note and give it the next gapless number of ``series``; its issue day."""
    model = type(document)
    now = utcnow()
    # Claim the draft first: a concurrent approval of the same document waits on this row and then
    # finds it approved, so it never takes a number that would be lost.
    claimed = db.session.execute(
        update(model).where(model.id == document.id, model.status == InvoiceStatus.DRAFT)
        .values(status=InvoiceStatus.APPROVED, approved_by_id=actor_id, approved_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict(_("Someone approved it meanwhile; reload the page."), code="already_approved")
    issued_on = company_today(settings)
    sequence = numbering.next_number(series, issued_on.year)
    document.status, document.approved_by_id, document.approved_at = InvoiceStatus.APPROVED, actor_id, now
    document.series, document.year, document.sequence = series, issued_on.year, sequence
    document.number = numbering.formatted(series, issued_on.year, sequence)
    document.issued_on = issued_on
    db.session.flush()
    return issued_on


def mark_paid(invoice: Invoice, paid_on: date, actor_id: int | None) -> Invoice:
    """Record that an approved or sent invoice was paid on ``paid_on`` (not in the future, not before issue)."""
    if invoice.status == InvoiceStatus.DRAFT:
        raise Conflict(_("A draft cannot be paid: approve and send the invoice first."), code="invoice_not_approved")
    if invoice.status == InvoiceStatus.PAID:
        raise Conflict(_("Invoice %(number)s is already marked paid.", number=invoice.number), code="already_paid")
    if paid_on > company_today(company()):
        raise Invalid(_("The payment date is wrong."), errors={"paid_on": [_("The payment date cannot be in "
                                                                             "the future.")]})
    if invoice.issued_on and paid_on < invoice.issued_on:
        raise Invalid(_("The payment date is wrong."), errors={"paid_on": [
            _("The payment date cannot be before the invoice date, %(date)s.", date=format_date(invoice.issued_on))]})
    claimed = db.session.execute(
        update(Invoice).where(Invoice.id == invoice.id, Invoice.status.in_([InvoiceStatus.APPROVED,
                                                                            InvoiceStatus.SENT]))
        .values(status=InvoiceStatus.PAID).execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:  # marked paid by someone else meanwhile
        raise Conflict(_("Invoice %(number)s is already marked paid.", number=invoice.number), code="already_paid")
    invoice.status, invoice.paid_on, invoice.paid_at = InvoiceStatus.PAID, paid_on, utcnow()
    audit.record("invoice.paid", invoice, actor_id, number=invoice.number, paid_on=paid_on.isoformat(),
                 gross_total=invoice.gross_total)
    webhooks.emit(webhooks.INVOICE_PAID, webhooks.invoice_payload(invoice))
    return invoice


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice PDF: as frozen at approval, or rendered afresh while it is a draft."""
    if invoice.pdf_key:
        return storage().read(invoice.pdf_key)
    from dispatch.billing.pdf import render_invoice_pdf

    return render_invoice_pdf(invoice)


def recent_invoices_for_customer(customer_id: int, limit: int = 20) -> list[Invoice]:
    """A customer's most recent invoices, newest first."""
    return list(db.session.scalars(
        select(Invoice).where(Invoice.customer_id == customer_id)
        .order_by(Invoice.created_at.desc(), Invoice.id.desc()).limit(limit)
    ))


def get_invoice(invoice_id: int) -> Invoice:
    """The invoice, or NotFound."""
    return get_or_not_found(Invoice, invoice_id, _l("Invoice %(id)s does not exist.", id=invoice_id))


def invoice_query(filters: dict[str, Any]) -> Select:
    """Invoices matching list filters (status, customer), newest first."""
    statement = select(Invoice)
    if filters.get("status"):
        statement = statement.where(Invoice.status == InvoiceStatus(filters["status"]))
    if filters.get("customer_id"):
        statement = statement.where(Invoice.customer_id == filters["customer_id"])
    return statement.order_by(Invoice.created_at.desc(), Invoice.id.desc())


def job_ids(invoice: Invoice) -> list[int]:
    """The jobs an invoice bills: those that point at it and those its lines came from."""
    return sorted({job.id for job in invoice.jobs} | {line.job_id for line in invoice.lines if line.job_id is not None})


class CurrencyTotals(NamedTuple):
    currency: str
    count: int
    net: Decimal
    vat: Decimal
    gross: Decimal


def totals_by_currency(statement: Select) -> list[CurrencyTotals]:
    """Count and sums of the invoices ``statement`` selects, per currency."""
    selection = statement.order_by(None).subquery()
    rows = db.session.execute(
        select(selection.c.currency, func.count(), func.sum(selection.c.net_total),
               func.sum(selection.c.vat_total), func.sum(selection.c.gross_total))
        .group_by(selection.c.currency).order_by(selection.c.currency)
    ).all()
    return [CurrencyTotals(*row) for row in rows]  # the sums keep the columns' exact Decimal type
