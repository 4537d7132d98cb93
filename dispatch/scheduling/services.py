"""Jobs from tickets, the job life cycle, scheduling rules and technician suggestions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from geopy.distance import geodesic
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from dispatch import audit, numbering
from dispatch.admin.services import company_zone
from dispatch.auth.models import User
from dispatch.customers.models import Asset, Site
from dispatch.dbtypes import utcnow
from dispatch.desk.models import Ticket
from dispatch.enums import JobKind, JobStatus, Role
from dispatch.errors import Conflict, Invalid, NotFound, get_or_not_found
from dispatch.extensions import db
from dispatch.scheduling.availability import (
    BOOKED,
    ScheduleConflict,
    job_location,
    load_calendars,
    working_intervals,
)
from dispatch.scheduling.geo import travel
from dispatch.scheduling.models import DEFAULT_WORKING_HOURS, Absence, Job, JobTemplate, TechnicianProfile

NUMBER_PREFIX = "J"
# Which status may follow which (postponed leads back to unscheduled with a reason).
TRANSITIONS: dict[JobStatus, set[JobStatus]] = {
    JobStatus.UNSCHEDULED: {JobStatus.SCHEDULED, JobStatus.CANCELLED},
    JobStatus.SCHEDULED: {JobStatus.SCHEDULED, JobStatus.EN_ROUTE, JobStatus.ON_SITE, JobStatus.POSTPONED,
                          JobStatus.CANCELLED},
    JobStatus.EN_ROUTE: {JobStatus.ON_SITE, JobStatus.POSTPONED, JobStatus.CANCELLED},
    JobStatus.ON_SITE: {JobStatus.COMPLETED, JobStatus.POSTPONED},
    JobStatus.POSTPONED: {JobStatus.SCHEDULED, JobStatus.CANCELLED},
    JobStatus.COMPLETED: {JobStatus.CLOSED},
    JobStatus.CLOSED: set(),
    JobStatus.CANCELLED: set(),
}
ASSIGNED_STATUSES = (JobStatus.SCHEDULED, JobStatus.EN_ROUTE, JobStatus.ON_SITE, JobStatus.COMPLETED,
                     JobStatus.CLOSED)


def ensure_technician_profile(user: User) -> TechnicianProfile:
    """The technician profile of ``user``, created with default working hours when missing."""
    profile = db.session.get(TechnicianProfile, user.id)
    if profile is None:
        profile = TechnicianProfile(user_id=user.id, skills=[], working_hours=dict(DEFAULT_WORKING_HOURS))
        db.session.add(profile)
        db.session.flush()
    return profile


def create_job(ticket: Ticket, data: dict[str, Any], actor_id: int | None = None) -> Job:
    """A new unscheduled job for ``ticket`` at the ticket's site (or the given asset's site).

    With a ``template_id`` the template's kind, duration, skills, checklist and instructions fill in what
    ``data`` leaves out; skills of both are kept.
    """
    template = _template(data.get("template_id"))
    asset_id = data.get("asset_id", ticket.asset_id)
    site_id = ticket.site_id
    if asset_id is not None:
        asset = db.session.get(Asset, asset_id)
        if asset is None or asset.customer_id != ticket.customer_id:
            raise Invalid(_("Unknown asset."), errors={"asset_id": [_("Not an asset of the ticket's customer.")]})
        site_id = asset.site_id or site_id
    if site_id is None:
        raise Invalid(_("The ticket's customer has no service address."),
                      errors={"site_id": [_("No site to work at.")]})
    duration = data.get("duration_minutes") or (template.duration_minutes if template else None)
    if duration is None:
        raise Invalid(_("How long will the job take?"),
                      errors={"duration_minutes": [_("Give a duration or choose a job template.")]})
    skills = set(data.get("required_skills") or []) | set(template.required_skills if template else [])
    checklist = data.get("checklist")
    if checklist is None:
        checklist = list(template.checklist) if template else []
    now = utcnow()
    job = Job(
        number=numbering.formatted(NUMBER_PREFIX, now.year, numbering.next_number(NUMBER_PREFIX, now.year)),
        kind=JobKind(data.get("kind") or (template.kind if template else JobKind.REPAIR)),
        status=JobStatus.UNSCHEDULED,
        ticket_id=ticket.id,
        site_id=site_id,
        asset_id=asset_id,
        required_skills=sorted(skills),
        duration_minutes=duration,
        instructions=data.get("instructions") or (template.instructions if template else None),
        checklist=[{"text": item, "done": False} for item in checklist],
        template_id=template.id if template else None,
        follow_up_of_id=data.get("follow_up_of_id"),
        status_changed_at=now,
        created_at=now,
    )
    db.session.add(job)
    db.session.flush()
    audit.record("job.created", job, actor_id, ticket_id=ticket.id, number=job.number,
                 template_id=job.template_id, follow_up_of_id=job.follow_up_of_id)
    return job


def _template(template_id: int | None) -> JobTemplate | None:
    """The active job template, None without an id; an unknown or retired one is a 422 on ``template_id``."""
    if template_id is None:
        return None
    template = db.session.get(JobTemplate, template_id)
    if template is None or not template.active:
        raise Invalid(_("Unknown job template."), errors={"template_id": [_("No such active job template.")]})
    return template


def get_job(job_id: int) -> Job:
    """The job, or NotFound."""
    return get_or_not_found(Job, job_id, _l("Job %(id)s does not exist.", id=job_id))


def job_for(user: User, job_id: int) -> Job:
    """The job as ``user`` may see it: a technician sees only their own jobs (others are NotFound)."""
    job = get_job(job_id)
    if user.role == Role.TECHNICIAN and job.technician_id != user.id:
        raise NotFound(_("Job %(id)s does not exist.", id=job_id))
    return job


def change_status(job: Job, new_status: JobStatus, actor_id: int | None, at: datetime | None = None,
                  **details: Any) -> None:
    """Move ``job`` to ``new_status`` if the life cycle allows it, else Conflict."""
    if new_status not in TRANSITIONS[job.status]:
        raise Conflict(_("A %(status)s job cannot become %(new_status)s.", status=job.status.value,
                         new_status=new_status.value), code="invalid_transition")
    previous = job.status
    job.status = new_status
    job.status_changed_at = at or utcnow()
    audit.record("job.status_changed", job, actor_id, previous=previous.value, status=new_status.value,
                 at=job.status_changed_at, **details)


def conflicts(job: Job, technician: User, start: datetime, end: datetime) -> list[ScheduleConflict]:
    """Everything that stands against ``technician`` doing ``job`` from ``start`` to ``end``."""
    ensure_technician_profile(technician)
    calendar = load_calendars(start, end, [technician.id])[technician.id]
    window = (job.window_start, job.window_end) if job.window_start and job.window_end else None
    return calendar.conflicts(job_id=job.id, required_skills=job.required_skills, start=start, end=end,
                              location=job_location(job), travel=travel.estimator(), appointment_window=window)


def schedule(job: Job, technician_id: int, start: datetime, end: datetime, actor_id: int | None) -> Job:
    """Assign ``job`` to a technician for a time window; any conflict is a 409 naming it."""
    if end <= start:
        raise Invalid(_("The end is not after the start."), errors={"end": [_("Must be after start.")]})
    if end - start > timedelta(hours=24):
        raise Invalid(_("A visit longer than a day."), errors={"end": [_("A visit lasts at most 24 hours.")]})
    technician = db.session.get(User, technician_id)
    if technician is None or technician.role != Role.TECHNICIAN or not technician.active:
        raise Invalid(_("Unknown technician."), errors={"technician_id": [_("No such active technician.")]})
    if JobStatus.SCHEDULED not in TRANSITIONS[job.status]:
        raise Conflict(_("A %(status)s job cannot be scheduled.", status=job.status.value), code="invalid_transition")
    found = conflicts(job, technician, start, end)
    if found:
        raise Conflict(" ".join(conflict.message for conflict in found), code=found[0].code,
                       errors={"conflicts": [f"{c.code}: {c.message}" for c in found]})
    previous = {"technician_id": job.technician_id, "start": job.scheduled_start, "end": job.scheduled_end}
    job.technician_id, job.scheduled_start, job.scheduled_end = technician.id, start, end
    if job.status != JobStatus.SCHEDULED:
        change_status(job, JobStatus.SCHEDULED, actor_id)
    audit.record("job.scheduled", job, actor_id, technician_id=technician.id, start=start, end=end,
                 previous_technician_id=previous["technician_id"], previous_start=previous["start"])
    return job


@dataclass
class Suggestion:
    technician_id: int
    name: str
    score: float
    distance_km: float | None
    reasons: list[str]


def suggestions(job: Job, start: datetime | None = None, limit: int = 10) -> list[Suggestion]:
    """Technicians ranked for ``job``: skills and availability first, then distance and load."""
    start = start or next_working_morning()
    end = start + timedelta(minutes=job.duration_minutes)
    site = db.session.get(Site, job.site_id)
    candidates = technicians()
    profiles = {p.user_id: p for p in db.session.scalars(
        select(TechnicianProfile).where(TechnicianProfile.user_id.in_([t.id for t in candidates])))}
    day_start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    load = dict(db.session.execute(
        select(Job.technician_id, func.count()).where(
            Job.status.in_(BOOKED), Job.scheduled_start >= day_start,
            Job.scheduled_start < day_start + timedelta(days=1)).group_by(Job.technician_id)
    ).all())
    busy = {row for row in db.session.scalars(
        select(Job.technician_id).where(Job.status.in_(BOOKED), Job.id != job.id, Job.scheduled_start < end,
                                        Job.scheduled_end > start))}
    absent = set(db.session.scalars(
        select(Absence.technician_id).where(Absence.starts_at < end, Absence.ends_at > start)))
    ranked: list[Suggestion] = []
    for technician in candidates:
        profile = profiles.get(technician.id)
        skills = set(profile.skills if profile else [])
        missing = sorted(set(job.required_skills) - skills)
        if missing or technician.id in busy or technician.id in absent:
            continue
        reasons = [_("has every required skill")] if job.required_skills else []
        score = 100.0
        distance = None
        if profile and profile.home_latitude is not None and site and site.latitude is not None:
            distance = round(geodesic((profile.home_latitude, profile.home_longitude),
                                      (site.latitude, site.longitude)).km, 1)
            score -= min(distance, 200) / 4
            reasons.append(_("%(distance)s km from home base", distance=format_decimal(distance)))
        jobs_that_day = load.get(technician.id, 0)
        score -= jobs_that_day * 5
        reasons.append(ngettext("%(num)s job that day", "%(num)s jobs that day", jobs_that_day))
        if profile and not any(begin <= start and end <= finish for begin, finish in
                               working_intervals(profile.working_hours, start, end, company_zone())):
            score -= 30
            reasons.append(_("outside working hours"))
        else:
            reasons.append(_("free at the requested time"))
        ranked.append(Suggestion(technician.id, technician.name, round(score, 1), distance, reasons))
    ranked.sort(key=lambda suggestion: (-suggestion.score, suggestion.name))
    return ranked[:limit]


def next_working_morning() -> datetime:
    """9:00 in the company's zone on the next weekday after today, in UTC."""
    zone = company_zone()
    day = (utcnow().astimezone(zone) + timedelta(days=1)).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(9), zone).astimezone(ZoneInfo("UTC"))


def jobs_for_technician(technician_id: int, start: datetime, end: datetime) -> list[Job]:
    """A technician's jobs scheduled in ``start``..``end``, with site, customer, asset and ticket loaded."""
    return list(db.session.scalars(
        select(Job)
        .where(Job.technician_id == technician_id, Job.scheduled_start < end, Job.scheduled_end > start,
               Job.status != JobStatus.CANCELLED)
        .options(selectinload(Job.site).selectinload(Site.customer), selectinload(Job.asset),
                 selectinload(Job.ticket))
        .order_by(Job.scheduled_start)
    ))


def technicians() -> list[User]:
    """Active technicians by name."""
    return list(db.session.scalars(
        select(User).where(User.role == Role.TECHNICIAN, User.active.is_(True)).order_by(User.name)))


def recent_jobs_for_customer(customer_id: int, limit: int = 20) -> list[Job]:
    """A customer's most recent jobs at any of their sites, newest first."""
    return list(db.session.scalars(
        select(Job).join(Site, Site.id == Job.site_id).where(Site.customer_id == customer_id)
        .order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)
    ))


def open_jobs(statuses: list[JobStatus], offset: int, limit: int) -> list[Job]:
    """Jobs in ``statuses``: unscheduled first (oldest first), then by planned start; one page."""
    return list(db.session.scalars(
        select(Job).where(Job.status.in_(statuses))
        .options(selectinload(Job.ticket), selectinload(Job.technician),
                 selectinload(Job.site).selectinload(Site.customer))
        .order_by(case((Job.scheduled_start.is_(None), 0), else_=1), Job.scheduled_start, Job.created_at, Job.id)
        .offset(offset).limit(limit)
    ))


def jobs_of_ticket(ticket_id: int) -> list[Job]:
    """A ticket's jobs in the order they were created, with their technicians."""
    return list(db.session.scalars(
        select(Job).where(Job.ticket_id == ticket_id).options(selectinload(Job.technician))
        .order_by(Job.created_at, Job.id)
    ))


def jobs_by_id(job_ids: list[int]) -> list[Job]:
    """The given jobs with ticket and technician, by id."""
    return list(db.session.scalars(
        select(Job).where(Job.id.in_(job_ids)).options(selectinload(Job.ticket), selectinload(Job.technician))
        .order_by(Job.id)
    ))
