"""/api/v1 jobs: creating them from tickets, reading them, suggestions and scheduling."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint

from dispatch.auth.access import roles_required
from dispatch.desk.services import get_ticket
from dispatch.enums import Role
from dispatch.scheduling import services
from dispatch.scheduling.schemas import JobIn, JobOut, ScheduleIn, SuggestionArgs, SuggestionOut

blp = Blueprint("api_scheduling", __name__, url_prefix="/api/v1", description="Jobs and scheduling")


@blp.route("/tickets/<int:ticket_id>/jobs", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(JobIn)
@blp.response(201, JobOut)
def create_job(data: dict, ticket_id: int):
    """Create an unscheduled job for a ticket."""
    job = services.create_job(get_ticket(ticket_id), data, current_user.id)
    return job, 201, {"Location": url_for("api_scheduling.get_job", job_id=job.id)}


@blp.route("/jobs/<int:job_id>", methods=["GET"])
@roles_required(Role.AGENT, Role.ADMIN, Role.BILLING, Role.TECHNICIAN)
@blp.response(200, JobOut)
def get_job(job_id: int):
    """A job with its customer, site, asset, coverage and invoice; technicians see only their own."""
    return services.job_for(current_user, job_id)


@blp.route("/jobs/<int:job_id>/suggestions", methods=["GET"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(SuggestionArgs, location="query")
@blp.response(200, SuggestionOut(many=True))
def suggest(args: dict, job_id: int):
    """Technicians ranked for the job: skills and availability, then travel and load."""
    return services.suggestions(services.get_job(job_id), args.get("start"), args["limit"])


@blp.route("/jobs/<int:job_id>/schedule", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(ScheduleIn)
@blp.response(200, JobOut)
def schedule(data: dict, job_id: int):
    """Assign a technician and a time window; overlap, absence or a missing skill is 409."""
    return services.schedule(services.get_job(job_id), data["technician_id"], data["start"], data["end"],
                             current_user.id)
