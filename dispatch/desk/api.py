"""/api/v1 tickets: intake, the lists (views, filters, search), the fields, status, notes, merge and timeline."""

from __future__ import annotations

from flask import g, url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.api.pagination import PageArgs, page_schema
from dispatch.auth.access import roles_required
from dispatch.desk import changes, lists, services, timeline
from dispatch.desk.models import Ticket
from dispatch.desk.sla import services as sla
from dispatch.enums import Channel, MessageKind, Priority, Role, StatusCategory
from dispatch.schemas import Text

blp = Blueprint("api_desk", __name__, url_prefix="/api/v1", description="Tickets")
DESK = (Role.AGENT, Role.ADMIN)


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


class TicketPatch(Schema):
    subject = Text(200)
    category = Text(80, allow_none=True)
    subcategory = Text(80, allow_none=True)
    priority = fields.Enum(Priority, by_value=True)
    asset_id = fields.Integer(allow_none=True)
    custom_fields = fields.Dict(keys=fields.String(validate=validate.Length(1, 40)))


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
    contact_id = fields.Integer()
    email = fields.String()
    phone = fields.String()
    site_id = fields.Integer()
    asset_id = fields.Integer()
    owner_id = fields.Integer()
    custom_fields = fields.Dict()
    merged_into_id = fields.Integer()
    escalation_level = fields.Integer()
    first_response_due_at = fields.AwareDateTime()
    due_at = fields.AwareDateTime()
    first_responded_at = fields.AwareDateTime()
    resolved_at = fields.AwareDateTime()
    traffic_light = fields.Function(lambda ticket: _light(ticket).state)
    minutes_left = fields.Function(lambda ticket: _light(ticket).minutes_left)
    created_at = fields.AwareDateTime()


def _light(ticket: Ticket) -> sla.Light:
    """The ticket's light, worked out once per request (a list works out its whole page's in one go)."""
    known = g.setdefault("ticket_lights", {})
    if ticket.id not in known:
        known[ticket.id] = sla.light(ticket)
    return known[ticket.id]


class TicketFilters(PageArgs):
    view = fields.String(load_default="all", validate=validate.OneOf(lists.VIEWS))
    queue_id = fields.Integer()
    status = fields.String(validate=validate.Length(max=40))
    state = fields.Enum(StatusCategory, by_value=True)
    priority = fields.Enum(Priority, by_value=True)
    category = fields.String(validate=validate.Length(max=80))
    channel = fields.Enum(Channel, by_value=True)
    customer_id = fields.Integer()
    owner_id = fields.Integer()
    q = fields.String(validate=validate.Length(max=200))
    sort = fields.String(load_default="urgent", validate=validate.OneOf(lists.SORTS))


class TicketStatusIn(Schema):
    status = fields.String(required=True, validate=validate.Length(1, 40))


class TicketNoteIn(Schema):
    body = Text(20000, required=True)


class TicketMessageOut(Schema):
    id = fields.Integer()
    kind = fields.Enum(MessageKind, by_value=True)
    body = fields.String()
    author_id = fields.Integer()
    sender = fields.String()
    created_at = fields.AwareDateTime()


class TicketMergeIn(Schema):
    target_id = fields.Integer(required=True)


class TimelineEntryOut(Schema):
    at = fields.AwareDateTime()
    type = fields.Function(lambda entry: "system" if entry.is_note else "message")
    text = fields.Function(lambda entry: entry.note if entry.is_note else entry.message.body)
    kind = fields.Function(lambda entry: None if entry.is_note else entry.message.kind.value)
    author = fields.String()


class ViewCountsOut(Schema):
    mine = fields.Integer()
    unassigned = fields.Integer()
    due_soon = fields.Integer()
    escalated = fields.Integer()
    all = fields.Integer()
    queues = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "queue id: count"})


TicketPage = page_schema(TicketOut, "TicketPage")


@blp.route("/tickets", methods=["POST"])
@roles_required(*DESK)
@blp.arguments(TicketIn)
@blp.response(201, TicketOut)
def create_ticket(data: dict):
    """Log a ticket; it gets a reference and SLA due times from its priority."""
    ticket = services.create_ticket(data, current_user.id)
    return ticket, 201, {"Location": url_for("api_desk.get_ticket", ticket_id=ticket.id)}


@blp.route("/tickets", methods=["GET"])
@roles_required(*DESK)
@blp.arguments(TicketFilters, location="query")
@blp.response(200, TicketPage)
def list_tickets(args: dict):
    """A view of the tickets (mine, unassigned, due_soon, escalated, queue, all), filtered; ``q`` searches the
    text and messages (best match first); otherwise most urgent first, or ``sort=newest``."""
    page = lists.ticket_page(lists.TicketFilters.of(args), current_user.id, args.get("cursor"), args["limit"])
    g.ticket_lights = sla.lights(page.items)
    return page


@blp.route("/tickets/views", methods=["GET"])
@roles_required(*DESK)
@blp.response(200, ViewCountsOut)
def view_counts():
    """Open and paused tickets per view, and per queue (``queues``: queue id -> count)."""
    return lists.view_counts(current_user.id)


@blp.route("/tickets/<int:ticket_id>", methods=["GET"])
@roles_required(*DESK)
@blp.response(200, TicketOut)
def get_ticket(ticket_id: int):
    """One ticket."""
    return services.get_ticket(ticket_id)


@blp.route("/tickets/<int:ticket_id>", methods=["PATCH"])
@roles_required(*DESK)
@blp.arguments(TicketPatch)
@blp.response(200, TicketOut)
def update_ticket(data: dict, ticket_id: int):
    """Change subject, category, subcategory, priority (re-applies the SLA), asset or custom fields."""
    return changes.update_ticket(services.get_ticket(ticket_id), data, current_user.id)


@blp.route("/tickets/<int:ticket_id>/status", methods=["POST"])
@roles_required(*DESK)
@blp.arguments(TicketStatusIn)
@blp.response(200, TicketOut)
def change_status(data: dict, ticket_id: int):
    """Move the ticket to the status with this key."""
    ticket = services.get_ticket(ticket_id)
    return services.change_status(ticket, services.status_for_change(data["status"]).key, current_user.id)


@blp.route("/tickets/<int:ticket_id>/notes", methods=["POST"])
@roles_required(*DESK)
@blp.arguments(TicketNoteIn)
@blp.response(201, TicketMessageOut)
def add_note(data: dict, ticket_id: int):
    """Add an internal note: agents see it, the customer never does."""
    return services.add_message(services.get_ticket(ticket_id), MessageKind.NOTE, data["body"],
                                author_id=current_user.id)


@blp.route("/tickets/<int:ticket_id>/merge", methods=["POST"])
@roles_required(*DESK)
@blp.arguments(TicketMergeIn)
@blp.response(200, TicketOut)
def merge(data: dict, ticket_id: int):
    """Merge this ticket into ``target_id`` (same customer, else 409); answers the target."""
    source = services.get_ticket(ticket_id)
    return changes.merge_tickets(source, services.merge_target(data["target_id"]), current_user.id)


@blp.route("/tickets/<int:ticket_id>/timeline", methods=["GET"])
@roles_required(*DESK)
@blp.response(200, TimelineEntryOut(many=True))
def get_timeline(ticket_id: int):
    """Messages and system notes, oldest first."""
    return timeline.timeline(services.get_ticket(ticket_id))
