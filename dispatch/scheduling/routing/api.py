"""/api/v1 routes: reorder one technician's day, plan a day's waiting jobs; propose, or apply at once."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from dispatch.auth.access import roles_required
from dispatch.enums import Role
from dispatch.scheduling.routing import applying, services
from dispatch.scheduling.routing.schemas import DayPlanIn, RouteDayArgs, RouteOptimiseIn, RouteProposalOut

blp = Blueprint("api_routes", __name__, url_prefix="/api/v1/routes", description="Route planning")


@blp.route("/technicians/<int:technician_id>", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(RouteOptimiseIn)
@blp.arguments(RouteDayArgs, location="query", as_kwargs=True)
@blp.response(200, RouteProposalOut)
def optimise_route(data: dict, technician_id: int, day=None):  # noqa: ANN001, ANN201
    """Reorder the technician's not-started jobs of the day to drive less, windows kept; 409 if apply no longer fits."""
    proposal = services.optimise_route(technician_id, day or services.today(), data["solver"])
    return applying.apply(proposal, current_user.id) if data["apply"] else proposal


@blp.route("/day", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(DayPlanIn)
@blp.response(200, RouteProposalOut)
def plan_day(data: dict):  # noqa: ANN201
    """Plan the day's waiting jobs across technicians (bookings and absences kept); 409 if apply no longer fits."""
    proposal = services.plan_day(data["day"], data["solver"], data.get("technician_ids"))
    return applying.apply(proposal, current_user.id) if data["apply"] else proposal
