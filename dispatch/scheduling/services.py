"""Jobs from tickets, the job life cycle and the scheduling rules (suggestions live in ``suggestions``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from dispatch import audit, numbering
from dispatch.auth.models import User
from dispatch.customers.models import Asset, Site
from dispatch.dbtypes import utcnow
from dispatch.desk.models import Ticket
from dispatch.enums import JobKind, JobStatus, Role
from dispatch.errors import Conflict, Invalid, NotFound, get_or_not_found
from dispatch.extensions import db
from dispatch.scheduling import notifications
from dispatch.scheduling.availability import ScheduleConflict, Span, job_location, load_calendars
from dispatch.scheduling.geo import travel
from dispatch.scheduling.models import DEFAULT_WORKING_HOURS, Job, JobTemplate, TechnicianProfile

NUMBER_PREFIX = "J"
# Which status may follow which (postponed leads back to unscheduled with a reason).
TRANSITIONS: dict[JobStatus, set[JobStatus]] = {
    JobStatus.UNSCHEDULED: {JobStatus.SCHEDULED, JobStatus.CANCELLED},
    JobStatus.SCHEDULED: {JobStatus.SCHEDULED, JobStatus.EN_ROUTE, JobStatus.ON_SITE, JobStatus.POSTPONED,
                          JobStatus.CANCELLED, JobStatus.UNSCHEDULED},
    JobStatus.EN_ROUTE: {JobStatus.ON_SITE, JobStatus.POSTPONED, JobStatus.CANCELLED},
    JobStatus.ON_SITE: {JobStatus.COMPLETED, JobStatus.POSTPONED},
    JobStatus.POSTPONED: {JobStatus.SCHEDULED, JobStatus.CANCELLED, JobStatus.UNSCHEDULED},
    JobStatus.COMPLETED: {JobStatus.CLOSED},
    JobStatus.CLOSED: set(),
    JobStatus.CANCELLED: set(),
}
# Jobs whose visit is planned: taking them off the planning tells the customer.
PLANNED = (JobStatus.SCHEDULED, JobStatus.EN_ROUTE)
# Longest reason for an override, a postponement or a cancellation.
REASON_MAX = 500
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


def conflicts(job: Job, technician: User, start: datetime, end: datetime,
              window: Span | None = None) -> list[ScheduleConflict]:
    """Everything that stands against ``technician`` doing ``job`` from ``start`` to ``end``.

    ``window`` is the appointment window to judge by; default the job's own.
    """
    ensure_technician_profile(technician)
    calendar = load_calendars(start, end, [technician.id])[technician.id]
    if window is None and job.window_start and job.window_end:
        window = (job.window_start, job.window_end)
    return calendar.conflicts(job_id=job.id, required_skills=job.required_skills, start=start, end=end,
                              location=job_location(job), travel=travel.estimator(), appointment_window=window)


class ScheduleRefused(Conflict):
    """A 409 that names every conflict of a requested visit (codes from ``availability``)."""

    def __init__(self, found: list[ScheduleConflict]) -> None:
        super().__init__(" ".join(conflict.message for conflict in found), code=found[0].code,
                         errors={"conflicts": [f"{c.code}: {c.message}" for c in found]},
                         members={"conflicts": [{"code": c.code, "message": c.message, "details": dict(c.details)}
                                                for c in found]})
        self.conflicts = found


def schedule(job: Job, technician_id: int, start: datetime, end: datetime, actor_id: int | None,
             override_reason: str | None = None, *, window: Span | None = None) -> Job:
    """Assign ``job`` to a technician for a visit; any conflict is a 409 naming them all.

    With an ``override_reason`` an agent schedules despite the conflicts (audited with the reason).
    ``window`` sets the arrival window agreed with the customer; the visit must start inside it.
    """
    if end <= start:
        raise Invalid(_("The end is not after the start."), errors={"end": [_("Must be after start.")]})
    if end - start > timedelta(hours=24):
        raise Invalid(_("A visit longer than a day."), errors={"end": [_("A visit lasts at most 24 hours.")]})
    reason = _reason(override_reason, "override_reason")
    if window is not None:
        _check_window(window, start)
    technician = db.session.get(User, technician_id)
    if technician is None or technician.role != Role.TECHNICIAN or not technician.active:
        raise Invalid(_("Unknown technician."), errors={"technician_id": [_("No such active technician.")]})
    if JobStatus.SCHEDULED not in TRANSITIONS[job.status]:
        raise Conflict(_("A %(status)s job cannot be scheduled.", status=job.status.value), code="invalid_transition")
    found = conflicts(job, technician, start, end, window)
    if found and reason is None:
        raise ScheduleRefused(found)
    before = appointment_of(job)
    if window is not None:
        job.window_start, job.window_end = window
    job.technician_id, job.scheduled_start, job.scheduled_end = technician.id, start, end
    job.technician = technician
    if job.status != JobStatus.SCHEDULED:
        change_status(job, JobStatus.SCHEDULED, actor_id)
    job.postponed_reason = None
    audit.record("job.scheduled", job, actor_id, technician_id=technician.id, start=start, end=end,
                 previous_technician_id=before.technician_id, previous_start=before.start)
    if found:
        audit.record("job.schedule_overridden", job, actor_id, reason=reason, technician_id=technician.id,
                     start=start, end=end,
                     conflict_codes=[c.code for c in found], conflicts=[c.message for c in found])
    notifications.appointment_changed(job, before, actor_id)
    return job


def _check_window(window: Span, start: datetime) -> None:
    """The appointment window runs forward and holds the visit's start, else a 422 naming the field."""
    window_start, window_end = window
    if window_end <= window_start:
        raise Invalid(_("The arrival window ends before it starts."),
                      errors={"window_end": [_("Must be after window_start.")]})
    if not window_start <= start <= window_end:
        raise Invalid(_("The visit starts outside the arrival window."),
                      errors={"window_start": [_("The visit's start must lie inside the window.")]})


def appointment_of(job: Job) -> notifications.Appointment:
    """Who is coming when, as the job stands now."""
    return notifications.Appointment(job.technician_id, job.scheduled_start, job.scheduled_end)


def unschedule(job: Job, reason: str | None, actor_id: int | None) -> Job:
    """Take ``job`` off the planning, back to the unscheduled queue with no technician and no times."""
    reason = _reason(reason, "reason")
    previous = appointment_of(job)
    before = _take_off(job, JobStatus.UNSCHEDULED, reason, actor_id)
    job.technician_id = job.scheduled_start = job.scheduled_end = None
    job.technician = None
    audit.record("job.unscheduled", job, actor_id, reason=reason,
                 previous_technician_id=previous.technician_id, previous_start=previous.start)
    return _tell_cancelled(job, before, reason, actor_id)


def postpone(job: Job, reason: str, actor_id: int | None) -> Job:
    """Postpone ``job`` with a reason: it leaves the technician's day and waits to be planned again."""
    reason = _reason(reason, "reason", required=True)
    before = _take_off(job, JobStatus.POSTPONED, reason, actor_id)
    job.postponed_reason = reason
    return _tell_cancelled(job, before, reason, actor_id)


def cancel(job: Job, reason: str, actor_id: int | None) -> Job:
    """Cancel ``job`` with a reason; a planned visit is called off."""
    reason = _reason(reason, "reason", required=True)
    return _tell_cancelled(job, _take_off(job, JobStatus.CANCELLED, reason, actor_id), reason, actor_id)


def _reason(text: str | None, field: str, required: bool = False) -> str | None:
    """``text`` trimmed (None when blank); a 422 on ``field`` when it is required and blank, or too long."""
    text = (text or "").strip() or None
    if text is None and required:
        raise Invalid(_("Give a reason."), errors={field: [_("A reason is required.")]})
    if text is not None and len(text) > REASON_MAX:
        raise Invalid(_("The reason is too long."), errors={field: [
            _("At most %(count)s characters.", count=REASON_MAX)]})
    return text


def _take_off(job: Job, status: JobStatus, reason: str | None, actor_id: int | None) -> notifications.Appointment:
    """Move ``job`` to ``status`` (409 when the life cycle forbids it); the appointment as it was, if planned."""
    before = appointment_of(job)
    planned = job.status in PLANNED and before.start is not None
    change_status(job, status, actor_id, reason=reason)
    return before if planned else notifications.Appointment(None, None, None)


def _tell_cancelled(job: Job, before: notifications.Appointment, reason: str | None, actor_id: int | None) -> Job:
    """Tell the customer a planned visit is off (nothing to tell when none was planned)."""
    if before.start is not None:
        notifications.appointment_cancelled(job, before, reason, actor_id)
    return job


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
