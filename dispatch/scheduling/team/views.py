"""Back-office pages of the team: technicians, their profile and absences, reassigning an absent one's jobs."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from dispatch.admin.services import company_zone
from dispatch.auth.access import roles_required
from dispatch.auth.models import User
from dispatch.dbtypes import utcnow
from dispatch.enums import Role
from dispatch.errors import Conflict, Invalid
from dispatch.scheduling.calendar_feed import services as calendar_feed
from dispatch.scheduling.team import reassignment, services
from dispatch.scheduling.team.forms import DAY_LABELS, AbsenceForm, TechnicianForm, reassign_form
from dispatch.web import form_failed

bp = Blueprint("team", __name__)

OFFICE = (Role.AGENT, Role.ADMIN)
PAGE_SIZE = 50


@bp.get("/technicians")
@roles_required(*OFFICE)
def technicians():  # noqa: ANN201
    """Technicians with skills, home base, weekly hours and who is away now."""
    page = services.technician_page(request.args.get("cursor") or None, PAGE_SIZE)
    return render_template("scheduling/team/list.html", page=page, weekly_minutes=services.weekly_minutes,
                           reasons=services.REASON_LABELS)


@bp.get("/technicians/<int:technician_id>")
@roles_required(*OFFICE)
def technician(technician_id: int):  # noqa: ANN201
    """One technician's profile to edit, their coming absences and a form to add one."""
    view = services.technician_view(technician_id)
    return _technician_page(view, _profile_form(view), AbsenceForm(formdata=None))


@bp.post("/technicians/<int:technician_id>")
@roles_required(*OFFICE)
def update_technician(technician_id: int):  # noqa: ANN201
    """Save skills, home base and working hours; wrong values come back marked, nothing saved."""
    view = services.technician_view(technician_id)
    form = TechnicianForm()
    if form.validate_on_submit():
        try:
            services.update_technician(view.user, form.service_data(), current_user.id)
        except Invalid as error:
            form_failed(form, error, form.field_names())
        else:
            flash(_("Profile of %(name)s saved.", name=view.user.name), "success")
            return redirect(url_for("team.technician", technician_id=technician_id), 303)
    return _technician_page(view, form, AbsenceForm(formdata=None)), 422


@bp.post("/technicians/<int:technician_id>/absences")
@roles_required(*OFFICE)
def add_absence(technician_id: int):  # noqa: ANN201
    """Record an absence; when it overlaps planned jobs, go on to reassign them."""
    view = services.technician_view(technician_id)
    form = AbsenceForm()
    if form.validate_on_submit():
        try:
            absence, jobs = services.add_absence(view.user, form.service_data(company_zone()), current_user.id)
        except Invalid as error:
            form_failed(form, error, form.field_names())
        else:
            if not jobs:
                flash(_("Absence of %(name)s recorded; no planned jobs are affected.", name=view.user.name),
                      "success")
                return redirect(url_for("team.technician", technician_id=technician_id, _anchor="absences"), 303)
            flash(_("Absence of %(name)s recorded. It overlaps %(count)s planned jobs: %(numbers)s.",
                    name=view.user.name, count=len(jobs), numbers=", ".join(job.number for job in jobs)), "warning")
            return redirect(url_for("team.reassign", technician_id=technician_id,
                                    start=absence.starts_at.isoformat(), end=absence.ends_at.isoformat()), 303)
    return _technician_page(view, _profile_form(view), form), 422


@bp.post("/absences/<int:absence_id>/delete")
@roles_required(*OFFICE)
def delete_absence(absence_id: int):  # noqa: ANN201
    """Remove an absence."""
    absence = services.get_absence(absence_id)
    technician_id = absence.technician_id  # the CSRF token is checked for every POST (CSRFProtect)
    services.delete_absence(absence, current_user.id)
    flash(_("Absence removed."), "success")
    return redirect(url_for("team.technician", technician_id=technician_id, _anchor="absences"), 303)


@bp.post("/technicians/<int:technician_id>/calendar-link")
@roles_required(*OFFICE)
def create_calendar_link(technician_id: int):  # noqa: ANN201
    """A new calendar feed link, shown on this answer only (it is stored hashed); the old link stops working."""
    view = services.technician_view(technician_id)
    url = calendar_feed.create_link(view.profile, current_user.id)
    response = make_response(_technician_page(view, _profile_form(view), AbsenceForm(formdata=None),
                                              calendar_url=url))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/technicians/<int:technician_id>/calendar-link/off")
@roles_required(*OFFICE)
def revoke_calendar_link(technician_id: int):  # noqa: ANN201
    """Turn the technician's calendar feed link off (a lost phone, a leaked link)."""
    view = services.technician_view(technician_id)
    calendar_feed.revoke_link(view.profile, current_user.id)
    flash(_("The calendar link of %(name)s is turned off.", name=view.user.name), "success")
    return redirect(url_for("team.technician", technician_id=technician_id, _anchor="calendar-link"), 303)


@bp.get("/technicians/<int:technician_id>/reassign")
@roles_required(*OFFICE)
def reassign(technician_id: int):  # noqa: ANN201
    """The technician's planned jobs in a span, each with the best other technician preselected."""
    technician, proposals, form, start, end = _reassignment(technician_id)
    return _reassign_page(technician, proposals, form, start, end)


@bp.post("/technicians/<int:technician_id>/reassign")
@roles_required(*OFFICE)
def apply_reassignment(technician_id: int):  # noqa: ANN201
    """Apply the chosen technicians (or the queue) to every listed job at once."""
    technician, proposals, form, start, end = _reassignment(technician_id)
    status = 422
    if form.validate_on_submit():
        assignments = [{"job_id": p.job.id, "technician_id": form[f"job_{p.job.id}"].data} for p in proposals]
        try:
            jobs = reassignment.apply(technician, assignments, form.reason.data, current_user.id)
        except (Invalid, Conflict) as error:
            status = error.status
            form.form_errors.append(error.detail)
        else:
            flash(_("%(count)s jobs of %(name)s reassigned.", count=len(jobs), name=technician.name), "success")
            return redirect(url_for("team.technician", technician_id=technician_id, _anchor="absences"), 303)
    return _reassign_page(technician, proposals, form, start, end), status


def _profile_form(view: services.TechnicianView) -> TechnicianForm:
    """The profile form showing what is stored."""
    form = TechnicianForm(formdata=None)
    form.fill(view.profile)
    return form


def _reassignment(technician_id: int) -> tuple[User, list[reassignment.Proposal], FlaskForm, datetime, datetime]:
    """The technician, the proposals for the span in the query and the form choosing among them."""
    technician = services.get_technician(technician_id)
    start, end = _span()
    proposals = reassignment.propose(technician, start, end)
    return technician, proposals, reassign_form(proposals, _("Back to the unscheduled queue")), start, end


def _span() -> tuple[datetime, datetime]:
    """The ``start`` and ``end`` query arguments (ISO 8601 with offset); anything else is a 400."""
    try:
        start, end = (datetime.fromisoformat(request.args[name]) for name in ("start", "end"))
    except (KeyError, ValueError):
        abort(400)
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        abort(400)
    return start, end


def _technician_page(view: services.TechnicianView, form: TechnicianForm, absence_form: AbsenceForm,
                     calendar_url: str | None = None) -> str:
    now = utcnow()
    return render_template("scheduling/team/technician.html", view=view, form=form, absence_form=absence_form,
                           calendar_url=calendar_url,
                           absences=services.absences_of(view.user, since=now), days=DAY_LABELS,
                           reasons=services.REASON_LABELS, weekly_minutes=services.weekly_minutes(
                               view.profile.working_hours))


def _reassign_page(technician, proposals, form, start: datetime, end: datetime) -> str:  # noqa: ANN001
    return render_template("scheduling/team/reassign.html", technician=technician, proposals=proposals, form=form,
                           start=start, end=end)
