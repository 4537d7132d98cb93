"""Admin pages of the SLA set-up: policies, business hours and holidays (linked from the settings page)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from dispatch.auth.access import roles_required
from dispatch.dbtypes import utcnow
from dispatch.desk.sla import settings
from dispatch.desk.sla.forms import PRIORITY_LABELS, BusinessHoursForm, HolidayForm, PolicyForm, PublicHolidaysForm
from dispatch.desk.sla.models import SlaPolicy
from dispatch.enums import Role
from dispatch.errors import DomainError
from dispatch.scheduling.team.forms import DAY_LABELS
from dispatch.web import form_failed

bp = Blueprint("sla", __name__, url_prefix="/admin/sla")


@bp.get("/policies")
@roles_required(Role.ADMIN)
def policies():  # noqa: ANN201
    """Every policy with its targets; links to new, edit, and the business hours and holidays."""
    return render_template("desk/sla/policies.html", policies=settings.policies(), priorities=PRIORITY_LABELS)


@bp.route("/policies/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_policy():  # noqa: ANN201
    """A new policy for a priority and customer group."""
    form = PolicyForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST":
        status = _saved(form, lambda data: settings.create_policy(data, current_user.id))
        if status is None:
            return redirect(url_for("sla.policies"), 303)
        return render_template("desk/sla/policy.html", form=form, policy=None), status
    return render_template("desk/sla/policy.html", form=form, policy=None)


@bp.route("/policies/<int:policy_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def policy(policy_id: int):  # noqa: ANN201
    """Edit a policy: the tickets opened from now on get the new targets."""
    policy = settings.get_policy(policy_id)
    if request.method == "POST":
        form = PolicyForm()
        status = _saved(form, lambda data: settings.update_policy(policy, data, current_user.id))
        if status is None:
            return redirect(url_for("sla.policies"), 303)
        return render_template("desk/sla/policy.html", form=form, policy=policy), status
    return render_template("desk/sla/policy.html", form=_filled(policy), policy=policy)


@bp.post("/policies/<int:policy_id>/deactivate")
@roles_required(Role.ADMIN)
def deactivate_policy(policy_id: int):  # noqa: ANN201
    """New tickets no longer get this policy."""
    policy = settings.deactivate_policy(settings.get_policy(policy_id), current_user.id)
    flash(_("Policy %(name)s deactivated.", name=policy.name or PRIORITY_LABELS[policy.priority.value]), "success")
    return redirect(url_for("sla.policies"), 303)


@bp.route("/business-hours", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def business_hours():  # noqa: ANN201
    """The week's opening periods, one line per day; wrong periods come back marked, nothing saved."""
    if request.method == "POST":
        form = BusinessHoursForm()
        if form.validate_on_submit():
            try:
                settings.set_week(form.service_data(), current_user.id)
            except DomainError as error:
                form_failed(form, error, form.field_names())
            else:
                flash(_("Business hours saved."), "success")
                return redirect(url_for("sla.business_hours"), 303)
        return render_template("desk/sla/hours.html", form=form, days=DAY_LABELS), 422
    form = BusinessHoursForm(formdata=None)
    form.fill(settings.week())
    return render_template("desk/sla/hours.html", form=form, days=DAY_LABELS)


@bp.get("/holidays")
@roles_required(Role.ADMIN)
def holidays():  # noqa: ANN201
    """Holidays of a year (this one unless ``year`` says otherwise), with forms to add and remove."""
    return _holidays_page(HolidayForm(formdata=None), _public_form())


@bp.post("/holidays")
@roles_required(Role.ADMIN)
def add_holiday():  # noqa: ANN201
    """Add one holiday."""
    form = HolidayForm()
    status = _saved(form, lambda data: settings.add_holiday(data["day"], data["name"], current_user.id),
                    lambda: {"day": form.day.data, "name": form.name.data})
    if status is None:
        flash(_("Holiday added."), "success")
        return redirect(url_for("sla.holidays", year=form.day.data.year), 303)
    return _holidays_page(form, _public_form()), status


@bp.post("/holidays/public")
@roles_required(Role.ADMIN)
def add_public_holidays():  # noqa: ANN201
    """Add a country's public holidays of a year (the days already there are skipped)."""
    form = PublicHolidaysForm()
    added = []
    status = _saved(form, lambda data: added.extend(
        settings.add_public_holidays(data["country"], data["year"], current_user.id)),
        lambda: {"country": form.country.data, "year": form.year.data})
    if status is None:
        flash(_("%(count)s public holidays added.", count=len(added)), "success")
        return redirect(url_for("sla.holidays", year=form.year.data), 303)
    return _holidays_page(HolidayForm(formdata=None), form), status


@bp.post("/holidays/<int:holiday_id>/delete")
@roles_required(Role.ADMIN)
def delete_holiday(holiday_id: int):  # noqa: ANN201
    """Remove a holiday."""
    holiday = settings.get_holiday(holiday_id)
    year = holiday.day.year
    settings.remove_holiday(holiday, current_user.id)
    flash(_("Holiday removed."), "success")
    return redirect(url_for("sla.holidays", year=year), 303)


def _saved(form: FlaskForm, save, data=None) -> int | None:  # noqa: ANN001
    """Validate ``form`` and ``save`` its data; None when saved, else the status to answer with."""
    if not form.validate_on_submit():
        return 422
    try:
        save(data() if data else form.service_data())
    except DomainError as error:
        form_failed(form, error)
        return error.status
    return None


def _filled(policy: SlaPolicy) -> PolicyForm:
    form = PolicyForm(formdata=None, obj=policy)
    form.priority.data = policy.priority.value
    return form


def _year() -> int:
    year = request.args.get("year", type=int)
    return year if year and settings.FIRST_YEAR <= year <= settings.LAST_YEAR else utcnow().year


def _public_form() -> PublicHolidaysForm:
    form = PublicHolidaysForm(formdata=None)
    form.year.data = _year()
    return form


def _holidays_page(form: HolidayForm, public_form: PublicHolidaysForm) -> str:
    year = public_form.year.data if isinstance(public_form.year.data, int) else _year()
    return render_template("desk/sla/holidays.html", form=form, public_form=public_form, year=year,
                           holidays=settings.holidays(year))
