"""Back-office pages of job templates (admins) and the follow-up form on the job page (agents)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from dispatch.auth.access import roles_required
from dispatch.enums import Role
from dispatch.errors import Conflict, Invalid
from dispatch.forms import options
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.job_templates import services
from dispatch.scheduling.job_templates.forms import FollowUpForm, TemplateForm
from dispatch.web import form_failed

bp = Blueprint("job_templates", __name__)


@bp.get("/admin/job-templates")
@roles_required(Role.ADMIN)
def templates():  # noqa: ANN201
    """Every job template, active first."""
    return render_template("scheduling/job_templates/list.html", templates=services.all_templates())


@bp.get("/admin/job-templates/new")
@roles_required(Role.ADMIN)
def new_template():  # noqa: ANN201
    """An empty template form."""
    return render_template("scheduling/job_templates/edit.html", form=TemplateForm(formdata=None), template=None)


@bp.post("/admin/job-templates/new")
@roles_required(Role.ADMIN)
def create_template():  # noqa: ANN201
    """Save a new template; a taken name or wrong values come back marked."""
    form = TemplateForm()
    return _save(form, None)


@bp.get("/admin/job-templates/<int:template_id>")
@roles_required(Role.ADMIN)
def template(template_id: int):  # noqa: ANN201
    """A template to edit."""
    found = services.get_template(template_id)
    form = TemplateForm(formdata=None)
    form.fill(found)
    return render_template("scheduling/job_templates/edit.html", form=form, template=found)


@bp.post("/admin/job-templates/<int:template_id>")
@roles_required(Role.ADMIN)
def update_template(template_id: int):  # noqa: ANN201
    """Save the template's changes."""
    return _save(TemplateForm(), services.get_template(template_id))


@bp.post("/admin/job-templates/<int:template_id>/active")
@roles_required(Role.ADMIN)
def set_active(template_id: int):  # noqa: ANN201
    """Retire a template (``active=0``) or offer it again (``active=1``)."""
    found = services.get_template(template_id)
    services.update_template(found, {"active": request.form.get("active") == "1"}, current_user.id)
    if found.active:
        flash(_("Template %(name)s is offered for new jobs.", name=found.name), "success")
    else:
        flash(_("Template %(name)s is retired; jobs made from it keep their copy.", name=found.name), "success")
    return redirect(url_for("job_templates.templates"), 303)


def _save(form: TemplateForm, template: Any):  # noqa: ANN202
    status = 422
    if form.validate_on_submit():
        try:
            if template is None:
                template = services.create_template(form.service_data(), current_user.id)
            else:
                services.update_template(template, form.service_data(), current_user.id)
        except (Invalid, Conflict) as error:
            form_failed(form, error)
            status = error.status
        else:
            flash(_("Job template %(name)s saved.", name=template.name), "success")
            return redirect(url_for("job_templates.templates"), 303)
    return render_template("scheduling/job_templates/edit.html", form=form, template=template), status


@bp.post("/jobs/<int:job_id>/follow-ups")
@roles_required(Role.AGENT, Role.ADMIN)
def create_follow_up(job_id: int):  # noqa: ANN201
    """A follow-up job of a finished one; on to the new job's page to schedule it."""
    job = scheduling.get_job(job_id)
    form = follow_up_form(request.form)
    status = 422
    if form.validate_on_submit():
        try:
            follow_up = services.create_follow_up(job, form.service_data(), current_user.id)
        except (Invalid, Conflict) as error:
            form_failed(form, error)
            status = error.status
        else:
            flash(_("Follow-up job %(number)s created. Schedule a technician below.", number=follow_up.number),
                  "success")
            return redirect(url_for("scheduling.job", job_id=follow_up.id), 303)
    return render_template("scheduling/job_templates/follow_up.html", job=job, filled_follow_up_form=form), status


def follow_up_form(formdata: Any = None) -> FollowUpForm:
    """A follow-up form with the active templates to choose from."""
    form = FollowUpForm(formdata=formdata)
    form.template_id.choices = options([("", _("No template"))] + [(t.id, t.name)
                                                                   for t in services.active_templates()])
    return form


@bp.app_context_processor
def _follow_up_helpers() -> dict[str, Any]:
    """What ``scheduling/_follow_up.html`` needs on the job page (built only when the page shows the form)."""
    return {"new_follow_up_form": follow_up_form, "follow_ups_of": services.follow_ups_of,
            "follow_up_allowed": lambda job: job.status in services.DONE}
