"""Handing an away agent's open tickets on at once: to one colleague, by each queue's rule, or to nobody.

A plan is made first (the preview: how many tickets each new owner gets), then applied all or nothing.
Both load everything in a fixed number of queries whatever the number of tickets.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from dispatch import audit
from dispatch.auth.models import User
from dispatch.dbtypes import utcnow
from dispatch.desk.assignment.models import Queue
from dispatch.desk.assignment.services import (
    WORKING,
    Agent,
    available_members,
    desk_user,
    locked_queues,
    open_loads,
    pick,
)
from dispatch.enums import AssignmentMode
from dispatch.errors import Invalid
from dispatch.extensions import db

TO_AGENT, BY_RULE, UNASSIGN = "agent", "rule", "unassigned"
TARGETS = (TO_AGENT, BY_RULE, UNASSIGN)


@dataclass
class Plan:
    """Each open ticket of the agent and its new owner (None: unassigned)."""

    agent: User
    moves: list[tuple[Any, Agent | None]] = field(default_factory=list)
    pointers: dict[int, int] = field(default_factory=dict)  # queue id -> the last member given a ticket
    queues: dict[int, Queue] = field(default_factory=dict)

    def counts(self) -> list[dict[str, Any]]:
        """Tickets per new owner, most first; the unassigned as owner None."""
        tally = Counter((owner.id, owner.name) if owner else (None, None) for _ticket, owner in self.moves)
        return [{"owner_id": owner_id, "owner_name": name, "count": count}
                for (owner_id, name), count in sorted(tally.items(), key=lambda item: (-item[1], item[0][1] or ""))]


def plan(agent: User, target: str, owner_id: int | None = None, queue_id: int | None = None,
         lock: bool = False) -> Plan:
    """Where each open ticket of ``agent`` (optionally only of one queue) would go; nothing changes."""
    from dispatch.desk.models import Ticket, TicketStatus

    if target not in TARGETS:
        raise Invalid(_("Unknown target."), errors={"target": [_("One of: agent, rule, unassigned.")]})
    owner = None
    if target == TO_AGENT:
        if owner_id is None:
            raise Invalid(_("Choose the agent."), errors={"owner_id": [_("Required when handing to one agent.")]})
        user = desk_user(owner_id)
        if user.id == agent.id:
            raise Invalid(_("The same agent."), errors={"owner_id": [_("Choose another agent.")]})
        owner = Agent(user.id, user.name)
    if queue_id is not None and db.session.get(Queue, queue_id) is None:
        raise Invalid(_("Unknown queue."), errors={"queue_id": [_("No such queue.")]})
    statement = (select(Ticket).join(TicketStatus, TicketStatus.id == Ticket.status_id)
                 .where(Ticket.owner_id == agent.id, TicketStatus.category.in_(WORKING))
                 .order_by(Ticket.created_at, Ticket.id))
    if queue_id is not None:
        statement = statement.where(Ticket.queue_id == queue_id)
    tickets = list(db.session.scalars(statement))
    result = Plan(agent)
    if target != BY_RULE:
        result.moves = [(ticket, owner) for ticket in tickets]
        return result
    queue_ids = sorted({ticket.queue_id for ticket in tickets if ticket.queue_id is not None})
    if lock:
        queues = locked_queues(queue_ids)
    else:
        queues = {q.id: q for q in db.session.scalars(select(Queue).where(Queue.id.in_(queue_ids)))}
    members = {queue_id: [m for m in found if m.id != agent.id]
               for queue_id, found in available_members(queue_ids, utcnow()).items()}
    loads = open_loads(sorted({m.id for found in members.values() for m in found}))
    result.queues = queues
    pointers = {q.id: q.last_assigned_id for q in queues.values()}
    for ticket in tickets:
        candidates = members.get(ticket.queue_id) or []
        if not candidates:
            result.moves.append((ticket, None))
            continue
        queue = queues[ticket.queue_id]
        # A manual queue has no rule of its own: its tickets go round among its members.
        mode = AssignmentMode.LEAST_LOADED if queue.assignment_mode == AssignmentMode.LEAST_LOADED \
            else AssignmentMode.ROUND_ROBIN
        chosen = pick(mode, candidates, pointers[queue.id], loads)
        pointers[queue.id] = chosen.id
        loads[chosen.id] = loads.get(chosen.id, 0) + 1
        result.pointers[queue.id] = chosen.id
        result.moves.append((ticket, chosen))
    return result


def apply(agent: User, target: str, actor_id: int | None, owner_id: int | None = None,
          queue_id: int | None = None) -> Plan:
    """Carry the plan out: new owners, each ticket audited (``by: bulk``), the queues' pointers moved on."""
    done = plan(agent, target, owner_id, queue_id, lock=True)
    entries = []
    for ticket, owner in done.moves:
        ticket.owner_id = owner.id if owner else None
        data = {"previous_owner_id": agent.id, "previous_owner_name": agent.name, "by": "bulk",
                "queue_id": ticket.queue_id}
        if owner is not None:
            data = {"owner_id": owner.id, "owner_name": owner.name} | data
        entries.append(("ticket.assigned" if owner else "ticket.unassigned", ticket, data))
    audit.record_many(entries, actor_id)  # the events set_owner writes, in one statement for all tickets
    for queue_id, member_id in done.pointers.items():
        done.queues[queue_id].last_assigned_id = member_id
    db.session.flush()
    return done
