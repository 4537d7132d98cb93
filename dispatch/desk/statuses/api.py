"""/api/v1 ticket statuses: agents and admins read them; admins add, rename, reorder and remove them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.auth.access import roles_required
from dispatch.desk.statuses import services
from dispatch.enums import Role, StatusCategory
from dispatch.schemas import Text

blp = Blueprint("api_desk_statuses", __name__, url_prefix="/api/v1", description="Ticket statuses")


class StatusDefinitionIn(Schema):
    key = fields.String(required=True, validate=validate.Regexp(
        services.KEY, error=_l("Lower-case letters, digits and underscores, starting with a letter, 2 to 40.")))
    name = Text(services.MAX_NAME, required=True)
    category = fields.Enum(StatusCategory, by_value=True, required=True)


class StatusDefinitionPatch(Schema):
    name = Text(services.MAX_NAME)
    category = fields.Enum(StatusCategory, by_value=True)
    position = fields.Integer(strict=True, validate=validate.Range(0, 10000))


class StatusDefinitionOut(Schema):
    id = fields.Integer()
    key = fields.String()
    name = fields.String()
    category = fields.Enum(StatusCategory, by_value=True)
    position = fields.Integer()
    builtin = fields.Boolean()


FIELDS = tuple(StatusDefinitionOut().fields)


class StatusDefinitionListed(StatusDefinitionOut):
    ticket_count = fields.Integer()


@blp.route("/ticket-statuses", methods=["GET"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.response(200, StatusDefinitionListed(many=True))
def list_statuses():
    """The ticket statuses in their order, each with its number of tickets (a handful: not paged)."""
    return [{**{name: getattr(status, name) for name in FIELDS}, "ticket_count": count}
            for status, count in services.listing()]


@blp.route("/ticket-statuses", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.arguments(StatusDefinitionIn)
@blp.response(201, StatusDefinitionOut)
def create_status(data: dict):
    """Add a status at the end of the list; a taken key is a 409 naming ``key``."""
    return services.create_status(data, current_user.id), 201


@blp.route("/ticket-statuses/<int:status_id>", methods=["PATCH"])
@roles_required(Role.ADMIN)
@blp.arguments(StatusDefinitionPatch)
@blp.response(200, StatusDefinitionOut)
def update_status(data: dict, status_id: int):
    """Rename, move (``position`` from 0) or recategorise a status; a built-in's or a used status's category
    is a 409."""
    return services.update_status(services.get_status(status_id), data, current_user.id)


@blp.route("/ticket-statuses/<int:status_id>", methods=["DELETE"])
@roles_required(Role.ADMIN)
@blp.response(204)
def delete_status(status_id: int):
    """Remove a status an admin added; a built-in or a status tickets are in is a 409."""
    services.delete_status(services.get_status(status_id), current_user.id)
