"""/api/v1 jobs: creating them from tickets, reading them, suggestions, scheduling and taking them off."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint

from dispatch.auth.access import roles_required
from dispatch.desk.services import get_ticket
from dispatch.enums import Role
from dispatch.scheduling import services, suggestions
from dispatch.scheduling.schemas import (
    JobIn,
    JobOut,
    OptionalReasonIn,
    ReasonIn,
    ScheduleIn,
    SuggestionArgs,
    SuggestionOut,
)

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
    """Technicians ranked for the job: required skills and a free slot in the window (hard), then travel from
    the previous stop, load that day and the customer's preferred technician.

    The window is when the visit may start: default the next working day. Technicians left out are
    counted per rule in the ``Suggestions-Left-Out`` header (``missing_skill=3, no_slot=2``).
    """
    job = services.get_job(job_id)
    start, end = suggestions.window_for(job, args.get("start"), args.get("end"))
    result = suggestions.ranking(job, start, end, limit=args["limit"])
    left_out = ", ".join(f"{code}={count}" for code, count in sorted(result.left_out.items()))
    return result.suggestions, 200, {"Suggestions-Left-Out": left_out} if left_out else {}


@blp.route("/jobs/<int:job_id>/schedule", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(ScheduleIn)
@blp.response(200, JobOut)
@blp.alt_response(409, description="conflicts: [{code, message, details}] names each one; errors as well")
def schedule(data: dict, job_id: int):
    """Assign a technician and a visit; every conflict (missing_skill, overlap, absence, outside_working_hours,
    travel_time, outside_appointment_window) is a 409 naming them, unless ``override_reason`` is given."""
    window = (data["window_start"], data["window_end"]) if data.get("window_start") else None
    return services.schedule(services.get_job(job_id), data["technician_id"], data["start"], data["end"],
                             current_user.id, data.get("override_reason"), window=window)


@blp.route("/jobs/<int:job_id>/unschedule", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(OptionalReasonIn)
@blp.response(200, JobOut)
def unschedule(data: dict, job_id: int):
    """Back to the unscheduled queue: technician and times cleared; the customer is told."""
    return services.unschedule(services.get_job(job_id), data.get("reason"), current_user.id)


@blp.route("/jobs/<int:job_id>/postpone", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(ReasonIn)
@blp.response(200, JobOut)
def postpone(data: dict, job_id: int):
    """Postpone with a reason: off the technician's day, to be planned again."""
    return services.postpone(services.get_job(job_id), data["reason"], current_user.id)


@blp.route("/jobs/<int:job_id>/cancel", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(ReasonIn)
@blp.response(200, JobOut)
def cancel(data: dict, job_id: int):
    """Cancel with a reason; a planned visit is called off and the customer told."""
    return services.cancel(services.get_job(job_id), data["reason"], current_user.id)
