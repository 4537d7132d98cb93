"""Draft invoices from finished jobs: labour, travel, call-out and parts, covered items at zero."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from stdnum import iso11649
from stdnum.be import ogm_vcs
from stdnum.iso7064 import mod_97_10

from dispatch import audit
from dispatch.admin.models import Company
from dispatch.admin.services import company
from dispatch.auth.models import User
from dispatch.billing.amounts import CENT, HOUR_UNIT, PIECE_UNIT, LineSpec, append_line, recalculate
from dispatch.billing.models import Invoice, RateGroup
from dispatch.catalogue.models import Product
from dispatch.closure.models import CoverageDecision
from dispatch.enums import InvoiceStatus, LineKind, TimeKind
from dispatch.extensions import db
from dispatch.field.models import PartUsage, TimeEntry
from dispatch.scheduling.models import Job, TechnicianProfile

# Time is billed per started quarter hour of each technician's total work (and, separately, travel)
# time on the job: 61 minutes of work is 1.25 hours. Rounding the total, not each entry, keeps
# a technician who logs in several short entries from costing the customer more.
BILLING_STEP_SECONDS = 15 * 60


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
        return db.session.get(Invoice, job.invoice_id)
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
        append_line(invoice, spec)
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
