"""/api/v1 tickets."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.api.pagination import PageArgs, page_schema
from dispatch.auth.access import roles_required
from dispatch.desk import services
from dispatch.desk.models import Ticket
from dispatch.enums import Channel, Priority, Role, StatusCategory
from dispatch.pagination import paginate
from dispatch.schemas import Text

blp = Blueprint("api_desk", __name__, url_prefix="/api/v1", description="Tickets")


class TicketIn(Schema):
    customer_id = fields.Integer(required=True)
    subject = Text(200, required=True)
    description = Text(20000, required=True)
    category = Text(80, allow_none=True)
    subcategory = Text(80, allow_none=True)
    priority = fields.Enum(Priority, by_value=True, allow_none=True)
    channel = fields.Enum(Channel, by_value=True, allow_none=True)
    asset_id = fields.Integer(allow_none=True)
    site_id = fields.Integer(allow_none=True)
    queue_id = fields.Integer(allow_none=True)


class TicketOut(Schema):
    id = fields.Integer()
    reference = fields.String()
    status = fields.Function(lambda ticket: ticket.status.key)
    status_category = fields.Function(lambda ticket: ticket.status.category.value)
    subject = fields.String()
    description = fields.String()
    category = fields.String()
    subcategory = fields.String()
    priority = fields.Enum(Priority, by_value=True)
    channel = fields.Enum(Channel, by_value=True)
    queue_id = fields.Integer()
    customer_id = fields.Integer()
    site_id = fields.Integer()
    asset_id = fields.Integer()
    owner_id = fields.Integer()
    first_response_due_at = fields.AwareDateTime()
    due_at = fields.AwareDateTime()
    traffic_light = fields.Function(services.traffic_light)
    created_at = fields.AwareDateTime()


class TicketFilters(PageArgs):
    status = fields.String(validate=validate.Length(max=40))
    category = fields.Enum(StatusCategory, by_value=True)
    priority = fields.Enum(Priority, by_value=True)
    customer_id = fields.Integer()
    owner_id = fields.Integer()
    q = fields.String(validate=validate.Length(max=200))


TicketPage = page_schema(TicketOut, "TicketPage")


@blp.route("/tickets", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(TicketIn)
@blp.response(201, TicketOut)
def create_ticket(data: dict):
    """Log a ticket; it gets a reference and SLA due times from its priority."""
    ticket = services.create_ticket(data, current_user.id)
    return ticket, 201, {"Location": url_for("api_desk.get_ticket", ticket_id=ticket.id)}


@blp.route("/tickets", methods=["GET"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(TicketFilters, location="query")
@blp.response(200, TicketPage)
def list_tickets(filters: dict):
    """Tickets, newest first, filtered, one page per cursor."""
    return paginate(services.ticket_query(filters), sort=Ticket.created_at, tiebreak=Ticket.id,
                    cursor=filters.get("cursor"), limit=filters["limit"])


@blp.route("/tickets/<int:ticket_id>", methods=["GET"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.response(200, TicketOut)
def get_ticket(ticket_id: int):
    """One ticket."""
    return services.get_ticket(ticket_id)
