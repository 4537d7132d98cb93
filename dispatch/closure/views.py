"""Back-office pages of closure: the agents' queue of jobs whose coverage needs review, and the review."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from dispatch.auth.access import roles_required
from dispatch.closure import services
from dispatch.enums import CoverageOutcome, JobStatus, Role
from dispatch.errors import Conflict, Invalid
from dispatch.field import services as field
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.forms import CoverageForm
from dispatch.web import form_failed

bp = Blueprint("closure", __name__, url_prefix="/coverage")

PAGE_SIZE = 25
DESK = (Role.AGENT, Role.ADMIN)


@bp.get("/review")
@roles_required(*DESK)
def review_queue():  # noqa: ANN201
    """Completed jobs whose coverage an agent must decide, oldest decision first, a page per cursor."""
    page = services.review_queue(request.args.get("cursor"), PAGE_SIZE)
    jobs = {job.id: job for job in scheduling.jobs_by_id([decision.job_id for decision in page.items])}
    return render_template("closure/review_queue.html", page=page, jobs=jobs,
                           first_page=not request.args.get("cursor"))


@bp.get("/review/<int:job_id>")
@roles_required(*DESK)
def review(job_id: int):  # noqa: ANN201
    """One job's evidence (photos, notes, receipt, asset history) beside the decision form."""
    return _review_page(scheduling.get_job(job_id), CoverageForm(formdata=None))


@bp.post("/review/<int:job_id>")
@roles_required(*DESK)
def decide(job_id: int):  # noqa: ANN201
    """Record the agent's decision (audited); the job is billed when chargeable and closed."""
    job = scheduling.get_job(job_id)
    form = CoverageForm()
    status = 422
    if form.validate_on_submit():
        try:
            services.decide_manually(job, form.outcome.data, [form.reason.data], current_user.id,
                                     covers=form.covers.data)
        except Conflict as error:
            form.form_errors.append(error.detail)
            status = 409
        except Invalid as error:
            form_failed(form, error)
        else:
            flash(_("Coverage decided; job %(number)s is closed.", number=job.number), "success")
            return redirect(url_for("closure.review_queue"), 303)
    return _review_page(job, form), status


def _review_page(job, form: CoverageForm) -> str:  # noqa: ANN001 - a Job
    decision = services.current_decision(job.id)
    needs_review = (job.status == JobStatus.COMPLETED and decision is not None
                    and decision.outcome == CoverageOutcome.NEEDS_REVIEW)
    return render_template(
        "closure/review.html", job=job, decision=decision, coverage_form=form, can_decide=needs_review,
        evidence=field.job_evidence(job.id), receipt=services.receipt_for(job.id),
        history=services.asset_history(job), invoice=None, customer=job.site.customer,
    )
