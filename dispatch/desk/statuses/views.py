"""Admin page of the ticket statuses (linked from the settings page): the list with ticket counts, a form for a
new one, renaming, reordering and removing."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from dispatch.auth.access import roles_required
from dispatch.desk.forms import STATE_LABELS, status_label
from dispatch.desk.models import TicketStatus
from dispatch.desk.statuses import services
from dispatch.enums import Role
from dispatch.errors import DomainError
from dispatch.forms import blank_to_none, options
from dispatch.web import form_failed

bp = Blueprint("desk_statuses", __name__, url_prefix="/admin/ticket-statuses")
# Every page names a status through it (``_labels.html`` ticket_status): one rule for the seeded names.
bp.add_app_template_global(status_label)


class StatusForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=services.MAX_NAME)],
                       filters=[blank_to_none])
    category = SelectField(_l("Category"), choices=options(STATE_LABELS.items()), validate_choice=True,
                           description=_l("Paused stops the SLA clock; closed resolves the ticket."))


class NewStatusForm(StatusForm):
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=40)], filters=[blank_to_none],
                      description=_l("Lower-case letters, digits and underscores; fixed once saved."))


class MoveForm(FlaskForm):
    direction = SelectField(_l("Direction"), choices=options([("up", _l("Up")), ("down", _l("Down"))]))


@bp.get("")
@roles_required(Role.ADMIN)
def statuses():  # noqa: ANN201
    """The statuses in order with their category and ticket count, and a form for a new one."""
    return _list_page(NewStatusForm(formdata=None))


@bp.post("")
@roles_required(Role.ADMIN)
def create():  # noqa: ANN201
    """Add a status at the end of the list."""
    form = NewStatusForm()
    if form.validate_on_submit():
        try:
            services.create_status({"key": form.key.data, "name": form.name.data, "category": form.category.data},
                                   current_user.id)
        except DomainError as error:
            form_failed(form, error)
        else:
            flash(_("Status %(name)s added.", name=form.name.data), "success")
            return redirect(url_for("desk_statuses.statuses"), 303)
    return _list_page(form), 422


def _list_page(form: NewStatusForm) -> str:
    return render_template("desk/statuses/list.html", rows=services.listing(), form=form,
                           categories=STATE_LABELS)


@bp.route("/<int:status_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(status_id: int):  # noqa: ANN201
    """Rename a status; an added status no ticket is in may also change its category."""
    status = services.get_status(status_id)
    form = StatusForm(obj=status if request.method == "GET" else None)
    if request.method == "GET":
        form.category.data = status.category.value
    if status.builtin:
        del form.category
    if form.validate_on_submit():
        data = {"name": form.name.data}
        if not status.builtin:
            data["category"] = form.category.data
        try:
            services.update_status(status, data, current_user.id)
        except DomainError as error:
            form_failed(form, error)
        else:
            flash(_("Status %(name)s saved.", name=status.name), "success")
            return redirect(url_for("desk_statuses.statuses"), 303)
    answer = 422 if form.errors or form.form_errors else 200
    return render_template("desk/statuses/edit.html", status=status, form=form, categories=STATE_LABELS,
                           ticket_count=services.tickets_in(status)), answer


@bp.post("/<int:status_id>/move")
@roles_required(Role.ADMIN)
def move(status_id: int):  # noqa: ANN201
    """Move a status one place up or down."""
    status = services.get_status(status_id)
    form = MoveForm()
    if form.validate_on_submit():
        services.move(status, form.direction.data, current_user.id)
    return redirect(url_for("desk_statuses.statuses", _anchor=f"status-{status.id}"), 303)


@bp.post("/<int:status_id>/delete")
@roles_required(Role.ADMIN)
def delete(status_id: int):  # noqa: ANN201
    """Remove an added status no ticket is in; otherwise say why not."""
    status: TicketStatus = services.get_status(status_id)
    if FlaskForm().validate_on_submit():
        try:
            services.delete_status(status, current_user.id)
        except DomainError as error:
            flash(error.detail, "error")
        else:
            flash(_("Status %(name)s removed.", name=status.name), "success")
    return redirect(url_for("desk_statuses.statuses"), 303)
