"""Credit notes: the only way to correct an approved invoice, never for more than it still bills.

A credit note takes back lines of its invoice (all of what remains by default, or given quantities) or
carries free lines (a goodwill discount). Draft credit notes count against what remains creditable, so two
drafts cannot together credit more than the invoice. Approval gives a gapless number of the company's
credit note series under the same row-lock rule as invoices; an approved credit note never changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import format_currency
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import selectinload

from dispatch import audit
from dispatch.admin.services import company
from dispatch.billing import issuing
from dispatch.billing.amounts import CENT, LineSpec, append_line, recalculate
from dispatch.billing.lines import line_spec, parse_decimal
from dispatch.billing.models import CreditNote, Invoice, InvoiceLine
from dispatch.billing.services import issue_number
from dispatch.enums import InvoiceStatus
from dispatch.errors import Conflict, Invalid, get_or_not_found
from dispatch.extensions import db
from dispatch.storage import storage

CREDITABLE = (InvoiceStatus.APPROVED, InvoiceStatus.SENT, InvoiceStatus.PAID)


@dataclass(frozen=True)
class Creditable:
    """What of an invoice can still be credited: the quantity per invoice line, and the gross amount."""

    quantities: dict[int, Decimal]
    gross: Decimal


def creditable(invoice: Invoice) -> Creditable:
    """What of ``invoice`` is not yet taken back by its credit notes (drafts included)."""
    credited = dict(db.session.execute(
        select(InvoiceLine.credited_line_id, func.sum(InvoiceLine.quantity))
        .join(CreditNote, InvoiceLine.credit_note_id == CreditNote.id)
        .where(CreditNote.invoice_id == invoice.id, InvoiceLine.credited_line_id.is_not(None))
        .group_by(InvoiceLine.credited_line_id)
    ).all())
    gross = db.session.scalar(select(func.sum(CreditNote.gross_total)).where(CreditNote.invoice_id == invoice.id))
    return Creditable({line.id: max(line.quantity - Decimal(credited.get(line.id) or 0), Decimal(0))
                       for line in invoice.lines},
                      (invoice.gross_total - Decimal(gross or 0)).quantize(CENT))


def require_creditable(invoice: Invoice) -> None:
    """Refuse (409) to credit an invoice that is still a draft."""
    if invoice.status not in CREDITABLE:
        raise Conflict(_("A draft is not credited: change its lines instead."), code="invoice_not_approved")


def create_credit_note(invoice: Invoice, reason: str | None, lines: Sequence[Mapping[str, Any]] | None,
                       actor_id: int | None) -> CreditNote:
    """A draft credit note for ``invoice``: everything still creditable unless ``lines`` say what (None)."""
    require_creditable(invoice)
    # Write-lock the invoice row (PostgreSQL) or the database (SQLite) before reading what remains, so that
    # two credit notes created at the same moment cannot both take the same remainder.
    db.session.execute(update(Invoice).where(Invoice.id == invoice.id).values(status=Invoice.status)
                       .execution_options(synchronize_session=False))
    left = creditable(invoice)
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the invoice is credited; the customer reads it on the credit note.")]
    if lines is None:
        lines = [{"line_id": line.id} for line in invoice.lines if left.quantities[line.id] > 0]
        if not lines:
            errors["lines"] = [_("Everything on invoice %(number)s has been credited already.",
                                 number=invoice.number)]
    elif not lines:
        errors["lines"] = [_("Enter a quantity to credit on at least one line.")]
    requested = list(lines)
    specs = _credit_lines(invoice, requested, left, errors)
    if errors:
        raise Invalid(_("The credit note was not created: correct the fields named."), errors=errors)
    note = CreditNote(invoice_id=invoice.id, series=company().credit_note_series, status=InvoiceStatus.DRAFT,
                      reason=reason.strip(), currency=invoice.currency, created_by_id=actor_id)
    for spec, credited_line_id in specs:
        append_line(note, spec).credited_line_id = credited_line_id
    recalculate(note)
    # Crediting part of a line rounds per line, so line-by-line credits may add up to a cent more per line.
    slack = CENT * len(specs) if all(credited for _spec, credited in specs) else Decimal(0)
    if note.gross_total > left.gross + slack:
        raise Invalid(_("The credit note is larger than its invoice."), errors={"lines": [
            _("The credit note (%(amount)s) is larger than what remains creditable on invoice %(number)s "
              "(%(left)s).", amount=format_currency(note.gross_total, note.currency), number=invoice.number,
              left=format_currency(left.gross, invoice.currency))]})
    db.session.add(note)
    db.session.flush()
    audit.record("credit_note.created", note, actor_id, invoice=invoice.number, gross_total=note.gross_total)
    audit.record("invoice.credited", invoice, actor_id, credit_note_id=note.id, gross_total=note.gross_total)
    return note


def _credit_lines(invoice: Invoice, requested: list[Mapping[str, Any]], left: Creditable,
                  errors: dict[str, list[str]]) -> list[tuple[LineSpec, int | None]]:
    """The lines of a credit note, each with the invoice line it takes back (None for a free line)."""
    by_id = {line.id: line for line in invoice.lines}
    remaining = dict(left.quantities)
    specs: list[tuple[LineSpec, int | None]] = []
    for index, item in enumerate(requested):
        prefix = f"lines.{index}."
        if item.get("line_id") is None:
            try:
                specs.append((line_spec(item), None))
            except Invalid as refused:
                errors.update({prefix + name: messages for name, messages in refused.errors.items()})
            continue
        line = by_id.get(item["line_id"])
        if line is None:
            errors[prefix + "line_id"] = [_("Invoice %(number)s has no line %(line)s.", number=invoice.number,
                                            line=item["line_id"])]
            continue
        quantity = _quantity(item.get("quantity"), remaining[line.id], prefix, errors)
        if quantity is None:
            continue
        remaining[line.id] -= quantity
        specs.append((LineSpec(line.kind, line.description, quantity, line.unit, line.unit_price, line.vat_rate,
                               line.job_id), line.id))
    return specs


def _quantity(value: Any, remaining: Decimal, prefix: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        quantity = remaining
    else:
        try:
            quantity = parse_decimal(value)
        except ValueError:
            errors[prefix + "quantity"] = [_("Enter a number such as 2.5 or 2,5, without thousands separators.")]
            return None
    if remaining <= 0:
        errors[prefix + "quantity"] = [_("This line has been credited in full already.")]
    elif quantity <= 0:
        errors[prefix + "quantity"] = [_("Enter a quantity greater than 0.")]
    elif quantity > remaining:
        errors[prefix + "quantity"] = [_("At most %(quantity)s of this line can still be credited.",
                                         quantity=remaining.normalize())]
    else:
        return quantity
    return None


def approve_credit_note(note: CreditNote, actor_id: int | None) -> CreditNote:
    """Approve a draft credit note: the next gapless number of the credit note series, in this transaction."""
    if note.status != InvoiceStatus.DRAFT:
        raise Conflict(_("Credit note %(number)s is already approved.", number=note.number), code="already_approved")
    settings = company()
    issue_number(note, settings.credit_note_series, actor_id, settings)
    issuing.freeze_credit_note_files(note)
    audit.record("credit_note.approved", note, actor_id, number=note.number, invoice=note.invoice.number,
                 gross_total=note.gross_total)
    return note


def discard_credit_note(note: CreditNote, actor_id: int | None) -> None:
    """Delete a draft credit note (it frees what it would have credited); an approved one is refused (409)."""
    if note.status != InvoiceStatus.DRAFT:
        raise Conflict(_("Credit note %(number)s is approved and cannot be changed.", number=note.number),
                       code="credit_note_not_draft")
    audit.record("credit_note.discarded", note, actor_id, invoice=note.invoice.number, gross_total=note.gross_total)
    db.session.delete(note)  # its lines go with it
    db.session.flush()


def get_credit_note(credit_note_id: int) -> CreditNote:
    """The credit note, or NotFound."""
    return get_or_not_found(CreditNote, credit_note_id, _l("Credit note %(id)s does not exist.", id=credit_note_id))


def credit_note_query(filters: Mapping[str, Any]) -> Select:
    """Credit notes, of one invoice if the filters say so, newest first (with their invoices at hand)."""
    statement = select(CreditNote).options(selectinload(CreditNote.invoice))
    if filters.get("invoice_id"):
        statement = statement.where(CreditNote.invoice_id == filters["invoice_id"])
    return statement.order_by(CreditNote.created_at.desc(), CreditNote.id.desc())


def credit_note_pdf(note: CreditNote) -> bytes:
    """The credit note PDF: as frozen at approval, or rendered afresh while it is a draft."""
    if note.pdf_key:
        return storage().read(note.pdf_key)
    from dispatch.billing.pdf import render_credit_note_pdf

    return render_credit_note_pdf(note)


def credit_notes_of(invoice: Invoice) -> list[CreditNote]:
    """The credit notes of an invoice, oldest first."""
    return list(db.session.scalars(select(CreditNote).where(CreditNote.invoice_id == invoice.id)
                                   .order_by(CreditNote.created_at, CreditNote.id)))
