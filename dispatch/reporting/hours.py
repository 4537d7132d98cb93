"""Hours worked in a period per technician, job, customer or ticket: work and travel, billable and covered.

A time entry belongs to the period of the day it started (company time zone). Its time is

- billable when the job's coverage decision in force (the latest) charges for it: chargeable or
  partly covered, and the component it is billed under not covered (work is labour; travel goes
  with the call-out, as on the invoice, ``billing.drafts``);
- covered when that decision covers the component (or the job is covered as a whole);
- undecided otherwise: the job has no decision yet, or it awaits an agent's review.

So work + travel = billable + covered + undecided. One aggregate query per report: the sums are
computed by the database, grouped, and rounded to hours with two decimals only for display; totals
are sums of the unrounded seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, and_, case, func, not_, null, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from dispatch.auth.models import User
from dispatch.closure.models import CoverageDecision
from dispatch.customers.models import Customer, Site
from dispatch.desk.models import Ticket
from dispatch.enums import CoverageOutcome, TimeKind
from dispatch.extensions import db
from dispatch.field.models import TimeEntry
from dispatch.reporting.services import Period
from dispatch.scheduling.models import Job

GROUPS = {"technician": _l("Technician"), "job": _l("Job"), "customer": _l("Customer"), "ticket": _l("Ticket")}
MEASURES = ("work", "travel", "billable", "covered", "undecided", "total")
HUNDREDTH = Decimal("0.01")


class _Seconds(FunctionElement):
    """Seconds between two timestamps, in each database's own arithmetic."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


@compiles(_Seconds)
def _seconds_postgresql(element: _Seconds, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


@compiles(_Seconds, "sqlite")
def _seconds_sqlite(element: _Seconds, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)})) * 86400.0)"


def hours(seconds: int) -> Decimal:
    """Seconds as hours with two decimals."""
    return (Decimal(seconds) / 3600).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass
class HoursRow:
    """One group's time, in whole seconds."""

    key: int
    label: str
    detail: str | None
    seconds: dict[str, int] = field(default_factory=dict)

    def hours(self, measure: str) -> Decimal:
        """The measure (work, travel, billable, covered, undecided, total) in hours, two decimals."""
        return hours(self.seconds[measure])


@dataclass
class HoursReport:
    period: Period
    group_by: str
    rows: list[HoursRow]
    totals: HoursRow


def _group_columns(group_by: str) -> tuple[Any, Any, Any, list[tuple[Any, Any]]]:
    """(key, label, detail, joins) of a grouping."""
    job = (Job, Job.id == TimeEntry.job_id)
    if group_by == "technician":
        return TimeEntry.technician_id, User.name, None, [(User, User.id == TimeEntry.technician_id)]
    if group_by == "ticket":
        return Ticket.id, Ticket.reference, Ticket.subject, [job, (Ticket, Ticket.id == Job.ticket_id)]
    customer_joins = [job, (Site, Site.id == Job.site_id), (Customer, Customer.id == Site.customer_id)]
    if group_by == "customer":
        return Customer.id, Customer.name, None, customer_joins
    return Job.id, Job.number, Customer.name, customer_joins


def hours_report(period: Period, group_by: str) -> HoursReport:
    """Time of the period's entries grouped by ``group_by`` (one of ``GROUPS``), ordered by name."""
    key, label, detail, joins = _group_columns(group_by)
    first, after = period.utc_bounds()
    seconds = _Seconds(TimeEntry.started_at, TimeEntry.ended_at)
    latest_decision = (select(CoverageDecision.id).where(CoverageDecision.job_id == TimeEntry.job_id)
                       .order_by(CoverageDecision.decided_at.desc(), CoverageDecision.id.desc()).limit(1)
                       .correlate(TimeEntry).scalar_subquery())
    work = TimeEntry.kind == TimeKind.WORK
    covered = or_(CoverageDecision.outcome == CoverageOutcome.COVERED,
                  and_(CoverageDecision.outcome.in_([CoverageOutcome.PARTLY_COVERED, CoverageOutcome.CHARGEABLE]),
                       or_(and_(work, CoverageDecision.covers_labour),
                           and_(not_(work), CoverageDecision.covers_callout))))
    billable = and_(CoverageDecision.outcome.in_([CoverageOutcome.PARTLY_COVERED, CoverageOutcome.CHARGEABLE]),
                    not_(covered))
    sums = [func.sum(case((condition, seconds), else_=0)).label(name)
            for name, condition in (("work", work), ("travel", not_(work)), ("billable", billable),
                                    ("covered", covered))]
    statement = select(key.label("key"), label.label("label"),
                       (detail if detail is not None else null()).label("detail"), *sums).select_from(TimeEntry)
    for target, condition in joins:
        statement = statement.join(target, condition)
    statement = (statement.outerjoin(CoverageDecision, CoverageDecision.id == latest_decision)
                 .where(TimeEntry.started_at >= first, TimeEntry.started_at < after)
                 .group_by(key, label, *([detail] if detail is not None else []))
                 .order_by(label, key))
    rows = [_row(result.key, result.label, result.detail, result) for result in db.session.execute(statement)]
    totals = HoursRow(0, "", None, {measure: sum(row.seconds[measure] for row in rows) for measure in MEASURES})
    return HoursReport(period, group_by, rows, totals)


def _row(key: int, label: str, detail: str | None, sums: Any) -> HoursRow:
    values = {name: round(float(getattr(sums, name) or 0)) for name in ("work", "travel", "billable", "covered")}
    values["total"] = values["work"] + values["travel"]
    values["undecided"] = values["total"] - values["billable"] - values["covered"]
    return HoursRow(key, label, detail, values)


def csv_header(group_by: str) -> list[str]:
    """Columns of the hours CSV."""
    return [str(GROUPS[group_by]), _("Details"), _("Work (h)"), _("Travel (h)"), _("Billable (h)"),
            _("Covered (h)"), _("Undecided (h)"), _("Total (h)")]


def csv_rows(report: HoursReport) -> list[list[Any]]:
    """The report's rows and its total row, hours with two decimals."""
    rows = [[row.label, row.detail, *(row.hours(m) for m in MEASURES)] for row in report.rows]
    return [*rows, [_("Total"), None, *(report.totals.hours(m) for m in MEASURES)]]
