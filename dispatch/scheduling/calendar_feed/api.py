"""/api/v1 calendar feed links: a technician's own, or any technician's for the office.

Creating a link answers its URL once (it is stored only hashed) and replaces any earlier link.
"""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from dispatch.api.idempotency import not_replayable
from dispatch.auth.access import roles_required
from dispatch.enums import Role
from dispatch.scheduling.calendar_feed import services

blp = Blueprint("api_calendar_feed", __name__, url_prefix="/api/v1", description="Technicians' calendar feeds")
OFFICE = (Role.AGENT, Role.ADMIN)


class FeedLinkOut(Schema):
    url = fields.String(metadata={"description": "the secret iCalendar URL; shown only now"})


@blp.route("/me/calendar-feed", methods=["POST"])
@not_replayable
@roles_required(Role.TECHNICIAN)
@blp.response(201, FeedLinkOut)
def create_my_link():
    """A new link to my jobs as an iCalendar feed; the previous link stops working."""
    return {"url": services.create_link(services.technician_profile(current_user.id), current_user.id)}


@blp.route("/me/calendar-feed", methods=["DELETE"])
@roles_required(Role.TECHNICIAN)
@blp.response(204)
def revoke_my_link():
    """Stop my calendar feed link."""
    services.revoke_link(services.technician_profile(current_user.id), current_user.id)


@blp.route("/technicians/<int:technician_id>/calendar-feed", methods=["POST"])
@not_replayable
@roles_required(*OFFICE)
@blp.response(201, FeedLinkOut)
def create_link(technician_id: int):
    """A new calendar feed link for a technician (to hand over); their previous link stops working."""
    return {"url": services.create_link(services.technician_profile(technician_id), current_user.id)}


@blp.route("/technicians/<int:technician_id>/calendar-feed", methods=["DELETE"])
@roles_required(*OFFICE)
@blp.response(204)
def revoke_link(technician_id: int):
    """Stop a technician's calendar feed link (a lost phone, a leaked link)."""
    services.revoke_link(services.technician_profile(technician_id), current_user.id)
