"""Route proposals from the database: one technician's day reordered, or a day's unscheduled jobs planned.

Calendars come from ``availability.load_calendars`` (three queries), jobs with their sites from one more;
the planners see only numbers (``problem``). A proposal is turned back into visits in UTC with travel
minutes and kilometres, and ``applying`` schedules it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from dispatch.admin.services import company_zone
from dispatch.auth.models import User
from dispatch.customers.models import Site
from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus, Role
from dispatch.errors import Invalid, NotFound
from dispatch.extensions import db
from dispatch.scheduling.availability import (
    WAITING,
    Span,
    TechnicianCalendar,
    job_location,
    load_calendars,
    local_days,
)
from dispatch.scheduling.geo.travel import LatLon, TravelEstimator, estimator
from dispatch.scheduling.models import Job
from dispatch.scheduling.routing import greedy, solver
from dispatch.scheduling.routing import problem as model

# Unscheduled jobs one day's plan takes in at most (windows on that day first, then the longest waiting).
MAX_DAY_JOBS = 400
SOLVERS = ("auto", "greedy")
DAY_PLAN, ROUTE = "day", "route"


def reason_message(code: str) -> str:
    """Why a job was left out, for people."""
    return {model.UNLOCATED: _("Address not located."),
            model.NO_SKILL: _("No available technician has the required skills."),
            model.NO_TIME: _("No technician has time for it within its window and working hours.")}[code]


@dataclass(frozen=True)
class Change:
    """One visit a proposal (re)schedules."""

    job_id: int
    technician_id: int
    start: datetime
    end: datetime


@dataclass
class VisitRow:
    job_id: int
    number: str
    start: datetime
    end: datetime
    travel_minutes: int
    travel_km: float
    fixed: bool
    place: str = ""
    window_start: datetime | None = None
    window_end: datetime | None = None
    moved: bool = False  # a new technician or time for this job


@dataclass
class RouteRow:
    technician_id: int
    name: str
    visits: list[VisitRow]
    return_travel_minutes: int
    travel_minutes: int
    travel_km: float


@dataclass
class LeftOut:
    job_id: int
    number: str
    reason: str
    message: str


@dataclass
class Before:
    """One technician's day as it stands: the order and the driving it takes."""

    job_ids: list[int]
    travel_minutes: int
    travel_km: float
    numbers: list[str] = field(default_factory=list)


@dataclass
class Proposal:
    kind: str  # DAY_PLAN or ROUTE
    day: date
    engine: str  # greedy, solver, or current (nothing shorter than the day as it stands)
    solver_seconds: float
    routes: list[RouteRow]
    unassigned: list[LeftOut]
    travel_minutes: int
    travel_km: float
    technician_id: int | None = None
    before: Before | None = None
    notes: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def changes(self) -> list[Change]:
        """The visits to schedule: routed jobs that get a new technician or time (fixed bookings never do)."""
        return [Change(visit.job_id, route.technician_id, visit.start, visit.end)
                for route in self.routes for visit in route.visits if visit.moved]


def day_span(day: date) -> Span:
    """The company-local day as a UTC span (23 or 25 hours on daylight-saving days)."""
    return local_days(day, 1, company_zone())


def today() -> date:
    """Today in the company's zone: the day a plan or a route is for unless another is asked."""
    return utcnow().astimezone(company_zone()).date()


def technician_or_not_found(technician_id: int) -> User:
    """The active technician, else NotFound."""
    user = db.session.get(User, technician_id)
    if user is None or user.role != Role.TECHNICIAN or not user.active:
        raise NotFound(_("Technician %(id)s does not exist.", id=technician_id))
    return user


def plan_day(day: date, solver_choice: str = "auto", technician_ids: list[int] | None = None) -> Proposal:
    """A plan for the day's waiting jobs (window that day or none) across the available technicians."""
    if technician_ids:
        known = set(db.session.scalars(select(User.id).where(
            User.id.in_(technician_ids), User.role == Role.TECHNICIAN, User.active.is_(True))))
        unknown = sorted(set(technician_ids) - known)
        if unknown:
            raise Invalid(_("Unknown technicians."), errors={"technician_ids": [
                _("No such active technician: %(ids)s.", ids=", ".join(map(str, unknown)))]})
    start, end = day_span(day)
    jobs = list(db.session.scalars(
        select(Job).where(Job.status.in_(WAITING),
                          or_(Job.window_start.is_(None), and_(Job.window_start < end, Job.window_end > start)))
        .options(selectinload(Job.site).selectinload(Site.customer))
        .order_by(Job.window_start.is_(None), Job.created_at, Job.id).limit(MAX_DAY_JOBS)))
    calendars = load_calendars(start, end, technician_ids or None)
    builder = _Builder(day, calendars, jobs)
    proposal = builder.propose(solver_choice, DAY_PLAN)
    if len(jobs) == MAX_DAY_JOBS:
        proposal.notes.append(_("Only the first %(count)s waiting jobs were planned.", count=MAX_DAY_JOBS))
    return proposal


def optimise_route(technician_id: int, day: date, solver_choice: str = "auto") -> Proposal:
    """One technician's not-started jobs of the day in the order that drives least, windows kept."""
    technician_or_not_found(technician_id)
    start, end = day_span(day)
    calendars = load_calendars(start, end, [technician_id])
    jobs = list(db.session.scalars(
        select(Job).where(Job.technician_id == technician_id, Job.status == JobStatus.SCHEDULED,
                          Job.scheduled_start >= start, Job.scheduled_start < end)
        .options(selectinload(Job.site).selectinload(Site.customer)).order_by(Job.scheduled_start, Job.id)))
    movable = [job for job in jobs if job_location(job) is not None]  # unlocated ones stay where they are
    builder = _Builder(day, calendars, movable, only=technician_id)
    return builder.propose(solver_choice, ROUTE, current=[job.id for job in movable])


class _Builder:
    """Turns calendars and jobs into a ``model.Problem`` and a solution back into a proposal."""

    def __init__(self, day: date, calendars: dict[int, TechnicianCalendar], jobs: list[Job],
                 only: int | None = None) -> None:
        self.day, self.only = day, only
        self.origin, self.day_end = day_span(day)
        self.travel: TravelEstimator = estimator()
        self.jobs = {job.id: job for job in jobs}
        self.places: dict[LatLon, int] = {}
        self.points: list[LatLon] = []
        self.fixed_times: dict[int, Span] = {}
        self.numbers: dict[int, str] = {job.id: job.number for job in jobs}
        self.names = {calendar.technician_id: calendar.name for calendar in calendars.values()}
        self.calendars = calendars
        now = max(self._minutes(utcnow(), up=True), 0)
        technicians = [t for t in (self._technician(c, now) for c in calendars.values()) if t is not None]
        day_minutes = self._minutes(self.day_end)
        tasks = [self._job(job, now, day_minutes) for job in jobs]
        self.problem = model.Problem(technicians, tasks, self.travel.matrix(self.points))

    def _minutes(self, moment: datetime, up: bool = False) -> int:
        minutes = (moment - self.origin).total_seconds() / 60
        return math.ceil(minutes) if up else math.floor(minutes)

    def _place(self, location: LatLon | None) -> int | None:
        if location is None:
            return None
        if location not in self.places:
            self.places[location] = len(self.points)
            self.points.append(location)
        return self.places[location]

    def _technician(self, calendar: TechnicianCalendar, now: int) -> model.Technician | None:
        available: list[model.Span] = []
        for begin, finish in calendar.working:
            pieces = [(self._minutes(begin, up=True), self._minutes(finish))]
            for away in calendar.absences:
                low, high = self._minutes(away.start), self._minutes(away.end, up=True)
                pieces = [piece for a, b in pieces for piece in ((a, min(b, low)), (max(a, high), b))]
            available += [(max(a, now, 0), b) for a, b in pieces if b > max(a, now, 0)]
        fixed = []
        for booking in calendar.bookings:
            if booking.job_id in self.jobs or not (booking.start < self.day_end and booking.end > self.origin):
                continue
            self.numbers[booking.job_id] = booking.number
            self.fixed_times[booking.job_id] = (booking.start, booking.end)
            fixed.append(model.Fixed(booking.job_id, self._place(booking.location), self._minutes(booking.start),
                                     self._minutes(booking.end, up=True)))
        home = self._place(calendar.home)
        if not available and (self.only is None or not fixed):
            return None  # not working that day: nothing to route (their bookings stay as they are)
        return model.technician(calendar.technician_id, home, calendar.skills, available, fixed, self._leg)

    def _leg(self, origin: int | None, destination: int | None) -> int:
        """Minutes between places while the matrix is still being collected."""
        if origin is None or destination is None:
            return 0
        return self.travel.minutes(self.points[origin], self.points[destination])

    def _job(self, job: Job, now: int, day_minutes: int) -> model.Job:
        earliest, latest = now, day_minutes
        if job.window_start is not None and job.window_end is not None:
            earliest = max(earliest, self._minutes(job.window_start, up=True))
            latest = min(latest, self._minutes(job.window_end))
        return model.Job(job.id, self._place(job_location(job)), job.duration_minutes, earliest, latest,
                         frozenset(job.required_skills or ()),
                         frozenset({self.only}) if self.only is not None else None)

    def propose(self, solver_choice: str, kind: str, current: list[int] | None = None) -> Proposal:
        """Solve with the chosen planner and describe the result (``current``: the day's order to beat)."""
        if solver_choice not in SOLVERS:
            raise Invalid(_("Unknown planner."), errors={"solver": [_("One of: auto, greedy.")]})
        solution = greedy.plan(self.problem)
        if solver_choice == "auto":
            solution = solver.plan(self.problem, self._seconds(), solution)
        before = None
        if current is not None:
            solution, before = self._against_current(solution, current)
        return self._proposal(solution, kind, before)

    def _seconds(self) -> float:
        """The solver's time: ROUTE_SOLVER_SECONDS, less for small days (its search runs to the limit)."""
        return min(float(current_app.config["ROUTE_SOLVER_SECONDS"]), 0.5 + 0.05 * len(self.problem.jobs))

    def _against_current(self, solution: model.Solution, order: list[int]) -> tuple[model.Solution, Before]:
        """The day as it stands, and whichever of it and ``solution`` leaves fewer jobs out and drives less."""
        technician = next(iter(self.problem.technicians), None)
        if technician is None:
            return solution, Before(order, 0, 0.0)
        stops = sorted([*technician.fixed, *(self.problem.stop(job_id, technician.id) for job_id in order)],
                       key=self._current_span)
        visits, here = [], technician.home
        for stop in stops:
            start, end = self._current_span(stop)
            visits.append(model.Visit(self._id(stop), start, end, self.problem.travel(here, stop.location),
                                      fixed=isinstance(stop, model.Fixed)))
            here = stop.location
        route = model.Route(technician.id, visits, self.problem.travel(here, technician.home) if visits else 0)
        before = Before(order, route.travel_minutes, self._route_km(route), [self.numbers[i] for i in order])
        kept = model.Solution({technician.id: route}, {}, "current", solution.seconds)
        if kept.rank() <= solution.rank():
            kept.notes = [*solution.notes, _("No shorter order keeps every window: the order stays.")]
            return kept, before
        return solution, before

    @staticmethod
    def _id(stop: model.Stop) -> int:
        return stop.job_id if isinstance(stop, model.Fixed) else stop.id

    def _current_span(self, stop: model.Stop) -> tuple[int, int]:
        """Where the stop sits on the day now, in minutes."""
        if isinstance(stop, model.Fixed):
            return stop.start, stop.end
        job = self.jobs[stop.id]
        return self._minutes(job.scheduled_start), self._minutes(job.scheduled_end, up=True)

    def _leg_km(self, origin: int | None, destination: int | None) -> float:
        if origin is None or destination is None:
            return 0.0
        return self.travel.km(self.points[origin], self.points[destination])

    def _route_km(self, route: model.Route) -> float:
        """Kilometres from home along the visits and back (to or from a place not located: none)."""
        home = self.problem.technician(route.technician_id).home
        places = [home, *(self.problem.stop(v.job_id, route.technician_id).location for v in route.visits), home]
        return round(sum(self._leg_km(a, b) for a, b in zip(places, places[1:], strict=False)), 1)

    def _proposal(self, solution: model.Solution, kind: str, before: Before | None) -> Proposal:
        routes = []
        for technician_id, route in sorted(solution.routes.items(), key=lambda item: self.names[item[0]]):
            if not route.visits:
                continue
            rows, here = [], self.problem.technician(technician_id).home
            for visit in route.visits:
                place = self.problem.stop(visit.job_id, technician_id).location
                rows.append(self._visit(visit, technician_id, round(self._leg_km(here, place), 1)))
                here = place
            routes.append(RouteRow(technician_id, self.names[technician_id], rows, route.return_travel,
                                   route.travel_minutes, self._route_km(route)))
        left = [LeftOut(job_id, self.numbers[job_id], reason, reason_message(reason))
                for job_id, reason in sorted(solution.unassigned.items())]
        return Proposal(kind, self.day, solution.engine, round(solution.seconds, 3), routes, left,
                        sum(r.travel_minutes for r in routes), round(sum(r.travel_km for r in routes), 1),
                        technician_id=self.only, before=before, notes=list(solution.notes))

    def _visit(self, visit: model.Visit, technician_id: int, km: float) -> VisitRow:
        job = self.jobs.get(visit.job_id)
        if visit.fixed:  # the booking's own times: the model may have nudged them to keep the day solvable
            start, end = self.fixed_times[visit.job_id]
            return VisitRow(visit.job_id, self.numbers[visit.job_id], start, end, visit.travel, km, True)
        assert job is not None
        start = self.origin + timedelta(minutes=visit.start)
        end = self.origin + timedelta(minutes=visit.end)
        customer = job.site.customer.name if job.site and job.site.customer else ""
        place = ", ".join(part for part in (customer, job.site.city if job.site else "") if part)
        return VisitRow(visit.job_id, job.number, start, end, visit.travel, km, False, place,
                        job.window_start, job.window_end,
                        moved=(job.technician_id, job.scheduled_start, job.scheduled_end)
                        != (technician_id, start, end))
