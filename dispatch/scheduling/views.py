"""Back-office pages of scheduling: the job list and the job page (schedule, suggestions, evidence)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from dispatch.admin.services import company_zone
from dispatch.auth.access import roles_required
from dispatch.billing import services as billing
from dispatch.closure import services as closure
from dispatch.enums import CoverageOutcome, JobStatus, Role
from dispatch.errors import Conflict, Invalid
from dispatch.field import services as field
from dispatch.scheduling import services, suggestions
from dispatch.scheduling.forms import (
    UTC,
    CancelForm,
    CoverageForm,
    PostponeForm,
    ScheduleForm,
    UnscheduleForm,
    options,
)
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
    return _job_page(services.get_job(job_id))


@bp.post("/jobs/<int:job_id>/schedule")
@roles_required(Role.AGENT, Role.ADMIN)
def schedule(job_id: int):  # noqa: ANN201
    """Assign a technician for a visit typed in local time; clashes are a 409 on the job page, with a field
    to schedule anyway for a reason."""
    job = services.get_job(job_id)
    form = ScheduleForm()
    form.technician_id.choices = _technician_choices()
    conflict, status = None, 422
    if form.validate_on_submit():
        zone = company_zone()
        start, end = form.window(zone)
        try:
            services.schedule(job, form.technician_id.data, start, end, current_user.id, form.override_reason.data,
                              window=form.arrival_window(zone))
        except Conflict as error:
            status = 409
            if job.status in PLANNABLE:
                conflict = error  # a clash with the planning, shown with the schedule form
            else:
                flash(error.detail, "error")  # no form any more: started, finished or cancelled meanwhile
        except Invalid as error:
            form_failed(form, error, {"window_start": "window_start", "window_end": "window_end"})
        else:
            flash(_("Job %(number)s scheduled for %(name)s.", number=job.number, name=job.technician.name),
                  "success")
            return redirect(url_for("scheduling.job", job_id=job.id), 303)
    return _job_page(job, form=form, conflict=conflict), status


# The ways to take a job off the planning: the form, the service, the status it leads to, the message on success.
TAKE_OFF: dict[str, tuple[type[FlaskForm], Callable[..., Job], JobStatus, Callable[[str], str]]] = {
    "unschedule": (UnscheduleForm, services.unschedule, JobStatus.UNSCHEDULED,
                   lambda number: _("Job %(number)s is back in the unscheduled queue.", number=number)),
    "postpone": (PostponeForm, services.postpone, JobStatus.POSTPONED,
                 lambda number: _("Job %(number)s is postponed.", number=number)),
    "cancel": (CancelForm, services.cancel, JobStatus.CANCELLED,
               lambda number: _("Job %(number)s is cancelled.", number=number)),
}


@bp.post("/jobs/<int:job_id>/unschedule", defaults={"action": "unschedule"}, endpoint="unschedule")
@bp.post("/jobs/<int:job_id>/postpone", defaults={"action": "postpone"}, endpoint="postpone")
@bp.post("/jobs/<int:job_id>/cancel", defaults={"action": "cancel"}, endpoint="cancel")
@roles_required(Role.AGENT, Role.ADMIN)
def take_off(job_id: int, action: str):  # noqa: ANN201
    """Unschedule, postpone or cancel with a reason; a refusal is shown beside the reason field."""
    job = services.get_job(job_id)
    form_class, change, _status, done = TAKE_OFF[action]
    form = form_class(prefix=action)
    status = 422
    if form.validate_on_submit():
        try:
            change(job, form.reason.data, current_user.id)
        except (Conflict, Invalid) as error:
            status = error.status
            form.reason.errors = [*form.reason.errors, *error.errors.get("reason", [error.detail])]
        else:
            flash(done(job.number), "success")
            return redirect(url_for("scheduling.job", job_id=job.id), 303)
    return _job_page(job, take_off={action: form}), status


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
    return _job_page(job, coverage_form=form), status


def _technician_choices() -> list[SelectChoice]:
    return options([("", _("Choose a technician"))] + [(t.id, t.name) for t in services.technicians()])


def _suggestion_window(job: Job) -> tuple[datetime, datetime]:
    """The window to rank suggestions for: the day and hours asked for, else the default of the API."""
    zone = company_zone()
    try:
        day = datetime.strptime(request.args["day"], "%Y-%m-%d").date()
        begin = datetime.strptime(request.args.get("from") or "00:00", "%H:%M").time()
        finish = request.args.get("to")
        until = datetime.strptime(finish, "%H:%M").time() if finish else None
    except (KeyError, ValueError):
        return suggestions.window_for(job, None, None)
    start = datetime.combine(day, begin, zone).astimezone(UTC)
    end = (datetime.combine(day, until, zone).astimezone(UTC) if until and until > begin
           else suggestions.day_window(start)[1])
    return start, end


def _job_page(job: Job, *, form: ScheduleForm | None = None, coverage_form: CoverageForm | None = None,
              conflict: Conflict | None = None, take_off: dict[str, FlaskForm] | None = None) -> str:
    zone = company_zone()
    desk = current_user.role in (Role.AGENT, Role.ADMIN)
    can_plan = desk and job.status in PLANNABLE
    form = form or ScheduleForm(formdata=None)
    allowed = services.TRANSITIONS[job.status] if desk else set()
    forms = {action: form_class(formdata=None, prefix=action)
             for action, (form_class, _change, status, _done) in TAKE_OFF.items() if status in allowed}
    forms.update(take_off or {})
    start, end = _suggestion_window(job)
    ranking = suggestions.ranking(job, start, end) if can_plan else None
    form.technician_id.choices = _technician_choices()
    if form.technician_id.data is None and job.technician_id:
        form.technician_id.data = job.technician_id
    if not form.errors:
        form.prefill(_prefill_start(job, ranking, start), job.duration_minutes, zone)
        if job.window_start and job.window_end and form.window_start.data is None:
            form.window_start.data = job.window_start.astimezone(zone).time()
            form.window_end.data = job.window_end.astimezone(zone).time()
    decision = closure.current_decision(job.id)
    needs_review = (job.status == JobStatus.COMPLETED and decision is not None
                    and decision.outcome == CoverageOutcome.NEEDS_REVIEW)
    return render_template(
        "scheduling/job.html", job=job, form=form, coverage_form=coverage_form or CoverageForm(formdata=None),
        conflict=conflict, can_plan=can_plan, ranking=ranking, window_start=start.astimezone(zone),
        window_end=end.astimezone(zone), take_off_forms=forms,
        evidence=field.job_evidence(job.id), receipt=closure.receipt_for(job.id), decision=decision,
        can_decide=needs_review and desk,
        invoice=billing.get_invoice(job.invoice_id) if job.invoice_id else None,
        customer=job.site.customer, follow_up_of=services.get_job(job.follow_up_of_id) if job.follow_up_of_id else None,
    )


def _prefill_start(job: Job, ranking: suggestions.Ranking | None, start: datetime) -> datetime:
    """Where the typed form starts: the job's planned visit, else the best suggestion, else the window."""
    if job.scheduled_start is not None and job.status in PLANNABLE:
        return job.scheduled_start
    if ranking is not None and ranking.suggestions:
        return ranking.suggestions[0].earliest_start
    return start
