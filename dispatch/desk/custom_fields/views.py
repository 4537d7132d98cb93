"""Custom field pages (admins): the fields in order with a form for a new one, editing and removing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from dispatch.auth.access import roles_required
from dispatch.desk.custom_fields import services
from dispatch.desk.models import CustomField
from dispatch.enums import CustomFieldType, Role
from dispatch.errors import DomainError
from dispatch.forms import blank_to_none, options
from dispatch.web import form_failed

bp = Blueprint("desk_custom_fields", __name__)
TYPE_LABELS = {CustomFieldType.TEXT: _l("Text"), CustomFieldType.NUMBER: _l("Number"),
               CustomFieldType.DATE: _l("Date"), CustomFieldType.CHOICE: _l("Choice"),
               CustomFieldType.CHECKBOX: _l("Checkbox")}


class CustomFieldForm(FlaskForm):
    key = StringField(_l("Key"), validators=[Optional(), Length(max=40)], filters=[blank_to_none])
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=120)], filters=[blank_to_none])
    field_type = SelectField(_l("Type"), choices=options(TYPE_LABELS.items()))
    choices = TextAreaField(_l("Choices (one per line)"), validators=[Optional(), Length(max=5000)],
                            render_kw={"rows": 3})
    required = BooleanField(_l("Required"))
    active = BooleanField(_l("Active"), default=True)
    position = IntegerField(_l("Position"), default=0, validators=[Optional(), NumberRange(0, 10000)])

    def service_data(self) -> dict[str, Any]:
        return {"key": self.key.data, "label": self.label.data, "field_type": self.field_type.data,
                "choices": [line.strip() for line in (self.choices.data or "").splitlines() if line.strip()],
                "required": self.required.data, "active": self.active.data, "position": self.position.data or 0}


def _form(field: CustomField | None = None) -> CustomFieldForm:
    if request.method == "GET" and field is not None:
        return CustomFieldForm(data={"key": field.key, "label": field.label, "field_type": field.field_type.value,
                                     "choices": "\n".join(field.choices or []), "required": field.required,
                                     "active": field.active, "position": field.position})
    return CustomFieldForm()


@bp.get("/desk/custom-fields")
@roles_required(Role.ADMIN)
def fields():  # noqa: ANN201
    """The custom ticket fields in their order, and a form for a new one."""
    return _list_page(_form())


@bp.post("/desk/custom-fields")
@roles_required(Role.ADMIN)
def create():  # noqa: ANN201
    """Define a new custom ticket field."""
    form = _form()
    if form.validate_on_submit():
        try:
            services.create_field(form.service_data(), current_user.id)
        except DomainError as error:
            form_failed(form, error)
        else:
            flash(_("Custom field saved."), "success")
            return redirect(url_for("desk_custom_fields.fields"), 303)
    return _list_page(form), 422


def _list_page(form: CustomFieldForm) -> str:
    return render_template("desk/custom_fields/list.html", fields=services.fields(), form=form, types=TYPE_LABELS)


@bp.route("/desk/custom-fields/<int:field_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(field_id: int):  # noqa: ANN201
    """Change a custom field (its key stays)."""
    field = services.get_field(field_id)
    form = _form(field)
    if form.validate_on_submit():
        data = form.service_data()
        data.pop("key")
        try:
            services.update_field(field, data, current_user.id)
        except DomainError as error:
            form_failed(form, error)
        else:
            flash(_("Custom field saved."), "success")
            return redirect(url_for("desk_custom_fields.fields"), 303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("desk/custom_fields/edit.html", field=field, form=form), status


@bp.post("/desk/custom-fields/<int:field_id>/delete")
@roles_required(Role.ADMIN)
def delete(field_id: int):  # noqa: ANN201
    """Remove a custom field definition."""
    field = services.get_field(field_id)
    if FlaskForm().validate_on_submit():
        services.delete_field(field, current_user.id)
        flash(_("Custom field removed."), "success")
    return redirect(url_for("desk_custom_fields.fields"), 303)
