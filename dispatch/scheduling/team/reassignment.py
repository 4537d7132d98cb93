"""Handing an absent technician's jobs to others: a proposal per job, then applying the agent's choice.

The proposal loads every technician's calendar once for the whole span and books each proposed job into
the proposed technician's loaded calendar, so a later, overlapping job is not proposed to the same person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from dispatch.auth.models import User
from dispatch.enums import JobStatus
from dispatch.errors import Conflict, DomainError, Invalid
from dispatch.extensions import db
from dispatch.scheduling import services as scheduling
from dispatch.scheduling import suggestions
from dispatch.scheduling.availability import Booking, TechnicianCalendar, job_location, load_calendars
from dispatch.scheduling.geo import travel
from dispatch.scheduling.models import Job
from dispatch.scheduling.team.services import MAX_ABSENCE, affected_jobs

# Jobs that can still go to someone else: planned, not started.
REASSIGNABLE = (JobStatus.SCHEDULED,)
# How many fitting technicians each job offers to choose from.
CHOICES = 5


@dataclass
class Proposal:
    """One affected job, the technicians who can take it at the same time (best first), and the pick."""

    job: Job
    candidates: list[suggestions.Suggestion] = field(default_factory=list)

    @property
    def technician_id(self) -> int | None:
        """The proposed technician; None: nobody fits, back to the queue."""
        return self.candidates[0].technician_id if self.candidates else None


def propose(technician: User, start: datetime, end: datetime) -> list[Proposal]:
    """For each of the technician's planned jobs in ``start``..``end``: who could do it at the same time."""
    if end <= start:
        raise Invalid(_("The span ends before it starts."), errors={"end": [_("Must be after the start.")]})
    if end - start > MAX_ABSENCE:
        raise Invalid(_("A span longer than a year."), errors={"end": [_("At most a year after the start.")]})
    jobs = affected_jobs(technician.id, start, end, REASSIGNABLE)
    if not jobs:
        return []
    calendars = load_calendars(min(job.scheduled_start for job in jobs), max(job.scheduled_end for job in jobs))
    estimator = travel.estimator()
    proposals = []
    for job in jobs:
        ranked = suggestions.rank(job, job.scheduled_start, job.scheduled_end, limit=len(calendars),
                                  exclude={technician.id}, calendars=calendars)
        fitting = [s for s in ranked if _fits(calendars[s.technician_id], job, estimator)][:CHOICES]
        proposal = Proposal(job, fitting)
        if proposal.technician_id is not None:
            # The proposed technician is now busy then: later jobs must not be proposed on top of this one.
            calendars[proposal.technician_id].bookings.append(
                Booking(job.id, job.number, job.scheduled_start, job.scheduled_end, job_location(job)))
        proposals.append(proposal)
    return proposals


def _fits(calendar: TechnicianCalendar, job: Job, estimator: travel.TravelEstimator) -> bool:
    """Whether the technician can do ``job`` at its planned time, with no conflict at all."""
    window = (job.window_start, job.window_end) if job.window_start and job.window_end else None
    return not calendar.conflicts(job_id=job.id, required_skills=job.required_skills, start=job.scheduled_start,
                                  end=job.scheduled_end, location=job_location(job), travel=estimator,
                                  appointment_window=window)


def apply(technician: User, assignments: list[dict[str, Any]], reason: str | None,
          actor_id: int | None) -> list[Job]:
    """Give each listed job of ``technician`` to another technician at the same time, or back to the queue.

    All or nothing: the first refusal raises, naming ``assignments.<n>.<field>``, and the request rolls back.
    """
    reason = (reason or "").strip() or _("%(name)s is not available.", name=technician.name)
    seen: set[int] = set()
    jobs = {job.id: job for job in _jobs(technician, [a["job_id"] for a in assignments])}
    done = []
    for index, assignment in enumerate(assignments):
        job = jobs.get(assignment["job_id"])
        if job is None or job.id in seen:
            raise Invalid(_("Not a planned job of this technician."), errors={f"assignments.{index}.job_id": [
                _("Not a planned, unstarted job of %(name)s (or listed twice).", name=technician.name)]})
        seen.add(job.id)
        new_technician = assignment.get("technician_id")
        try:
            if new_technician is None:
                scheduling.unschedule(job, reason, actor_id)
            elif new_technician == technician.id:
                raise Invalid(_("The same technician."), errors={"technician_id": [
                    _("Choose another technician or the queue.")]})
            else:
                scheduling.schedule(job, new_technician, job.scheduled_start, job.scheduled_end, actor_id)
        except DomainError as error:
            raise _named(error, index, job) from error
        done.append(job)
    return done


def _jobs(technician: User, job_ids: list[int]) -> list[Job]:
    """The technician's reassignable jobs among ``job_ids``."""
    if not job_ids:
        return []
    return list(db.session.scalars(select(Job).where(Job.id.in_(job_ids), Job.technician_id == technician.id,
                                                     Job.status.in_(REASSIGNABLE))))


def _named(error: DomainError, index: int, job: Job) -> DomainError:
    """The service's refusal, its fields named inside ``assignments.<index>``, the job named in the detail."""
    detail = _("Job %(number)s: %(detail)s", number=job.number, detail=error.detail)
    errors = {f"assignments.{index}.{name if name != 'conflicts' else 'technician_id'}": messages
              for name, messages in error.errors.items()} or {f"assignments.{index}.technician_id": [error.detail]}
    if isinstance(error, Conflict):
        return Conflict(detail, errors=errors, code=error.code)
    if isinstance(error, Invalid):
        return Invalid(detail, errors=errors, code=error.code)
    return error
