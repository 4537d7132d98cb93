"""Who takes a ticket: queues with round robin or least-loaded assignment, duty schedules, absences.

Fairness rests on the queue's pointer (``Queue.last_assigned_id``): the queue row is write-locked before
the pointer is read, so two tickets created at the same moment cannot both read the same pointer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import exists, func, not_, or_, select, update

from dispatch import audit
from dispatch.admin.services import company_zone
from dispatch.auth.models import User
from dispatch.dbtypes import utcnow
from dispatch.desk.assignment.models import DutySlot, Queue, QueueMember
from dispatch.enums import AssignmentMode, Role, StatusCategory
from dispatch.errors import Invalid
from dispatch.extensions import db
from dispatch.scheduling.models import Absence

if TYPE_CHECKING:
    from dispatch.desk.models import Ticket

DESK_ROLES = (Role.AGENT, Role.ADMIN)
# Tickets that still ask for work: what "load" counts.
WORKING = (StatusCategory.OPEN, StatusCategory.PAUSED)


@dataclass(frozen=True)
class Agent:
    """A desk user who can own tickets."""

    id: int
    name: str


def desk_user(user_id: Any, field: str = "owner_id") -> User:
    """The active agent or admin with this id, or Invalid naming ``field``."""
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or user.role not in DESK_ROLES:
        raise Invalid(_("Not an active desk agent."), errors={field: [_("Choose an active agent or admin.")]})
    return user


def desk_users() -> list[Agent]:
    """Every active agent and admin, by name: whom a ticket can go to."""
    rows = db.session.execute(select(User.id, User.name).where(User.active.is_(True), User.role.in_(DESK_ROLES))
                              .order_by(User.name, User.id))
    return [Agent(row.id, row.name) for row in rows]


def available_members(queue_ids: list[int], now: datetime) -> dict[int, list[Agent]]:
    """Per queue: its active members who are active desk users, not absent and on duty at ``now``, by id.

    A queue without duty slots counts all its members as on duty. One query for any number of queues.
    """
    if not queue_ids:
        return {}
    local = now.astimezone(company_zone())
    weekday, clock = local.weekday(), local.time().replace(tzinfo=None)
    absent = exists().where(Absence.technician_id == QueueMember.user_id, Absence.starts_at <= now,
                            Absence.ends_at > now)
    any_slot = exists().where(DutySlot.queue_id == QueueMember.queue_id)
    on_duty = exists().where(DutySlot.queue_id == QueueMember.queue_id, DutySlot.user_id == QueueMember.user_id,
                             DutySlot.weekday == weekday, DutySlot.starts_at <= clock, DutySlot.ends_at > clock)
    rows = db.session.execute(
        select(QueueMember.queue_id, User.id, User.name).join(User, User.id == QueueMember.user_id)
        .where(QueueMember.queue_id.in_(queue_ids), QueueMember.active.is_(True), User.active.is_(True),
               User.role.in_(DESK_ROLES), not_(absent), or_(not_(any_slot), on_duty))
        .order_by(QueueMember.queue_id, User.id))
    members: dict[int, list[Agent]] = {queue_id: [] for queue_id in queue_ids}
    for row in rows:
        members[row.queue_id].append(Agent(row.id, row.name))
    return members


def open_loads(user_ids: list[int]) -> dict[int, int]:
    """Open or paused tickets owned by each user, in one grouped query (users without any: 0)."""
    from dispatch.desk.models import Ticket, TicketStatus

    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Ticket.owner_id, func.count()).join(TicketStatus, TicketStatus.id == Ticket.status_id)
        .where(Ticket.owner_id.in_(user_ids), TicketStatus.category.in_(WORKING)).group_by(Ticket.owner_id))
    return dict.fromkeys(user_ids, 0) | {owner_id: count for owner_id, count in rows}


def rotation(members: list[Agent], last_id: int | None) -> list[Agent]:
    """The members in round-robin order: those after ``last_id`` (by id) first, then from the start.

    Comparing ids rather than positions keeps the turn when the last one left or someone joined.
    """
    if last_id is None:
        return list(members)
    after = [member for member in members if member.id > last_id]
    return after + [member for member in members if member.id <= last_id]


def pick(mode: AssignmentMode, members: list[Agent], last_id: int | None, loads: dict[int, int]) -> Agent:
    """The next member by the queue's rule; least loaded breaks ties in round-robin order."""
    order = rotation(members, last_id)
    if mode == AssignmentMode.LEAST_LOADED:
        return min(order, key=lambda member: loads.get(member.id, 0))  # min keeps the first of equals
    return order[0]


def locked_queues(queue_ids: list[int]) -> dict[int, Queue]:
    """The queues, their rows locked until the transaction ends, fresh from the database."""
    if not queue_ids:
        return {}
    # A no-op UPDATE first, as for credit notes: it write-locks the rows (PostgreSQL) or the database (SQLite,
    # which ignores FOR UPDATE), so the pointers read next are the latest and stay ours until commit.
    db.session.execute(update(Queue).where(Queue.id.in_(queue_ids)).values(last_assigned_id=Queue.last_assigned_id)
                       .execution_options(synchronize_session=False))
    statement = select(Queue).where(Queue.id.in_(queue_ids)).execution_options(populate_existing=True)
    return {queue.id: queue for queue in db.session.scalars(statement)}


def assign_new(ticket: Ticket, actor_id: int | None) -> None:
    """Give a new ticket of an assigning queue to the next agent on duty, if any."""
    if ticket.queue_id is None:
        return
    queue = locked_queues([ticket.queue_id]).get(ticket.queue_id)
    if queue is None or not queue.active or queue.assignment_mode == AssignmentMode.MANUAL:
        return
    _assign_by_rule(ticket, queue, actor_id, utcnow())


def _assign_by_rule(ticket: Ticket, queue: Queue, actor_id: int | None, now: datetime,
                    exclude: int | None = None) -> Agent | None:
    """Apply the (locked) queue's rule to the ticket; nobody available leaves it unassigned, audited.

    ``exclude``: a member passed over while others are available (the owner a moved ticket leaves).
    """
    members = available_members([queue.id], now)[queue.id]
    members = [member for member in members if member.id != exclude] or members
    if not members:
        audit.record("ticket.assignment_skipped", ticket, actor_id, queue_id=queue.id, queue_name=queue.name,
                     reason="nobody_available")
        if ticket.owner_id is not None:
            set_owner(ticket, None, actor_id, by=AssignmentMode(queue.assignment_mode).value)
        return None
    mode = AssignmentMode(queue.assignment_mode)
    loads = open_loads([member.id for member in members]) if mode == AssignmentMode.LEAST_LOADED else {}
    chosen = pick(mode, members, queue.last_assigned_id, loads)
    queue.last_assigned_id = chosen.id
    if chosen.id != ticket.owner_id:
        set_owner(ticket, chosen, actor_id, by=mode.value)
    return chosen


def set_owner(ticket: Ticket, owner: Agent | None, actor_id: int | None, *, by: str,
              previous_name: str | None = None) -> None:
    """Change the ticket's owner (None: unassigned) and record it on the ticket."""
    previous_id = ticket.owner_id
    if previous_id is not None and previous_name is None:
        previous_name = db.session.scalar(select(User.name).where(User.id == previous_id))
    ticket.owner_id = owner.id if owner else None
    if owner is None:
        audit.record("ticket.unassigned", ticket, actor_id, previous_owner_id=previous_id,
                     previous_owner_name=previous_name, by=by, queue_id=ticket.queue_id)
    else:
        audit.record("ticket.assigned", ticket, actor_id, owner_id=owner.id, owner_name=owner.name,
                     previous_owner_id=previous_id, previous_owner_name=previous_name, by=by,
                     queue_id=ticket.queue_id)


def assign(ticket: Ticket, owner_id: int | None, actor_id: int | None) -> Ticket:
    """Give the ticket to an active agent or admin (None: nobody); audited as ``by: agent``."""
    owner = None
    if owner_id is not None:
        user = desk_user(owner_id)
        owner = Agent(user.id, user.name)
    if (owner.id if owner else None) == ticket.owner_id:
        return ticket
    set_owner(ticket, owner, actor_id, by="agent")
    return ticket


def move_to_queue(ticket: Ticket, queue_id: int | None, actor_id: int | None, reassign: bool = False) -> Ticket:
    """Put the ticket in another queue (None: none); ``reassign`` hands it on by the new queue's rule."""
    queue = None
    if queue_id is not None:
        queue = db.session.get(Queue, queue_id) if isinstance(queue_id, int) else None
        if queue is None or not queue.active:
            raise Invalid(_("Unknown queue."), errors={"queue_id": [_("Choose an active queue.")]})
    if queue_id != ticket.queue_id:
        previous = ticket.queue
        ticket.queue_id, ticket.queue = queue_id, queue
        audit.record("ticket.queue_changed", ticket, actor_id, queue_id=queue_id,
                     queue_name=queue.name if queue else None, previous_queue_id=previous.id if previous else None,
                     previous_queue_name=previous.name if previous else None)
    if not reassign:
        return ticket
    if queue is not None and queue.assignment_mode != AssignmentMode.MANUAL:
        _assign_by_rule(ticket, locked_queues([queue.id])[queue.id], actor_id, utcnow(), exclude=ticket.owner_id)
    elif ticket.owner_id is not None:
        set_owner(ticket, None, actor_id, by="agent")
    return ticket


def active_queues() -> list[Queue]:
    """The queues a ticket can be put in, in their display order."""
    return list(db.session.scalars(select(Queue).where(Queue.active.is_(True)).order_by(Queue.position,
                                                                                        Queue.name)))


def owner_panel(ticket: Ticket) -> dict[str, Any]:
    """What the ticket page's owner box shows: owner, queue, and the choices (two queries)."""
    agents = desk_users()
    names = {agent.id: agent.name for agent in agents}
    owner_name = names.get(ticket.owner_id)
    if ticket.owner_id is not None and owner_name is None:  # a former agent: still named
        owner_name = db.session.scalar(select(User.name).where(User.id == ticket.owner_id))
    queues = active_queues()
    return {"owner_id": ticket.owner_id, "owner_name": owner_name, "agents": agents,
            "queue_id": ticket.queue_id, "queue_name": next((q.name for q in queues if q.id == ticket.queue_id),
                                                            ticket.queue.name if ticket.queue else None),
            "queues": queues}

