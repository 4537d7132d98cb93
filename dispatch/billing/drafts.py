"""Draft invoices from finished jobs, following the invoicing rules an admin sets (``Company``).

One job, one draft, however many visits it took: every time entry and part of the job is on it.

Labour, one line per technician:

- a *visit* is one technician's work on the job on one calendar day in the company's time zone (a
  job postponed after a first visit and finished on a later day has two visits);
- each visit's work counts for at least ``minimum_billed_minutes`` (0: no minimum). The minimum is
  per visit and per technician, not per job: a second trip costs the customer a second minimum;
- the technician's total over all visits is then rounded up to the next ``billing_step_minutes``
  (default 15: 61 minutes are 1.25 hours). Rounding the total, not each entry or visit, keeps a
  technician who logs several short entries from costing the customer more;
- the hourly rate is the job kind's rate when the admin set one (it prices the kind of work sold),
  else the technician's rate group, else the company's default rate.

Travel (``travel_billing``): ``time`` bills each technician's travel time, rounded like labour (no
minimum) at the same rate; ``callout`` bills the call-out fee once per visit day (days on which
anyone recorded time on the job, at least one) and not the travel time; ``both`` bills both.

Parts at their catalogue price and VAT rate. Whatever the coverage decision covers is priced at zero
with a note, or left out when ``omit_covered_lines`` is set.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from stdnum import iso11649
from stdnum.be import ogm_vcs
from stdnum.iso7064 import mod_97_10

from dispatch import audit
from dispatch.admin.models import Company, JobKindRate
from dispatch.admin.services import company
from dispatch.auth.models import User
from dispatch.billing.amounts import CENT, HOUR_UNIT, PIECE_UNIT, LineSpec, append_line, recalculate
from dispatch.billing.models import Invoice, RateGroup
from dispatch.catalogue.models import Product
from dispatch.closure.models import CoverageDecision
from dispatch.enums import InvoiceStatus, LineKind, TimeKind, TravelBilling
from dispatch.extensions import db
from dispatch.field.models import PartUsage, TimeEntry
from dispatch.scheduling.models import Job, TechnicianProfile

DEFAULT_STEP_MINUTES = 15


@dataclass
class TechnicianTime:
    """One technician's time on a job: seconds per visit day, work and travel."""

    work_by_day: dict[date, float] = field(default_factory=lambda: defaultdict(float))
    travel: float = 0.0

    def billed_work_seconds(self, minimum_minutes: int) -> float:
        """Work seconds after the per-visit minimum (visits with work only)."""
        return sum(max(seconds, minimum_minutes * 60) for seconds in self.work_by_day.values() if seconds > 0)


def billable_hours(seconds: float, step_minutes: int = DEFAULT_STEP_MINUTES) -> Decimal:
    """Hours to bill for ``seconds`` of time: per started step (whole seconds), two decimals."""
    step = step_minutes * 60
    steps = -(-max(int(seconds), 0) // step)
    return (Decimal(steps * step_minutes) / 60).quantize(CENT)


def payment_reference(invoice_id: int, country: str) -> str:
    """A structured payment reference: Belgian OGM/VCS for Belgian buyers, else an RF creditor reference."""
    if country.upper() == "BE":
        base = f"{invoice_id % 10**10:010d}"
        return f"+++{ogm_vcs.format(base + ogm_vcs.calc_check_digits(base))}+++"
    body = f"{invoice_id:08d}"
    return iso11649.format(f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}")


def create_draft_for_job(job: Job, decision: CoverageDecision) -> Invoice:
    """The job's draft invoice, made once, with all its visits: labour, travel, call-out and parts."""
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
    """The lines a job is billed with; what the decision covers is at zero (or left out, per setting)."""
    suffix = " " + _("(covered by warranty/contract)")
    times, visit_days = _times(job, ZoneInfo(settings.timezone))
    specs = _time_lines(job, decision, settings, times, suffix)
    travel = TravelBilling(settings.travel_billing)
    if travel != TravelBilling.TIME and settings.callout_fee > 0:
        visits = max(len(visit_days), 1)
        text = _("Call-out fee") if visits == 1 else _("Call-out fee (%(count)s visits)", count=visits)
        specs.append(_priced(LineSpec(LineKind.CALLOUT, text, Decimal(visits), PIECE_UNIT, settings.callout_fee,
                                      settings.default_vat_rate, job.id), decision.covers_callout, suffix))
    specs += [_priced(spec, decision.covers_parts, suffix) for spec in _part_lines(job)]
    if settings.omit_covered_lines:
        return [spec for spec in specs if not _covered(spec, decision)]
    return specs


def _covered(spec: LineSpec, decision: CoverageDecision) -> bool:
    """Whether the decision covers the line's component (travel goes with the call-out)."""
    covered = {LineKind.LABOUR: decision.covers_labour, LineKind.TRAVEL: decision.covers_callout,
               LineKind.CALLOUT: decision.covers_callout, LineKind.PART: decision.covers_parts}
    return covered.get(spec.kind, False)


def _priced(spec: LineSpec, covered: bool, suffix: str) -> LineSpec:
    """``spec`` as billed: at zero with a note when covered."""
    if not covered:
        return spec
    return LineSpec(spec.kind, spec.description + suffix, spec.quantity, spec.unit, Decimal(0), spec.vat_rate,
                    spec.job_id)


def _times(job: Job, zone: ZoneInfo) -> tuple[dict[int, TechnicianTime], set[date]]:
    """Each technician's time on the job, by visit day, and the days anyone recorded time on it."""
    entries = db.session.scalars(
        select(TimeEntry).where(TimeEntry.job_id == job.id).order_by(TimeEntry.started_at, TimeEntry.id)
    ).all()
    times: dict[int, TechnicianTime] = defaultdict(TechnicianTime)
    days: set[date] = set()
    for entry in entries:
        seconds = (entry.ended_at - entry.started_at).total_seconds()
        day = entry.started_at.astimezone(zone).date()
        days.add(day)
        if entry.kind == TimeKind.WORK:
            times[entry.technician_id].work_by_day[day] += seconds
        else:
            times[entry.technician_id].travel += seconds
    return times, days


def _time_lines(job: Job, decision: CoverageDecision, settings: Company, times: dict[int, TechnicianTime],
                suffix: str) -> list[LineSpec]:
    """One labour line per technician, then (when travel is billed as time) one travel line each."""
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(list(times)))).all())
    rates = hourly_rates(job, list(times), settings)
    step, minimum = settings.billing_step_minutes, settings.minimum_billed_minutes
    specs: list[LineSpec] = []
    for technician_id, spent in times.items():
        worked = sum(spent.work_by_day.values())
        hours = billable_hours(spent.billed_work_seconds(minimum), step)
        if not hours:
            continue
        values = {"name": names.get(technician_id, "?"), "worked": _clock(worked), "step": step,
                  "visits": len([s for s in spent.work_by_day.values() if s > 0]), "minimum": minimum}
        if minimum:
            text = _("Labour by %(name)s (%(worked)s h worked on %(visits)s visit(s), at least %(minimum)s "
                     "minutes per visit, billed per started %(step)s minutes)", **values)
        else:
            text = _("Labour by %(name)s (%(worked)s h worked, billed per started %(step)s minutes)", **values)
        specs.append(_priced(LineSpec(LineKind.LABOUR, text, hours, HOUR_UNIT, rates[technician_id],
                                      settings.default_vat_rate, job.id), decision.covers_labour, suffix))
    if TravelBilling(settings.travel_billing) == TravelBilling.CALLOUT:
        return specs  # travel is paid by the call-out fee
    for technician_id, spent in times.items():
        hours = billable_hours(spent.travel, step)
        if not hours:
            continue
        text = _("Travel by %(name)s (%(worked)s h, billed per started %(step)s minutes)",
                 name=names.get(technician_id, "?"), worked=_clock(spent.travel), step=step)
        # Travel goes with the call-out: what covers the call-out covers the trip.
        specs.append(_priced(LineSpec(LineKind.TRAVEL, text, hours, HOUR_UNIT, rates[technician_id],
                                      settings.default_vat_rate, job.id), decision.covers_callout, suffix))
    return specs


def _clock(seconds: float) -> str:
    return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}"


def _part_lines(job: Job) -> list[LineSpec]:
    """One line per product used, at its catalogue price and VAT rate."""
    usages = db.session.scalars(
        select(PartUsage).where(PartUsage.job_id == job.id).options(selectinload(PartUsage.product))
        .order_by(PartUsage.created_at, PartUsage.id)
    ).all()
    quantities: dict[int, Decimal] = defaultdict(Decimal)
    products: dict[int, Product] = {}
    for usage in usages:
        quantities[usage.product_id] += usage.quantity
        products[usage.product_id] = usage.product
    return [LineSpec(LineKind.PART, f"{products[pid].name} ({products[pid].sku})", quantity, products[pid].unit,
                     products[pid].unit_price, products[pid].vat_rate, job.id)
            for pid, quantity in quantities.items()]


def hourly_rates(job: Job, technician_ids: list[int], settings: Company) -> dict[int, Decimal]:
    """The hourly rate per technician on ``job``: the job kind's rate, else the rate group's, else the default."""
    kind_rate = db.session.scalar(select(JobKindRate.hourly_rate).where(JobKindRate.kind == job.kind))
    if kind_rate is not None:
        return {technician_id: kind_rate for technician_id in technician_ids}
    groups = dict(db.session.execute(
        select(TechnicianProfile.user_id, RateGroup.hourly_rate)
        .join(RateGroup, RateGroup.id == TechnicianProfile.rate_group_id)
        .where(TechnicianProfile.user_id.in_(technician_ids))).all())
    return {technician_id: groups.get(technician_id, settings.default_hourly_rate) for technician_id in technician_ids}
