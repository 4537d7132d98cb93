"""What the dispatch board shows: a lane per active technician with the jobs booked in a span, each with its
conflicts, and the queue of jobs still to plan, most urgent first.

Whatever the number of technicians and jobs, the board costs the same queries: the calendars (three, from
``load_calendars``), the zone, the lanes' jobs, the queue and its count. Conflicts are computed on the loaded
calendars, never with a query per job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, case, func, nulls_last, select, type_coerce
from sqlalchemy.types import NullType

from dispatch.admin.services import company_zone
from dispatch.customers.models import Customer, Site
from dispatch.dbtypes import utcnow
from dispatch.desk.models import Ticket
from dispatch.enums import GeocodeStatus, JobKind, JobStatus, Priority
from dispatch.extensions import db
from dispatch.scheduling.availability import (
    BOOKED,
    WAITING,
    Away,
    RememberingEstimator,
    ScheduleConflict,
    Span,
    TechnicianCalendar,
    load_calendars,
    local_days,
    utc_from_driver,
)
from dispatch.scheduling.geo import travel
from dispatch.scheduling.geo.travel import LatLon
from dispatch.scheduling.models import Job

# Jobs waiting to be planned: new ones and those sent back with a reason.
PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 3, Priority.NONE: 4}
QUEUE_LIMIT = 50

# Times raw and the skills as text: each distinct value is converted once per board (visits start on a few
# quarter hours and share a few skill sets), not once per row by the column types.
_COLUMNS = (
    Job.id, Job.number, Job.kind, Job.status, Job.technician_id,
    type_coerce(Job.scheduled_start, NullType()).label("scheduled_start"),
    type_coerce(Job.scheduled_end, NullType()).label("scheduled_end"),
    Job.duration_minutes, type_coerce(Job.required_skills, Text).label("required_skills"),
    type_coerce(Job.window_start, NullType()).label("window_start"),
    type_coerce(Job.window_end, NullType()).label("window_end"),
    type_coerce(Job.created_at, NullType()).label("created_at"),
    Customer.name.label("customer_name"), Site.street, Site.postal_code, Site.city, Site.latitude,
    Site.longitude, Site.geocode_status, Ticket.id.label("ticket_id"), Ticket.reference, Ticket.priority,
    type_coerce(Ticket.due_at, NullType()).label("due_at"),
)


@dataclass
class BoardJob:
    """A job as the board shows it: what, where, for which ticket, when, and what stands against it."""

    id: int
    number: str
    kind: JobKind
    status: JobStatus
    technician_id: int | None
    start: datetime | None
    end: datetime | None
    duration_minutes: int
    required_skills: list[str]
    window_start: datetime | None
    window_end: datetime | None
    waiting_since: datetime
    customer_name: str
    address: str
    location: LatLon | None
    geocode_status: GeocodeStatus
    ticket_id: int
    ticket_reference: str
    priority: Priority
    due_at: datetime | None
    sla: str | None = None  # overdue, due_today, later; None without an SLA
    conflicts: list[ScheduleConflict] = field(default_factory=list)


@dataclass
class Lane:
    """One technician's row: who, what they can do, when they work or are away, and their jobs."""

    technician_id: int
    name: str
    skills: list[str]
    home: LatLon | None
    working: list[Span]
    absences: list[Away]
    jobs: list[BoardJob]


@dataclass
class Board:
    day: date
    days: int
    start: datetime
    end: datetime
    zone: Any
    lanes: list[Lane]
    queue: list[BoardJob]
    queue_total: int


def board(day: date | None = None, days: int = 1, queue_limit: int = QUEUE_LIMIT) -> Board:
    """The board of ``days`` local days from ``day`` (default today): lanes with conflicts, the queue by urgency."""
    zone = company_zone()
    now = utcnow()
    today = now.astimezone(zone).date()
    day = day or today
    start, end = local_days(day, days, zone)
    calendars = load_calendars(start, end)
    estimator = RememberingEstimator(travel.estimator())
    lanes = {technician_id: _lane(calendar, start, end) for technician_id, calendar in calendars.items()}
    reader = _RowReader(now, today, zone)
    if lanes:
        for row in db.session.execute(
                _job_query().where(Job.technician_id.in_(list(lanes)), Job.status.in_(BOOKED),
                                   Job.scheduled_start < end, Job.scheduled_end > start)
                .order_by(Job.scheduled_start, Job.id)):
            job = reader.job(row)
            job.conflicts = _conflicts(calendars[job.technician_id], job, estimator)
            lanes[job.technician_id].jobs.append(job)
    queue = [reader.job(row) for row in db.session.execute(
        _job_query().where(Job.status.in_(WAITING)).order_by(*urgency()).limit(queue_limit))]
    total = db.session.scalar(select(func.count()).select_from(Job).where(Job.status.in_(WAITING)))
    return Board(day=day, days=days, start=start, end=end, zone=zone, lanes=list(lanes.values()), queue=queue,
                 queue_total=total or 0)


def urgency() -> tuple:
    """The queue's order: SLA due time (earliest first, overdue on top, none last), priority, waiting time."""
    priority = case({value: rank for value, rank in PRIORITY_RANK.items()}, value=Ticket.priority, else_=9)
    return nulls_last(Ticket.due_at.asc()), priority, Job.created_at, Job.id


def _job_query():  # noqa: ANN202 - a Select of the _COLUMNS rows
    return (select(*_COLUMNS).join(Site, Site.id == Job.site_id).join(Customer, Customer.id == Site.customer_id)
            .join(Ticket, Ticket.id == Job.ticket_id))


def _lane(calendar: TechnicianCalendar, start: datetime, end: datetime) -> Lane:
    return Lane(technician_id=calendar.technician_id, name=calendar.name, skills=sorted(calendar.skills),
                home=calendar.home, working=[(max(b, start), min(f, end)) for b, f in calendar.working],
                absences=[away for away in calendar.absences if away.start < end and away.end > start], jobs=[])


class _RowReader:
    """Board jobs from ``_COLUMNS`` rows, converting each distinct time and skill set once."""

    def __init__(self, now: datetime, today: date, zone: Any) -> None:
        self.now, self.today, self.zone = now, today, zone
        self.moments: dict[Any, datetime | None] = {None: None}
        self.skills: dict[str, tuple[str, ...]] = {}
        self.sla: dict[datetime | None, str | None] = {}

    def moment(self, raw: Any) -> datetime | None:
        try:
            return self.moments[raw]
        except KeyError:
            value = self.moments[raw] = utc_from_driver(raw)
            return value

    def job(self, row: Any) -> BoardJob:
        moment = self.moment
        raw = row.required_skills
        if not isinstance(raw, str):  # some drivers (psycopg) decode JSON themselves
            skills = tuple(raw or ())
        elif (skills := self.skills.get(raw)) is None:
            skills = self.skills[raw] = tuple(json.loads(raw) or ())
        due_at = moment(row.due_at)
        if due_at in self.sla:
            sla = self.sla[due_at]
        else:
            sla = self.sla[due_at] = sla_state(due_at, self.now, self.today, self.zone)
        location = (row.latitude, row.longitude) if row.latitude is not None and row.longitude is not None else None
        return BoardJob(
            id=row.id, number=row.number, kind=row.kind, status=row.status, technician_id=row.technician_id,
            start=moment(row.scheduled_start), end=moment(row.scheduled_end), duration_minutes=row.duration_minutes,
            required_skills=list(skills), window_start=moment(row.window_start), window_end=moment(row.window_end),
            waiting_since=moment(row.created_at), customer_name=row.customer_name,
            address=f"{row.street}, {row.postal_code} {row.city}", location=location,
            geocode_status=row.geocode_status, ticket_id=row.ticket_id, ticket_reference=row.reference,
            priority=row.priority, due_at=due_at, sla=sla)


def sla_state(due_at: datetime | None, now: datetime, today: date, zone: Any) -> str | None:
    """``overdue``, ``due_today`` (in the company's zone) or ``later``; None without an SLA due time."""
    if due_at is None:
        return None
    if due_at < now:
        return "overdue"
    return "due_today" if due_at.astimezone(zone).date() == today else "later"


def _conflicts(calendar: TechnicianCalendar, job: BoardJob, estimator: travel.TravelEstimator) -> list[
        ScheduleConflict]:
    window = (job.window_start, job.window_end) if job.window_start and job.window_end else None
    return calendar.conflicts(job_id=job.id, required_skills=job.required_skills, start=job.start, end=job.end,
                              location=job.location, travel=estimator, appointment_window=window)
