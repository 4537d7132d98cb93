"""Desk figures of a period: ticket counts, response and resolution times, SLA compliance, escalation and
reopen rates, in total and by channel, category, queue and agent (the ticket's owner).

Which tickets count: those created in the period (in the company's zone) for counts and rates, those
resolved in the period for resolution times, and every ticket not in a closed status for "open now".
Merged tickets are left out: they are duplicates, their work is on the ticket they went into.
Times are business minutes (``dispatch.desk.sla.clock``: opening hours, holidays, company zone) from
creation to the first reply and to resolution; pauses are not taken off (their history is not kept).

Queries are constant whatever the data: counts come from one grouped aggregate over all four dimensions
at once (rolled up here), medians and 90th percentiles from one query per measure reading only the
period's timestamps, plus the names of queues and agents and the business calendar (eight in all).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, case, cast, extract, func, select

from dispatch.auth.models import User
from dispatch.desk.assignment.models import Queue
from dispatch.desk.figures.business import BusinessTimeline
from dispatch.desk.forms import CHANNEL_LABELS
from dispatch.desk.models import Ticket, TicketStatus
from dispatch.desk.sla.services import load_calendar
from dispatch.enums import StatusCategory
from dispatch.errors import Invalid
from dispatch.extensions import db
from dispatch.reporting.services import Period, company_today, period

DEFAULT_DAYS = 30
MAX_DAYS = 366  # every ticket of the period is read for the percentiles: a year at most
DIMENSIONS = {"channel": _l("Channel"), "category": _l("Category"), "queue": _l("Queue"), "agent": _l("Agent")}
HEADINGS = {"channel": _l("By channel"), "category": _l("By category"), "queue": _l("By queue"),
            "agent": _l("By agent")}
KEYS = (Ticket.channel, Ticket.category, Ticket.queue_id, Ticket.owner_id)  # in the order of DIMENSIONS
HUNDRED = Decimal(100)
UNIX_EPOCH_JULIAN_DAY = 2440587.5
SECONDS_PER_DAY = 86400.0


@dataclass
class Row:
    """The figures of one channel, category, queue or agent (or of all tickets)."""

    key: Any
    label: str = ""
    created: int = 0
    resolved: int = 0
    open_now: int = 0
    first_response_due: int = 0
    first_response_breached: int = 0
    resolution_due: int = 0
    resolution_breached: int = 0
    escalated: int = 0
    reopened: int = 0
    first_response_minutes: list[float] = field(default_factory=list)
    resolution_minutes: list[float] = field(default_factory=list)

    @property
    def first_response_compliance(self) -> Decimal | None:
        """Percent of tickets with a first-response target that met it."""
        return percent(self.first_response_due - self.first_response_breached, self.first_response_due)

    @property
    def resolution_compliance(self) -> Decimal | None:
        """Percent of tickets with a resolution target that have not missed it."""
        return percent(self.resolution_due - self.resolution_breached, self.resolution_due)

    @property
    def escalation_rate(self) -> Decimal | None:
        return percent(self.escalated, self.created)

    @property
    def reopen_rate(self) -> Decimal | None:
        return percent(self.reopened, self.created)

    def first_response_hours(self, fraction: float) -> Decimal | None:
        return hours(percentile(self.first_response_minutes, fraction))

    def resolution_hours(self, fraction: float) -> Decimal | None:
        return hours(percentile(self.resolution_minutes, fraction))


@dataclass
class Figures:
    period: Period
    total: Row
    by: dict[str, list[Row]]


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent with one decimal; None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percentile(values: list[float], fraction: float) -> float | None:
    """The ``fraction`` percentile, interpolated between the nearest values (PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)  # linear when already in order (desk_figures sorts its lists once)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def hours(minutes: float | None) -> Decimal | None:
    """Minutes as hours with two decimals."""
    if minutes is None:
        return None
    return (Decimal(str(minutes)) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def default_period() -> Period:
    """The last thirty days, today included."""
    today = company_today()
    return Period(today - timedelta(days=DEFAULT_DAYS - 1), today)


def figures_period(start: date | None, end: date | None) -> Period:
    """The period asked for, the last thirty days when neither day is given; at most a year."""
    if start is None and end is None:
        return default_period()
    chosen = period(start, end)
    if (chosen.end - chosen.start).days >= MAX_DAYS:
        raise Invalid(_("The period is not valid."),
                      errors={"to": [_("Choose a period of at most %(days)s days.", days=MAX_DAYS)]})
    return chosen


def desk_figures(chosen: Period) -> Figures:
    """The figures of ``chosen`` in total and by channel, category, queue and agent."""
    start, end = chosen.utc_bounds()
    live = Ticket.merged_into_id.is_(None)
    created = (Ticket.created_at >= start, Ticket.created_at < end, live)
    rows: dict[str, dict[Any, Row]] = {name: {} for name in DIMENSIONS}
    total = Row(None)

    def rows_of(keys: Iterable[Any]) -> list[Row]:
        return [total, *(rows[name].setdefault(key, Row(key)) for name, key in zip(DIMENSIONS, keys, strict=True))]

    def flag(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    counted = db.session.execute(
        select(*KEYS, func.count(), flag(Ticket.first_response_due_at.is_not(None)),
               flag(Ticket.first_response_breached_at.is_not(None)), flag(Ticket.due_at.is_not(None)),
               flag(Ticket.resolution_breached_at.is_not(None)), flag(Ticket.escalation_level > 0),
               flag(Ticket.reopened_count > 0))
        .where(*created).group_by(*KEYS))
    for *keys, count, fr_due, fr_breached, due, breached, escalated, reopened in counted:
        for row in rows_of(keys):
            row.created += count
            row.first_response_due += fr_due
            row.first_response_breached += fr_breached
            row.resolution_due += due
            row.resolution_breached += breached
            row.escalated += escalated
            row.reopened += reopened

    open_now = db.session.execute(
        select(*KEYS, func.count()).join(TicketStatus, TicketStatus.id == Ticket.status_id)
        .where(TicketStatus.category != StatusCategory.CLOSED, live).group_by(*KEYS))
    for *keys, count in open_now:
        for row in rows_of(keys):
            row.open_now += count

    # Core rows, not ORM results: these are the period's tickets, and the ORM's bookkeeping would double the time.
    connection = db.session.connection()
    responded = connection.execute(select(*KEYS, _epoch(Ticket.created_at), _epoch(Ticket.first_responded_at))
                                   .where(*created, Ticket.first_responded_at.is_not(None))).all()
    resolved = connection.execute(select(*KEYS, _epoch(Ticket.created_at), _epoch(Ticket.resolved_at))
                                  .where(Ticket.resolved_at >= start, Ticket.resolved_at < end, live)).all()
    if responded or resolved:
        timeline = BusinessTimeline(load_calendar(), min(row[-2] for row in (*responded, *resolved)),
                                    max(row[-1] for row in (*responded, *resolved)))
        for keys, minutes in _durations(responded, timeline).items():
            for row in rows_of(keys):
                row.first_response_minutes.extend(minutes)
        for keys, minutes in _durations(resolved, timeline).items():
            for row in rows_of(keys):
                row.resolved += len(minutes)
                row.resolution_minutes.extend(minutes)

    for row in [total, *(row for group in rows.values() for row in group.values())]:
        row.first_response_minutes.sort()  # once here: the percentiles then read them in order
        row.resolution_minutes.sort()
    _label(rows)
    ordered = {name: sorted(group.values(), key=lambda row: (-row.created, -row.open_now, row.label))
               for name, group in rows.items()}
    return Figures(chosen, total, ordered)


def _epoch(column: Any) -> Any:
    """A timestamp column as POSIX seconds (a float): tens of thousands of them are read, and parsing them
    as datetimes would cost more than everything else."""
    if db.engine.dialect.name == "postgresql":
        return cast(extract("epoch", column), Float)
    return (func.julianday(column) - UNIX_EPOCH_JULIAN_DAY) * SECONDS_PER_DAY


def _durations(rows: list[Any], timeline: BusinessTimeline) -> dict[tuple, list[float]]:
    """Business minutes of each (keys..., from, to) row, per combination of keys (one append a row)."""
    found: dict[tuple, list[float]] = {}
    for channel, category, queue_id, owner_id, begin, finish in rows:
        found.setdefault((channel, category, queue_id, owner_id), []).append(timeline.minutes(begin, finish))
    return found


def _label(rows: dict[str, dict[Any, Row]]) -> None:
    """Name every row: channels and categories by themselves, queues and agents from two queries."""
    queue_ids = [key for key in rows["queue"] if key is not None]
    agent_ids = [key for key in rows["agent"] if key is not None]
    queues = {key: name for key, name in db.session.execute(select(Queue.id, Queue.name)
                                                             .where(Queue.id.in_(queue_ids)))} if queue_ids else {}
    agents = {key: name for key, name in db.session.execute(select(User.id, User.name)
                                                             .where(User.id.in_(agent_ids)))} if agent_ids else {}
    for key, row in rows["channel"].items():
        row.label = str(CHANNEL_LABELS.get(key, key))
    for key, row in rows["category"].items():
        row.label = key or _("No category")
    for key, row in rows["queue"].items():
        row.label = queues.get(key, _("No queue")) if key is not None else _("No queue")
    for key, row in rows["agent"].items():
        row.label = agents.get(key, _("Unknown")) if key is not None else _("Unassigned")


def csv_header(dimension: str) -> list[str]:
    """Columns of one dimension's CSV file."""
    unit = _("business hours")
    return [str(DIMENSIONS[dimension]), _("Created"), _("Resolved"), _("Open now"),
            _("First response median (%(unit)s)", unit=unit), _("First response 90th percentile (%(unit)s)", unit=unit),
            _("Resolution median (%(unit)s)", unit=unit), _("Resolution 90th percentile (%(unit)s)", unit=unit),
            _("First response SLA met (%)"), _("Resolution SLA met (%)"), _("Escalated (%)"), _("Reopened (%)")]


def csv_rows(figures: Figures, dimension: str) -> Iterable[list[Any]]:
    """One row per channel, category, queue or agent, then the total."""
    for row in [*figures.by[dimension], figures.total]:
        label = row.label if row is not figures.total else _("Total")
        yield [label, row.created, row.resolved, row.open_now, row.first_response_hours(0.5),
               row.first_response_hours(0.9), row.resolution_hours(0.5), row.resolution_hours(0.9),
               row.first_response_compliance, row.resolution_compliance, row.escalation_rate, row.reopen_rate]
