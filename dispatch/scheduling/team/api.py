"""/api/v1 technicians: profiles (skills, home base, working hours), absences and bulk reassignment."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint

from dispatch.api.pagination import PageArgs
from dispatch.auth.access import roles_required
from dispatch.enums import Role
from dispatch.scheduling.team import reassignment, services
from dispatch.scheduling.team.schemas import (
    AbsenceArgs,
    AbsenceIn,
    AbsenceOut,
    ReassignIn,
    ReassignmentProposalOut,
    ReassignOut,
    SpanArgs,
    TechnicianIn,
    TechnicianOut,
    TechnicianPage,
)

blp = Blueprint("api_team", __name__, url_prefix="/api/v1", description="Technicians and absences")

# Billing staff have no business with the planning; a technician reads their own profile through /me.
OFFICE = (Role.AGENT, Role.ADMIN)


@blp.route("/technicians", methods=["GET"])
@roles_required(*OFFICE)
@blp.arguments(PageArgs, location="query")
@blp.response(200, TechnicianPage)
def list_technicians(args: dict):
    """Technicians by name with skills, home base, working hours and current absence; one page per cursor."""
    return services.technician_page(args.get("cursor"), args["limit"])


@blp.route("/technicians/<int:technician_id>", methods=["GET"])
@roles_required(*OFFICE)
@blp.response(200, TechnicianOut)
def get_technician(technician_id: int):
    """One technician's profile."""
    return services.technician_view(technician_id)


@blp.route("/technicians/<int:technician_id>", methods=["PATCH"])
@roles_required(*OFFICE)
@blp.arguments(TechnicianIn)
@blp.response(200, TechnicianOut)
def update_technician(data: dict, technician_id: int):
    """Change skills, home base or working hours; fields left out stay as they are."""
    services.update_technician(services.get_technician(technician_id), data, current_user.id)
    return services.technician_view(technician_id)


@blp.route("/technicians/<int:technician_id>/absences", methods=["GET"])
@roles_required(*OFFICE)
@blp.arguments(AbsenceArgs, location="query")
@blp.response(200, AbsenceOut(many=True))
def list_absences(args: dict, technician_id: int):
    """A technician's absences, soonest first (at most 200)."""
    return services.absences_of(services.get_technician(technician_id), args.get("since"))


@blp.route("/technicians/<int:technician_id>/absences", methods=["POST"])
@roles_required(*OFFICE)
@blp.arguments(AbsenceIn)
@blp.response(201, AbsenceOut)
def add_absence(data: dict, technician_id: int):
    """Record leave, sickness or training; the answer lists the planned jobs it overlaps."""
    absence, jobs = services.add_absence(services.get_technician(technician_id), data, current_user.id)
    absence.affected_jobs = jobs  # only in this answer: what the agent should reassign now
    return absence, 201, {"Location": url_for("api_team.list_absences", technician_id=technician_id)}


@blp.route("/absences/<int:absence_id>", methods=["DELETE"])
@roles_required(*OFFICE)
@blp.response(204)
def delete_absence(absence_id: int):
    """Remove an absence."""
    services.delete_absence(services.get_absence(absence_id), current_user.id)


@blp.route("/technicians/<int:technician_id>/reassignment", methods=["GET"])
@roles_required(*OFFICE)
@blp.arguments(SpanArgs, location="query")
@blp.response(200, ReassignmentProposalOut(many=True))
def propose_reassignment(args: dict, technician_id: int):
    """For each planned, unstarted job of the technician in the span: who can take it at the same time."""
    return reassignment.propose(services.get_technician(technician_id), args["start"], args["end"])


@blp.route("/technicians/<int:technician_id>/reassignment", methods=["POST"])
@roles_required(*OFFICE)
@blp.arguments(ReassignIn)
@blp.response(200, ReassignOut)
def reassign(data: dict, technician_id: int):
    """Give the listed jobs to other technicians at the same time (null: back to the queue), all or nothing."""
    jobs = reassignment.apply(services.get_technician(technician_id), data["assignments"], data.get("reason"),
                              current_user.id)
    return {"jobs": jobs}
