"""Back-office pages of scheduling: the job list and the job page (schedule, suggestions, evidence)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from dispatch.admin.services import company_zone
from dispatch.auth.access import roles_required
from dispatch.billing import services as billing
from dispatch.closure import services as closure
from dispatch.dbtypes import utcnow
from dispatch.enums import CoverageOutcome, JobStatus, Role
from dispatch.errors import Conflict, Invalid
from dispatch.field import services as field
from dispatch.scheduling import services
from dispatch.scheduling.forms import UTC, CoverageForm, ScheduleForm, options
from dispatch.scheduling.models import Job
from dispatch.web import form_failed

bp = Blueprint("scheduling", __name__)

PAGE_SIZE = 50
OPEN = (JobStatus.UNSCHEDULED, JobStatus.POSTPONED, JobStatus.SCHEDULED, JobStatus.EN_ROUTE,
        JobStatus.ON_SITE, JobStatus.COMPLETED)
# Jobs whose window can still be (re)planned from the back office.
PLANNABLE = (JobStatus.UNSCHEDULED, JobStatus.POSTPONED, JobStatus.SCHEDULED)


@bp.get("/jobs")
@roles_required(Role.AGENT, Role.ADMIN)
def jobs():  # noqa: ANN201
    """Open jobs: unscheduled first (oldest first), then by planned start; or all jobs of one status."""
    status = request.args.get("status") or ""
    statuses = [JobStatus(status)] if status in {s.value for s in JobStatus} else list(OPEN)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows = services.open_jobs(statuses, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1)
    return render_template("scheduling/jobs.html", jobs=rows[:PAGE_SIZE], status=status, page=page,
                           has_next=len(rows) > PAGE_SIZE, statuses=list(JobStatus))


@bp.get("/jobs/<int:job_id>")
@roles_required(Role.AGENT, Role.ADMIN, Role.BILLING)
def job(job_id: int):  # noqa: ANN201
    """The job: what, where, when, who; scheduling with suggestions; the technician's evidence."""
    job = services.get_job(job_id)
    return _job_page(job, ScheduleForm(formdata=None), CoverageForm(formdata=None))


@bp.post("/jobs/<int:job_id>/schedule")
@roles_required(Role.AGENT, Role.ADMIN)
def schedule(job_id: int):  # noqa: ANN201
    """Assign a technician for a window typed in local time; a clash is shown as a 409 on the job page."""
    job = services.get_job(job_id)
    form = ScheduleForm()
    form.technician_id.choices = _technician_choices()
    conflict, status = None, 422
    if form.validate_on_submit():
        start, end = form.window(company_zone())
        try:
            services.schedule(job, form.technician_id.data, start, end, current_user.id)
        except Conflict as error:
            status = 409
            if job.status in PLANNABLE:
                conflict = error  # a clash with the planning, shown with the schedule form
            else:
                flash(error.detail, "error")  # no form any more: started, finished or cancelled meanwhile
        except Invalid as error:
            form_failed(form, error, {"start": "start", "end": "end", "technician_id": "technician_id"})
        else:
            flash(_("Job %(number)s scheduled for %(name)s.", number=job.number, name=job.technician.name),
                  "success")
            return redirect(url_for("scheduling.job", job_id=job.id), 303)
    return _job_page(job, form, CoverageForm(formdata=None), conflict=conflict), status


@bp.post("/jobs/<int:job_id>/coverage")
@roles_required(Role.AGENT, Role.ADMIN)
def decide_coverage(job_id: int):  # noqa: ANN201
    """An agent's coverage decision on a completed job that needs review; closure bills and closes it."""
    job = services.get_job(job_id)
    form = CoverageForm()
    status = 422
    if form.validate_on_submit():
        try:
            closure.decide_manually(job, form.outcome.data, [form.reason.data], current_user.id,
                                    covers=form.covers.data)
        except Conflict as error:
            # Not the planning's conflict box: the job was decided meanwhile (its form is gone) or is not done.
            flash(error.detail, "error")
            status = 409
        except Invalid as error:
            form_failed(form, error)
        else:
            flash(_("Coverage decided; job %(number)s is closed.", number=job.number), "success")
            return redirect(url_for("scheduling.job", job_id=job.id, _anchor="coverage"), 303)
    return _job_page(job, ScheduleForm(formdata=None), form), status


def _technician_choices() -> list[SelectChoice]:
    return options([("", _("Choose a technician"))] + [(t.id, t.name) for t in services.technicians()])


def _suggestion_start(job: Job) -> datetime:
    """The window to rank suggestions for: the one asked for, the job's own, or the next working morning."""
    try:
        day = datetime.strptime(request.args["day"], "%Y-%m-%d").date()
        clock = datetime.strptime(request.args.get("from") or "09:00", "%H:%M").time()
    except (KeyError, ValueError):
        pass
    else:
        return datetime.combine(day, clock, company_zone()).astimezone(UTC)
    if job.scheduled_start is not None and job.scheduled_start > utcnow():
        return job.scheduled_start
    return services.next_working_morning()


def _job_page(job: Job, form: ScheduleForm, coverage_form: CoverageForm,
              conflict: Conflict | None = None) -> str:
    zone = company_zone()
    can_plan = current_user.role in (Role.AGENT, Role.ADMIN) and job.status in PLANNABLE
    start = _suggestion_start(job)
    suggestions = services.suggestions(job, start) if can_plan else []
    form.technician_id.choices = _technician_choices()
    if form.technician_id.data is None and job.technician_id:
        form.technician_id.data = job.technician_id
    if not form.errors:
        form.prefill(start, job.duration_minutes, zone)
    decision = closure.current_decision(job.id)
    needs_review = (job.status == JobStatus.COMPLETED and decision is not None
                    and decision.outcome == CoverageOutcome.NEEDS_REVIEW)
    return render_template(
        "scheduling/job.html", job=job, form=form, coverage_form=coverage_form, conflict=conflict,
        can_plan=can_plan, suggestions=suggestions, window_start=start.astimezone(zone),
        window_end=(start + timedelta(minutes=job.duration_minutes)).astimezone(zone),
        evidence=field.job_evidence(job.id), receipt=closure.receipt_for(job.id), decision=decision,
        can_decide=needs_review and current_user.role in (Role.AGENT, Role.ADMIN),
        invoice=billing.get_invoice(job.invoice_id) if job.invoice_id else None,
        customer=job.site.customer,
    )
