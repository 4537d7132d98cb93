"""/api/v1 canned responses: agents and admins keep them; a ticket gets one filled in."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.api.pagination import PageArgs, page_schema
from dispatch.auth.access import roles_required
from dispatch.desk import services as desk
from dispatch.desk.canned import services
from dispatch.desk.models import CannedResponse
from dispatch.enums import Role
from dispatch.pagination import paginate
from dispatch.schemas import Text

blp = Blueprint("api_desk_canned", __name__, url_prefix="/api/v1", description="Canned responses")
DESK = (Role.AGENT, Role.ADMIN)


class CannedResponseIn(Schema):
    title = Text(120, required=True)
    body = Text(20000, required=True)
    language = fields.String(allow_none=True, validate=validate.OneOf(services.LANGUAGES))
    queue_id = fields.Integer(allow_none=True)
    active = fields.Boolean()


class CannedResponsePatch(CannedResponseIn):
    title = Text(120)
    body = Text(20000)


class CannedResponseOut(Schema):
    id = fields.Integer()
    title = fields.String()
    body = fields.String()
    language = fields.String()
    queue_id = fields.Integer()
    active = fields.Boolean()
    updated_at = fields.AwareDateTime()


class FilledCannedResponseOut(Schema):
    id = fields.Integer()
    title = fields.String()
    text = fields.String()


CannedPage = page_schema(CannedResponseOut, "CannedResponsePage")


@blp.route("/canned-responses", methods=["GET"])
@roles_required(*DESK)
@blp.arguments(PageArgs, location="query")
@blp.response(200, CannedPage)
def list_responses(args: dict):
    """Canned responses by title, one page per cursor."""
    return paginate(services.listing(), sort=CannedResponse.title, tiebreak=CannedResponse.id,
                    cursor=args.get("cursor"), limit=args["limit"], descending=False)


@blp.route("/canned-responses", methods=["POST"])
@roles_required(*DESK)
@blp.arguments(CannedResponseIn)
@blp.response(201, CannedResponseOut)
def create_response(data: dict):
    """Add a canned response; placeholders: {customer_name}, {reference}, {subject}, {appointment}, {agent_name}."""
    response = services.create_response(data, current_user.id)
    return response, 201, {"Location": url_for("api_desk_canned.get_response", response_id=response.id)}


@blp.route("/canned-responses/<int:response_id>", methods=["GET"])
@roles_required(*DESK)
@blp.response(200, CannedResponseOut)
def get_response(response_id: int):
    """One canned response."""
    return services.get_response(response_id)


@blp.route("/canned-responses/<int:response_id>", methods=["PATCH"])
@roles_required(*DESK)
@blp.arguments(CannedResponsePatch)
@blp.response(200, CannedResponseOut)
def update_response(data: dict, response_id: int):
    """Change a canned response."""
    return services.update_response(services.get_response(response_id), data, current_user.id)


@blp.route("/canned-responses/<int:response_id>", methods=["DELETE"])
@roles_required(*DESK)
@blp.response(204)
def delete_response(response_id: int):
    """Remove a canned response."""
    services.delete_response(services.get_response(response_id), current_user.id)


@blp.route("/tickets/<int:ticket_id>/canned-responses", methods=["GET"])
@roles_required(*DESK)
@blp.response(200, CannedResponseOut(many=True))
def responses_for_ticket(ticket_id: int):
    """The active responses that fit the ticket's queue and customer's language."""
    ticket = desk.get_ticket(ticket_id)
    return services.responses_for(ticket, ticket.customer.language)


@blp.route("/tickets/<int:ticket_id>/canned-responses/<int:response_id>", methods=["GET"])
@roles_required(*DESK)
@blp.response(200, FilledCannedResponseOut)
def filled_response(ticket_id: int, response_id: int):
    """A canned response with its placeholders filled in for the ticket."""
    response = services.get_response(response_id)
    return {"id": response.id, "title": response.title,
            "text": services.filled(response, desk.get_ticket(ticket_id), current_user)}
