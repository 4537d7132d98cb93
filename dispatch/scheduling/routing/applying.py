"""Applying a route plan: every visit scheduled through ``scheduling.services.schedule`` in one transaction.

The plan is first checked as a whole against fresh calendars, with its own jobs at their new places, so a
plan that no longer fits (a job started or was planned meanwhile, a booking or an absence appeared) is a
409 and nothing changes. Reordering a technician's day then moves jobs one at a time; a job's new slot
may still be held by another job of the same plan that has not moved yet (two jobs swapping places).
Only such a clash, with a job the plan moves next, is scheduled over, with a reason saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dispatch import audit
from dispatch.auth.models import User
from dispatch.enums import JobStatus
from dispatch.errors import Conflict, Invalid
from dispatch.extensions import db
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.availability import BOOKED, WAITING, Booking, job_location, load_calendars
from dispatch.scheduling.geo.travel import estimator
from dispatch.scheduling.models import Job
from dispatch.scheduling.routing.services import DAY_PLAN, ROUTE, Change, Proposal, day_span

# Clashes that only the order of the updates causes: the other job moves later in the same plan.
PASSING = ("overlap", "travel_time")


def apply(proposal: Proposal, actor_id: int | None) -> Proposal:
    """Schedule what ``proposal`` changes; a 409 when it no longer fits."""
    apply_changes(proposal.kind, proposal.day, proposal.changes, actor_id, technician_id=proposal.technician_id,
                  engine=proposal.engine)
    proposal.applied = True
    return proposal


def apply_changes(kind: str, day: date, changes: Sequence[Change], actor_id: int | None, *,
                  technician_id: int | None = None, engine: str | None = None) -> list[Job]:
    """Schedule each change (a day plan: waiting jobs; a route: the technician's scheduled jobs) and audit."""
    ids = [change.job_id for change in changes]
    if len(set(ids)) != len(ids):
        raise Invalid(_("A job appears twice in the plan."), errors={"plan": [_("Each job at most once.")]})
    if not changes:
        return []
    jobs = {job.id: job for job in db.session.scalars(
        select(Job).where(Job.id.in_(ids)).options(selectinload(Job.site)))}
    for change in changes:
        job = jobs.get(change.job_id)
        if job is None or not _still_plannable(job, kind, technician_id, change):
            raise Conflict(_("The plan is out of date: job %(job)s has changed meanwhile. Make a new plan.",
                             job=job.number if job else change.job_id), code="plan_outdated")
    _check_final_plan(day, changes, jobs)
    technicians = {change.technician_id for change in changes}
    before = _orders(day, technicians)
    pending = set(ids)
    for change in sorted(changes, key=lambda c: (c.start, c.job_id)):
        pending.discard(change.job_id)
        _schedule(jobs[change.job_id], change, pending, actor_id)
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(technicians)))}
    for technician, job_ids in _orders(day, technicians).items():
        user = users[technician]
        if kind == ROUTE:
            audit.record("route.optimised", user, actor_id, day=day.isoformat(), engine=engine, job_ids=job_ids,
                         previous_job_ids=before.get(technician, []))
        else:
            audit.record("day.planned", user, actor_id, day=day.isoformat(), engine=engine, job_ids=job_ids)
    return [jobs[job_id] for job_id in ids]


def _still_plannable(job: Job, kind: str, technician_id: int | None, change: Change) -> bool:
    if kind == DAY_PLAN:
        return job.status in WAITING
    return (job.status == JobStatus.SCHEDULED and job.technician_id == technician_id
            and change.technician_id == technician_id)


def _check_final_plan(day: date, changes: Sequence[Change], jobs: dict[int, Job]) -> None:
    """Every visit judged against the calendars as they will be once the whole plan is in: else 409."""
    start, end = day_span(day)
    calendars = load_calendars(start, end, {change.technician_id for change in changes})
    moving = {change.job_id for change in changes}
    for technician_id, calendar in list(calendars.items()):
        planned = [Booking(c.job_id, jobs[c.job_id].number, c.start, c.end, job_location(jobs[c.job_id]))
                   for c in changes if c.technician_id == technician_id]
        kept = [booking for booking in calendar.bookings if booking.job_id not in moving]
        calendars[technician_id] = replace(calendar, bookings=sorted([*kept, *planned], key=lambda b: b.start))
    travel = estimator()
    problems = []
    for change in changes:
        job = jobs[change.job_id]
        calendar = calendars.get(change.technician_id)
        if calendar is None:
            raise Invalid(_("Unknown technician."), errors={"technician_id": [_("No such active technician.")]})
        window = (job.window_start, job.window_end) if job.window_start and job.window_end else None
        found = calendar.conflicts(job_id=job.id, required_skills=job.required_skills, start=change.start,
                                   end=change.end, location=job_location(job), travel=travel,
                                   appointment_window=window)
        problems += [f"{job.number}: {conflict.code}: {conflict.message}" for conflict in found]
    if problems:
        raise Conflict(_("The plan no longer fits the calendars. Make a new plan."), code="plan_invalid",
                       errors={"plan": problems})


def _schedule(job: Job, change: Change, pending: set[int], actor_id: int | None) -> None:
    """Schedule one visit; over a clash only with jobs this plan has yet to move."""
    try:
        scheduling.schedule(job, change.technician_id, change.start, change.end, actor_id)
    except scheduling.ScheduleRefused as refused:
        if not all(c.code in PASSING and c.details.get("job_id") in pending for c in refused.conflicts):
            raise
        scheduling.schedule(job, change.technician_id, change.start, change.end, actor_id,
                            override_reason=_("Route plan, checked as a whole: the other job moves next."))


def _orders(day: date, technician_ids: set[int]) -> dict[int, list[int]]:
    """Per technician, their booked jobs of the day by start: the day's order."""
    start, end = day_span(day)
    orders: dict[int, list[int]] = {technician_id: [] for technician_id in technician_ids}
    for job_id, technician_id in db.session.execute(
            select(Job.id, Job.technician_id).where(Job.technician_id.in_(technician_ids), Job.status.in_(BOOKED),
                                                    Job.scheduled_start >= start, Job.scheduled_start < end)
            .order_by(Job.scheduled_start, Job.id)):
        orders[technician_id].append(job_id)
    return orders
