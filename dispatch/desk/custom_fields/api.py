"""/api/v1 custom ticket fields: admins define them; agents read them to fill tickets in."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.auth.access import roles_required
from dispatch.desk.custom_fields import services
from dispatch.enums import CustomFieldType, Role
from dispatch.schemas import Text

blp = Blueprint("api_desk_custom_fields", __name__, url_prefix="/api/v1", description="Custom ticket fields")


class CustomFieldIn(Schema):
    key = fields.String(required=True, validate=validate.Length(1, 40))
    label = Text(120, required=True)
    field_type = fields.Enum(CustomFieldType, by_value=True, required=True)
    choices = fields.List(Text(120), validate=validate.Length(max=100))
    required = fields.Boolean()
    active = fields.Boolean()
    position = fields.Integer(validate=validate.Range(0, 10000))


class CustomFieldPatch(Schema):
    label = Text(120)
    field_type = fields.Enum(CustomFieldType, by_value=True)
    choices = fields.List(Text(120), validate=validate.Length(max=100))
    required = fields.Boolean()
    active = fields.Boolean()
    position = fields.Integer(validate=validate.Range(0, 10000))


class CustomFieldOut(Schema):
    id = fields.Integer()
    key = fields.String()
    label = fields.String()
    field_type = fields.Enum(CustomFieldType, by_value=True)
    choices = fields.List(fields.String())
    required = fields.Boolean()
    active = fields.Boolean()
    position = fields.Integer()


@blp.route("/custom-fields", methods=["GET"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.response(200, CustomFieldOut(many=True))
def list_fields():
    """The custom ticket fields in their order (an admin keeps a handful: not paged)."""
    return services.fields()


@blp.route("/custom-fields", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.arguments(CustomFieldIn)
@blp.response(201, CustomFieldOut)
def create_field(data: dict):
    """Define a field; a taken key is a 409 naming ``key``."""
    field = services.create_field(data, current_user.id)
    return field, 201, {"Location": url_for("api_desk_custom_fields.get_field", field_id=field.id)}


@blp.route("/custom-fields/<int:field_id>", methods=["GET"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.response(200, CustomFieldOut)
def get_field(field_id: int):
    """One custom field."""
    return services.get_field(field_id)


@blp.route("/custom-fields/<int:field_id>", methods=["PATCH"])
@roles_required(Role.ADMIN)
@blp.arguments(CustomFieldPatch)
@blp.response(200, CustomFieldOut)
def update_field(data: dict, field_id: int):
    """Change label, type, choices, required, active or position (the key stays)."""
    return services.update_field(services.get_field(field_id), data, current_user.id)


@blp.route("/custom-fields/<int:field_id>", methods=["DELETE"])
@roles_required(Role.ADMIN)
@blp.response(204)
def delete_field(field_id: int):
    """Remove a field definition."""
    services.delete_field(services.get_field(field_id), current_user.id)
