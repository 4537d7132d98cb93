"""/api/v1 queues (members, duty slots), a ticket's assignment, and handing an agent's tickets on."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from dispatch.api.pagination import PageArgs
from dispatch.auth.access import roles_required
from dispatch.desk import services as desk
from dispatch.desk.assignment import bulk, queues, services
from dispatch.desk.assignment.schemas import (
    AgentReassignIn,
    AgentReassignOut,
    DutySlotIn,
    DutySlotOut,
    QueueDetailOut,
    QueueIn,
    QueueMemberIn,
    QueueMemberPatch,
    QueueOut,
    QueuePage,
    QueuePatch,
    TicketAssignmentIn,
    TicketAssignmentOut,
)
from dispatch.enums import Role
from dispatch.errors import Invalid
from dispatch.scheduling.team import services as team
from dispatch.scheduling.team.schemas import AbsenceArgs, AbsenceIn, AbsenceOut

blp = Blueprint("api_desk_assignment", __name__, url_prefix="/api/v1", description="Queues and assignment")

DESK = (Role.AGENT, Role.ADMIN)


def _detail(queue_id: int):  # noqa: ANN202
    view = queues.queue_view(queue_id)
    view.queue.team_lead_name, view.queue.members = view.team_lead_name, view.members
    return view.queue


@blp.route("/queues", methods=["GET"])
@roles_required(*DESK)
@blp.arguments(PageArgs, location="query")
@blp.response(200, QueuePage)
def list_queues(args: dict):
    """Queues by name with their rule and number of active members; one page per cursor."""
    return queues.queue_page(args.get("cursor"), args["limit"])


@blp.route("/queues", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.arguments(QueueIn)
@blp.response(201, QueueOut)
def create_queue(data: dict):
    """A new queue; a taken name or e-mail address is a 409 naming the field."""
    queue = queues.create_queue(data, current_user.id)
    return queue, 201, {"Location": url_for("api_desk_assignment.get_queue", queue_id=queue.id)}


@blp.route("/queues/<int:queue_id>", methods=["GET"])
@roles_required(*DESK)
@blp.response(200, QueueDetailOut)
def get_queue(queue_id: int):
    """One queue with its members and their duty slots."""
    return _detail(queue_id)


@blp.route("/queues/<int:queue_id>", methods=["PATCH"])
@roles_required(Role.ADMIN)
@blp.arguments(QueuePatch)
@blp.response(200, QueueDetailOut)
def update_queue(data: dict, queue_id: int):
    """Change the fields given."""
    queues.update_queue(queues.get_queue(queue_id), data, current_user.id)
    return _detail(queue_id)


@blp.route("/queues/<int:queue_id>/members", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.arguments(QueueMemberIn)
@blp.response(201, QueueDetailOut)
def add_member(data: dict, queue_id: int):
    """Add an active agent or admin to the queue."""
    queues.add_member(queues.get_queue(queue_id), data["user_id"], current_user.id)
    return _detail(queue_id), 201


@blp.route("/queues/<int:queue_id>/members/<int:user_id>", methods=["PATCH"])
@roles_required(Role.ADMIN)
@blp.arguments(QueueMemberPatch)
@blp.response(200, QueueDetailOut)
def update_member(data: dict, queue_id: int, user_id: int):
    """Let a member take tickets (``active: true``) or pause them."""
    queues.set_member_active(queues.get_queue(queue_id), user_id, data["active"], current_user.id)
    return _detail(queue_id)


@blp.route("/queues/<int:queue_id>/members/<int:user_id>", methods=["DELETE"])
@roles_required(Role.ADMIN)
@blp.response(204)
def remove_member(queue_id: int, user_id: int):
    """Take a member out of the queue, with their duty slots there."""
    queues.remove_member(queues.get_queue(queue_id), user_id, current_user.id)


@blp.route("/queues/<int:queue_id>/duty-slots", methods=["GET"])
@roles_required(*DESK)
@blp.response(200, DutySlotOut(many=True))
def list_duty_slots(queue_id: int):
    """The queue's duty slots by weekday and time."""
    return sorted((slot for member in queues.queue_view(queue_id).members for slot in member.slots),
                  key=lambda slot: (slot.weekday, slot.starts_at, slot.user_id))


@blp.route("/queues/<int:queue_id>/duty-slots", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.arguments(DutySlotIn)
@blp.response(201, DutySlotOut)
def add_duty_slot(data: dict, queue_id: int):
    """Put a member on duty on a weekday from-to (15-minute steps; a member's slots do not overlap)."""
    return queues.add_duty_slot(queues.get_queue(queue_id), data, current_user.id), 201


@blp.route("/duty-slots/<int:slot_id>", methods=["DELETE"])
@roles_required(Role.ADMIN)
@blp.response(204)
def delete_duty_slot(slot_id: int):
    """Remove a duty slot."""
    queues.delete_duty_slot(queues.get_duty_slot(slot_id), current_user.id)


@blp.route("/tickets/<int:ticket_id>/assignment", methods=["POST"])
@roles_required(*DESK)
@blp.arguments(TicketAssignmentIn)
@blp.response(200, TicketAssignmentOut)
def assign_ticket(data: dict, ticket_id: int):
    """Change a ticket's queue and/or owner; each change is noted on the ticket."""
    if "owner_id" not in data and "queue_id" not in data:
        raise Invalid(_("Nothing to change."), errors={"owner_id": [_("Give owner_id, queue_id or both.")]})
    ticket = desk.get_ticket(ticket_id)
    if "queue_id" in data:
        services.move_to_queue(ticket, data["queue_id"], current_user.id,
                               reassign=data["reassign"] and "owner_id" not in data)
    if "owner_id" in data:
        services.assign(ticket, data["owner_id"], current_user.id)
    return ticket


@blp.route("/agents/<int:agent_id>/reassign", methods=["POST"])
@roles_required(*DESK)
@blp.arguments(AgentReassignIn)
@blp.response(200, AgentReassignOut)
def reassign_agent(data: dict, agent_id: int):
    """Hand every open ticket of an agent on (optionally of one queue); ``dry_run`` previews the counts."""
    agent = queues.get_desk_agent(agent_id)
    options = {"owner_id": data.get("owner_id"), "queue_id": data.get("queue_id")}
    if data["dry_run"]:
        done = bulk.plan(agent, data["target"], **options)
    else:
        done = bulk.apply(agent, data["target"], current_user.id, **options)
    return {"dry_run": data["dry_run"], "total": len(done.moves), "counts": done.counts(),
            "ticket_ids": [ticket.id for ticket, _owner in done.moves]}


@blp.route("/agents/<int:agent_id>/absences", methods=["GET"])
@roles_required(*DESK)
@blp.arguments(AbsenceArgs, location="query")
@blp.response(200, AbsenceOut(many=True))
def list_agent_absences(args: dict, agent_id: int):
    """A desk agent's absences, soonest first (at most 200): no new tickets reach them meanwhile."""
    return team.absences_of(queues.get_desk_agent(agent_id), args.get("since"))


@blp.route("/agents/<int:agent_id>/absences", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.arguments(AbsenceIn)
@blp.response(201, AbsenceOut)
def add_agent_absence(data: dict, agent_id: int):
    """Record a desk agent's leave, sickness or training."""
    absence, _affected = team.add_absence(queues.get_desk_agent(agent_id), data, current_user.id)
    return absence, 201


@blp.route("/agents/<int:agent_id>/absences/<int:absence_id>", methods=["DELETE"])
@roles_required(Role.ADMIN)
@blp.response(204)
def delete_agent_absence(agent_id: int, absence_id: int):
    """Remove a desk agent's absence."""
    team.delete_absence(queues.get_desk_absence(agent_id, absence_id), current_user.id)
