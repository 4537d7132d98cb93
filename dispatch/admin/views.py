"""The admin's settings page: company details, invoicing rules, rates and the logo."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from dispatch.admin import services
from dispatch.admin.forms import COMPANY_TEXT, NUMBERS, LogoForm, SettingsForm
from dispatch.admin.logo import MAX_LOGO_BYTES
from dispatch.auth.access import roles_required
from dispatch.enums import JobKind, Role
from dispatch.errors import Conflict, DomainError, Invalid
from dispatch.forms import options
from dispatch.web import form_failed

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/settings")
@roles_required(Role.ADMIN)
def settings():  # noqa: ANN201
    """The settings as they are, ready to change."""
    return _page(_filled(SettingsForm(formdata=None)), LogoForm(formdata=None))


@bp.post("/settings")
@roles_required(Role.ADMIN)
def save_settings():  # noqa: ANN201
    """Save the settings; wrong values come back with their fields marked and nothing saved."""
    form = SettingsForm()
    form.timezone.choices = options((name, name) for name in services.time_zones())
    status = 422
    if form.validate_on_submit():
        try:
            services.update_settings(form.service_data(), current_user.id)
        except Invalid as error:
            form_failed(form, error)
        except Conflict as error:
            form_failed(form, error)
            status = 409
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("admin.settings"), 303)
    return _page(form, LogoForm(formdata=None)), status


@bp.post("/settings/logo")
@roles_required(Role.ADMIN)
def upload_logo():  # noqa: ANN201
    """Replace the logo; a file that is not a usable PNG or JPEG is refused with the reason."""
    form = LogoForm()
    status = 422
    if form.validate_on_submit():
        try:
            services.save_logo(form.file.data.stream.read(MAX_LOGO_BYTES + 1), current_user.id)
        except DomainError as error:
            form.file.errors = [*form.file.errors, *error.errors.get("file", [error.detail])]
            status = error.status
        else:
            flash(_("Logo saved."), "success")
            return redirect(url_for("admin.settings", _anchor="logo"), 303)
    return _page(_filled(SettingsForm(formdata=None)), form), status


@bp.get("/settings/logo.png")
@roles_required(Role.ADMIN)
def logo():  # noqa: ANN201
    """The stored logo, for the preview on the settings page."""
    png = services.logo_png()
    if png is None:
        abort(404)
    response = current_app.response_class(png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _filled(form: SettingsForm) -> SettingsForm:
    """``form`` holding the stored settings."""
    settings = services.company()
    for name in (*COMPANY_TEXT, *NUMBERS, "timezone"):
        form[name].data = getattr(settings, name)
    form.travel_billing.data = settings.travel_billing.value
    form.omit_covered_lines.data = "1" if settings.omit_covered_lines else "0"
    for group in services.rate_groups():
        form.rate_groups.append_entry({"id": group.id, "name": group.name, "hourly_rate": group.hourly_rate})
    for kind, rate in services.job_kind_rates().items():
        form[f"rate_{kind.value}"].data = rate
    return form


def _page(form: SettingsForm, logo_form: LogoForm) -> str:
    form.timezone.choices = options((name, name) for name in services.time_zones())
    settings = services.company()
    return render_template("admin/settings.html", form=form, logo_form=logo_form, settings=settings,
                           kinds=list(JobKind))
