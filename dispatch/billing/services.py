"""Invoices: drafts from finished jobs, approval with a gapless number, and the rules that keep an
approved invoice unchanged (a credit note corrects it instead).

Amounts are ``Decimal`` throughout. A line's net amount is quantity x unit price rounded half up to
cents; VAT is computed per rate over the sum of the line nets of that rate and rounded once per rate
(EN 16931, BR-CO-17), so the totals on the invoice add up exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, func, select, update
from stdnum import iban, iso11649
from stdnum.be import ogm_vcs
from stdnum.eu import vat
from stdnum.iso7064 import mod_97_10

from dispatch import audit, numbering
from dispatch.admin.models import Company
from dispatch.admin.services import company
from dispatch.auth.models import User
from dispatch.billing.models import Invoice, InvoiceLine, RateGroup
from dispatch.catalogue.models import Product
from dispatch.closure.models import CoverageDecision
from dispatch.dbtypes import utcnow
from dispatch.enums import InvoiceStatus, LineKind, TimeKind
from dispatch.errors import Conflict, Invalid, NotFound
from dispatch.extensions import db
from dispatch.field.models import PartUsage, TimeEntry
from dispatch.scheduling.models import Job, TechnicianProfile
from dispatch.storage import storage

CENT = Decimal("0.01")
HOUR_UNIT = "HUR"  # UN/ECE recommendation 20 unit codes, as EN 16931 wants them
PIECE_UNIT = "C62"
# Time is billed per started quarter hour of each technician's total work (and, separately, travel)
# time on the job: 61 minutes of work is 1.25 hours. Rounding the total, not each entry, keeps
# a technician who logs in several short entries from costing the customer more.
BILLING_STEP_SECONDS = 15 * 60


@dataclass(frozen=True)
class LineSpec:
    """A line to put on a draft."""

    kind: LineKind
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: Decimal
    job_id: int | None = None


@dataclass(frozen=True)
class VatGroup:
    """The VAT of one rate: the taxable base (sum of its line nets) and the VAT on it."""

    rate: Decimal
    base: Decimal
    amount: Decimal


def line_net(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """A line's net amount: quantity x unit price, rounded half up to cents."""
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_breakdown(lines: Iterable[InvoiceLine]) -> list[VatGroup]:
    """VAT per rate, rounded once per rate, lowest rate first."""
    bases: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in lines:
        bases[Decimal(line.vat_rate)] += line.net_amount
    return [VatGroup(rate, base.quantize(CENT), (base * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP))
            for rate, base in sorted(bases.items())]


def billable_hours(seconds: float) -> Decimal:
    """Hours to bill for ``seconds`` of time: per started quarter hour (whole seconds), two decimals."""
    quarters = -(-max(int(seconds), 0) // BILLING_STEP_SECONDS)
    return (Decimal(quarters) / 4).quantize(CENT)


def payment_reference(invoice_id: int, country: str) -> str:
    """A structured payment reference: Belgian OGM/VCS for Belgian buyers, else an RF creditor reference."""
    if country.upper() == "BE":
        base = f"{invoice_id % 10**10:010d}"
        return f"+++{ogm_vcs.format(base + ogm_vcs.calc_check_digits(base))}+++"
    body = f"{invoice_id:08d}"
    return iso11649.format(f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}")


def create_draft_for_job(job: Job, decision: CoverageDecision) -> Invoice:
    """The job's draft invoice, made once: labour, travel, call-out and parts, covered items at zero."""
    if job.invoice_id is not None:
        return get_invoice(job.invoice_id)
    settings = company()
    customer = job.site.customer
    invoice = Invoice(
        series=settings.invoice_series, status=InvoiceStatus.DRAFT, customer_id=customer.id,
        currency=settings.currency, buyer_name=customer.name,
        buyer_address=f"{customer.street}\n{customer.postal_code} {customer.city}",
        buyer_country=customer.country.upper(), buyer_vat_number=customer.vat_number or None,
    )
    with force_locale(customer.language or "en"):  # lines are read by the customer
        specs = job_lines(job, decision, settings)
    for spec in specs:
        _append(invoice, spec)
    recalculate(invoice)
    db.session.add(invoice)
    db.session.flush()
    invoice.payment_reference = payment_reference(invoice.id, invoice.buyer_country)
    job.invoice_id = invoice.id
    audit.record("invoice.drafted", invoice, None, job_id=job.id, outcome=decision.outcome.value,
                 gross_total=invoice.gross_total)
    return invoice


def job_lines(job: Job, decision: CoverageDecision, settings: Company) -> list[LineSpec]:
    """The lines a job is billed with; components the decision covers are priced at zero."""
    suffix = " " + _("(covered by warranty/contract)")
    specs = _time_lines(job, decision, settings, suffix)
    if settings.callout_fee > 0:
        covered = decision.covers_callout
        specs.append(LineSpec(
            LineKind.CALLOUT, _("Call-out fee") + (suffix if covered else ""), Decimal(1), PIECE_UNIT,
            Decimal(0) if covered else settings.callout_fee, settings.default_vat_rate, job.id))
    return specs + _part_lines(job, decision, suffix)


def _time_lines(job: Job, decision: CoverageDecision, settings: Company, suffix: str) -> list[LineSpec]:
    """One labour line per technician, then one travel line per technician (travel goes with call-out)."""
    entries = db.session.scalars(
        select(TimeEntry).where(TimeEntry.job_id == job.id).order_by(TimeEntry.started_at, TimeEntry.id)
    ).all()
    seconds: dict[tuple[TimeKind, int], float] = defaultdict(float)
    for entry in entries:
        seconds[(entry.kind, entry.technician_id)] += (entry.ended_at - entry.started_at).total_seconds()
    specs: list[LineSpec] = []
    covers = {TimeKind.WORK: decision.covers_labour, TimeKind.TRAVEL: decision.covers_callout}
    for kind, covered in covers.items():
        for (entry_kind, technician_id), total in seconds.items():
            hours = billable_hours(total)
            if entry_kind != kind or not hours:
                continue
            technician = db.session.get(User, technician_id)
            values = {"name": technician.name if technician else "?",
                      "worked": f"{int(total // 3600)}:{int(total % 3600 // 60):02d}"}
            if kind == TimeKind.WORK:
                text = _("Labour by %(name)s (%(worked)s h worked, billed per started quarter hour)",
                         **values)
            else:
                text = _("Travel by %(name)s (%(worked)s h, billed per started quarter hour)", **values)
            price = Decimal(0) if covered else hourly_rate(technician_id, settings)
            specs.append(LineSpec(LineKind.LABOUR if kind == TimeKind.WORK else LineKind.TRAVEL,
                                  text + (suffix if covered else ""), hours, HOUR_UNIT, price,
                                  settings.default_vat_rate, job.id))
    return specs


def _part_lines(job: Job, decision: CoverageDecision, suffix: str) -> list[LineSpec]:
    """One line per product used, at its catalogue price and VAT rate."""
    usages = db.session.scalars(
        select(PartUsage).where(PartUsage.job_id == job.id).order_by(PartUsage.created_at, PartUsage.id)
    ).all()
    quantities: dict[int, Decimal] = defaultdict(Decimal)
    products: dict[int, Product] = {}
    for usage in usages:
        quantities[usage.product_id] += usage.quantity
        products[usage.product_id] = usage.product
    covered = decision.covers_parts
    specs = []
    for product_id, quantity in quantities.items():
        product = products[product_id]
        specs.append(LineSpec(
            LineKind.PART, f"{product.name} ({product.sku})" + (suffix if covered else ""), quantity,
            product.unit, Decimal(0) if covered else product.unit_price, product.vat_rate, job.id))
    return specs


def hourly_rate(technician_id: int, settings: Company) -> Decimal:
    """The technician's rate group's hourly rate, else the company's default rate."""
    profile = db.session.get(TechnicianProfile, technician_id)
    if profile is not None and profile.rate_group_id is not None:
        group = db.session.get(RateGroup, profile.rate_group_id)
        if group is not None:
            return group.hourly_rate
    return settings.default_hourly_rate


def recalculate(invoice: Invoice) -> None:
    """Store the invoice's totals from its lines."""
    groups = vat_breakdown(invoice.lines)
    invoice.net_total = sum((line.net_amount for line in invoice.lines), Decimal(0)).quantize(CENT)
    invoice.vat_total = sum((group.amount for group in groups), Decimal(0)).quantize(CENT)
    invoice.gross_total = invoice.net_total + invoice.vat_total


def add_line(invoice: Invoice, spec: LineSpec) -> InvoiceLine:
    """Add a line to a draft and update its totals; an approved invoice is refused (409)."""
    require_draft(invoice)
    line = _append(invoice, spec)
    recalculate(invoice)
    return line


def remove_line(invoice: Invoice, line_id: int) -> None:
    """Remove a line from a draft and update its totals; an approved invoice is refused (409)."""
    require_draft(invoice)
    line = next((line for line in invoice.lines if line.id == line_id), None)
    if line is None:
        raise NotFound(_("Invoice %(id)s has no line %(line)s.", id=invoice.id, line=line_id))
    invoice.lines.remove(line)
    recalculate(invoice)


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
    now = utcnow()
    # Claim the draft first: a concurrent approval of the same invoice waits on this row and then
    # finds it approved, so it never takes a number that would be lost.
    claimed = db.session.execute(
        update(Invoice).where(Invoice.id == invoice.id, Invoice.status == InvoiceStatus.DRAFT)
        .values(status=InvoiceStatus.APPROVED, approved_by_id=actor_id, approved_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict(_("The invoice was approved meanwhile."), code="already_approved")
    issued_on = company_today(settings)
    sequence = numbering.next_number(settings.invoice_series, issued_on.year)
    invoice.status, invoice.approved_by_id, invoice.approved_at = InvoiceStatus.APPROVED, actor_id, now
    invoice.series, invoice.year, invoice.sequence = settings.invoice_series, issued_on.year, sequence
    invoice.number = numbering.formatted(settings.invoice_series, issued_on.year, sequence)
    invoice.issued_on = issued_on
    invoice.due_on = issued_on + timedelta(days=settings.payment_terms_days)
    db.session.flush()
    invoice.pdf_key = _freeze_pdf(invoice)
    audit.record("invoice.approved", invoice, actor_id, number=invoice.number,
                 gross_total=invoice.gross_total)
    return invoice


def _freeze_pdf(invoice: Invoice) -> str:
    """Store the PDF as approved; later changes of company details must never alter an issued invoice."""
    from dispatch.billing.documents import render_invoice_pdf  # documents read this module's figures

    return storage().put(render_invoice_pdf(invoice), prefix="invoices", suffix=".pdf")


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice PDF: as frozen at approval, or rendered afresh while it is a draft."""
    if invoice.pdf_key:
        return storage().read(invoice.pdf_key)
    from dispatch.billing.documents import render_invoice_pdf

    return render_invoice_pdf(invoice)


def recent_invoices_for_customer(customer_id: int, limit: int = 20) -> list[Invoice]:
    """A customer's most recent invoices, newest first."""
    return list(db.session.scalars(
        select(Invoice).where(Invoice.customer_id == customer_id)
        .order_by(Invoice.created_at.desc(), Invoice.id.desc()).limit(limit)
    ))


def get_invoice(invoice_id: int) -> Invoice:
    """The invoice, or NotFound."""
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(_("Invoice %(id)s does not exist.", id=invoice_id))
    return invoice


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
    linked = set(db.session.scalars(select(Job.id).where(Job.invoice_id == invoice.id)))
    return sorted(linked | {line.job_id for line in invoice.lines if line.job_id is not None})


def _append(invoice: Invoice, spec: LineSpec) -> InvoiceLine:
    line = InvoiceLine(
        position=len(invoice.lines) + 1, kind=spec.kind, job_id=spec.job_id,
        description=spec.description[:300],
        quantity=spec.quantity, unit=spec.unit, unit_price=spec.unit_price, vat_rate=spec.vat_rate,
        net_amount=line_net(spec.quantity, spec.unit_price),
    )
    invoice.lines.append(line)
    return line


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
