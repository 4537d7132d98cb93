"""Canned response pages: the list with a form for a new one, editing and removing; agents and admins."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from dispatch.auth.access import roles_required
from dispatch.desk.assignment import services as assignment
from dispatch.desk.canned import services
from dispatch.desk.models import CannedResponse
from dispatch.enums import Role
from dispatch.errors import DomainError
from dispatch.forms import blank_to_none, optional_int, options
from dispatch.pagination import paginate
from dispatch.web import form_failed

bp = Blueprint("desk_canned", __name__)
DESK = (Role.AGENT, Role.ADMIN)
PAGE_SIZE = 50
LANGUAGE_LABELS = {"en": _l("English"), "nl": _l("Dutch"), "de": _l("German"), "fr": _l("French")}


class CannedForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)], filters=[blank_to_none])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20000)], render_kw={"rows": 6})
    language = SelectField(_l("Language"), validators=[Optional()], filters=[blank_to_none],
                           choices=options([("", _l("Any language")), *LANGUAGE_LABELS.items()]))
    queue_id = SelectField(_l("Queue"), coerce=optional_int, validators=[Optional()], validate_choice=True)
    active = BooleanField(_l("Offered in the reply form"), default=True)

    def service_data(self) -> dict[str, Any]:
        return {name: self[name].data for name in services.EDITABLE}


def _form(response: CannedResponse | None = None) -> CannedForm:
    form = CannedForm(obj=response if request.method == "GET" else None)
    form.queue_names = {queue.id: queue.name for queue in assignment.active_queues()}
    form.queue_id.choices = options([("", _("Any queue"))] + list(form.queue_names.items()))
    return form


@bp.get("/desk/canned-responses")
@roles_required(*DESK)
def responses():  # noqa: ANN201
    """The canned responses by title, and a form for a new one."""
    return _list_page(_form())


@bp.post("/desk/canned-responses")
@roles_required(*DESK)
def create():  # noqa: ANN201
    """Add a canned response."""
    form = _form()
    if form.validate_on_submit():
        try:
            services.create_response(form.service_data(), current_user.id)
        except DomainError as error:
            form_failed(form, error)
        else:
            flash(_("Canned response saved."), "success")
            return redirect(url_for("desk_canned.responses"), 303)
    return _list_page(form), 422


def _list_page(form: CannedForm) -> str:
    page = paginate(services.listing(), sort=CannedResponse.title, tiebreak=CannedResponse.id,
                    cursor=request.args.get("cursor"), limit=PAGE_SIZE, descending=False)
    return render_template("desk/canned/list.html", page=page, form=form, languages=LANGUAGE_LABELS,
                           placeholders=services.PLACEHOLDERS, queue_names=form.queue_names)


@bp.route("/desk/canned-responses/<int:response_id>", methods=["GET", "POST"])
@roles_required(*DESK)
def edit(response_id: int):  # noqa: ANN201
    """Change a canned response."""
    response = services.get_response(response_id)
    form = _form(response)
    if form.validate_on_submit():
        try:
            services.update_response(response, form.service_data(), current_user.id)
        except DomainError as error:
            form_failed(form, error)
        else:
            flash(_("Canned response saved."), "success")
            return redirect(url_for("desk_canned.responses"), 303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("desk/canned/edit.html", response=response, form=form,
                           placeholders=services.PLACEHOLDERS), status


@bp.post("/desk/canned-responses/<int:response_id>/delete")
@roles_required(*DESK)
def delete(response_id: int):  # noqa: ANN201
    """Remove a canned response."""
    response = services.get_response(response_id)
    if FlaskForm().validate_on_submit():
        services.delete_response(response, current_user.id)
        flash(_("Canned response removed."), "success")
    return redirect(url_for("desk_canned.responses"), 303)
