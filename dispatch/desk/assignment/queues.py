"""Queues as the admin keeps them: name, inbound address, rule, team lead, members and their duty slots."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from dispatch import audit
from dispatch.auth.models import User
from dispatch.desk.assignment.models import DutySlot, Queue, QueueMember
from dispatch.desk.assignment.services import DESK_ROLES, desk_user
from dispatch.enums import AssignmentMode
from dispatch.errors import Conflict, Invalid, NotFound, get_or_not_found
from dispatch.extensions import db
from dispatch.pagination import Page, paginate
from dispatch.scheduling.models import Absence

MODE_LABELS = {AssignmentMode.MANUAL: _l("Manual"), AssignmentMode.ROUND_ROBIN: _l("Round robin"),
               AssignmentMode.LEAST_LOADED: _l("Least loaded")}
STEP_MINUTES = 15
ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
QUEUE_FIELDS = ("name", "email_address", "assignment_mode", "team_lead_id", "active", "position")


@dataclass
class Member:
    """A member of a queue with their duty slots there."""

    user_id: int
    name: str
    active: bool
    user_active: bool
    slots: list[DutySlot] = field(default_factory=list)


@dataclass
class QueueView:
    """A queue with its team lead's name and its members (three queries)."""

    queue: Queue
    team_lead_name: str | None
    members: list[Member]


def get_queue(queue_id: int) -> Queue:
    """The queue, or NotFound."""
    return get_or_not_found(Queue, queue_id, _l("Queue %(id)s does not exist.", id=queue_id))


def queue_page(cursor: str | None, limit: int) -> Page:
    """Queues by name, one page, each with its number of active members (two queries)."""
    page = paginate(select(Queue), sort=Queue.name, tiebreak=Queue.id, cursor=cursor, limit=limit,
                    descending=False)
    ids = [queue.id for queue in page.items]
    counts = dict(db.session.execute(
        select(QueueMember.queue_id, func.count()).where(QueueMember.queue_id.in_(ids), QueueMember.active.is_(True))
        .group_by(QueueMember.queue_id)).all()) if ids else {}
    for queue in page.items:
        queue.member_count = counts.get(queue.id, 0)
    return page


def queue_view(queue_id: int) -> QueueView:
    """One queue with team lead, members and duty slots."""
    queue = get_queue(queue_id)
    rows = db.session.execute(select(QueueMember.user_id, QueueMember.active, User.name, User.active.label("ua"))
                              .join(User, User.id == QueueMember.user_id)
                              .where(QueueMember.queue_id == queue.id).order_by(User.name, User.id))
    members = {row.user_id: Member(row.user_id, row.name, row.active, row.ua) for row in rows}
    for slot in db.session.scalars(select(DutySlot).where(DutySlot.queue_id == queue.id)
                                   .order_by(DutySlot.weekday, DutySlot.starts_at)):
        if slot.user_id in members:
            members[slot.user_id].slots.append(slot)
    lead = db.session.scalar(select(User.name).where(User.id == queue.team_lead_id)) if queue.team_lead_id else None
    return QueueView(queue, lead, list(members.values()))


def _clean(data: dict[str, Any], queue: Queue | None) -> dict[str, Any]:
    """The queue fields given in ``data``, checked; Invalid or Conflict naming the field."""
    clean: dict[str, Any] = {}
    if "name" in data:
        name = (data["name"] or "").strip()
        if not name:
            raise Invalid(_("A queue needs a name."), errors={"name": [_("This field is required.")]})
        clean["name"] = name
    if "email_address" in data:
        address = (data["email_address"] or "").strip() or None
        if address is not None:
            if len(address) > 254 or not ADDRESS.match(address):
                raise Invalid(_("Not an e-mail address."), errors={"email_address": [
                    _("Write an address like service@example.com.")]})
            address = address.lower()  # inbound mail is matched on the lower-cased address
        clean["email_address"] = address
    if "assignment_mode" in data:
        clean["assignment_mode"] = AssignmentMode(data["assignment_mode"])
    if "team_lead_id" in data:
        clean["team_lead_id"] = desk_user(data["team_lead_id"], "team_lead_id").id \
            if data["team_lead_id"] is not None else None
    for name in ("active", "position"):
        if name in data and data[name] is not None:
            clean[name] = data[name]
    for name in ("name", "email_address"):
        value = clean.get(name)
        if value is not None and db.session.scalar(
                select(Queue.id).where(getattr(Queue, name) == value, Queue.id != (queue.id if queue else -1))):
            raise Conflict(_("Another queue has this %(field)s.", field=name), errors={name: [_("Already in use.")]})
    return clean


def create_queue(data: dict[str, Any], actor_id: int | None) -> Queue:
    """A new queue; a taken name or address is a Conflict naming the field."""
    clean = _clean({"assignment_mode": AssignmentMode.MANUAL} | data | {"name": data.get("name")}, None)
    queue = Queue(**clean)
    db.session.add(queue)
    db.session.flush()
    audit.record("queue.created", queue, actor_id, **_audited(clean))
    return queue


def update_queue(queue: Queue, data: dict[str, Any], actor_id: int | None) -> Queue:
    """Change the fields ``data`` holds; audited with the previous values."""
    clean = _clean(data, queue)
    changes = {name: value for name, value in clean.items() if getattr(queue, name) != value}
    if not changes:
        return queue
    previous = {f"previous_{name}": getattr(queue, name) for name in changes}
    for name, value in changes.items():
        setattr(queue, name, value)
    db.session.flush()
    audit.record("queue.updated", queue, actor_id, **_audited(changes), **_audited(previous))
    return queue


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value.value if isinstance(value, AssignmentMode) else value for name, value in values.items()}


def _member(queue: Queue, user_id: int) -> QueueMember:
    member = db.session.get(QueueMember, (queue.id, user_id))
    if member is None:
        raise NotFound(_("Not a member of this queue."))
    return member


def add_member(queue: Queue, user_id: int, actor_id: int | None) -> QueueMember:
    """Add an active agent or admin to the queue (a deactivated member comes back)."""
    user = desk_user(user_id, "user_id")
    member = db.session.get(QueueMember, (queue.id, user.id))
    if member is not None and member.active:
        raise Conflict(_("Already a member."), errors={"user_id": [_("%(name)s is a member already.",
                                                                    name=user.name)]})
    if member is None:
        member = QueueMember(queue_id=queue.id, user_id=user.id, active=True)
        db.session.add(member)
    member.active = True
    db.session.flush()
    audit.record("queue.member_added", queue, actor_id, user_id=user.id, user_name=user.name)
    return member


def set_member_active(queue: Queue, user_id: int, active: bool, actor_id: int | None) -> QueueMember:
    """Let a member take tickets again or not (kept with their duty slots)."""
    member = _member(queue, user_id)
    if member.active != active:
        member.active = active
        audit.record("queue.member_activated" if active else "queue.member_deactivated", queue, actor_id,
                     user_id=user_id)
    return member


def remove_member(queue: Queue, user_id: int, actor_id: int | None) -> None:
    """Take a member out of the queue, with their duty slots there."""
    member = _member(queue, user_id)
    for slot in db.session.scalars(select(DutySlot).where(DutySlot.queue_id == queue.id,
                                                          DutySlot.user_id == user_id)):
        db.session.delete(slot)
    db.session.delete(member)
    db.session.flush()
    audit.record("queue.member_removed", queue, actor_id, user_id=user_id)


def add_duty_slot(queue: Queue, data: dict[str, Any], actor_id: int | None) -> DutySlot:
    """A member on duty on a weekday from-to (company time, 15-minute steps, no overlap of their own slots)."""
    user_id, weekday, start, end = data["user_id"], data["weekday"], data["starts_at"], data["ends_at"]
    member = db.session.get(QueueMember, (queue.id, user_id)) if isinstance(user_id, int) else None
    if member is None:
        raise Invalid(_("Not a member."), errors={"user_id": [_("Add the agent to the queue first.")]})
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise Invalid(_("Not a weekday."), errors={"weekday": [_("0 (Monday) to 6 (Sunday).")]})
    for name, value in (("starts_at", start), ("ends_at", end)):
        if not isinstance(value, time) or value.minute % STEP_MINUTES or value.second or value.microsecond:
            raise Invalid(_("Use 15-minute steps."), errors={name: [_("A time like 08:00, 08:15, 08:30.")]})
    if end <= start:
        raise Invalid(_("The slot ends before it starts."), errors={"ends_at": [_("Must be after the start.")]})
    clash = db.session.scalar(select(DutySlot).where(
        DutySlot.queue_id == queue.id, DutySlot.user_id == user_id, DutySlot.weekday == weekday,
        DutySlot.starts_at < end, DutySlot.ends_at > start).limit(1))
    if clash is not None:
        raise Conflict(_("Overlaps another duty slot of this agent."), errors={"starts_at": [
            _("Overlaps %(start)s-%(end)s.", start=clash.starts_at.strftime("%H:%M"),
              end=clash.ends_at.strftime("%H:%M"))]})
    slot = DutySlot(queue_id=queue.id, user_id=user_id, weekday=weekday, starts_at=start, ends_at=end)
    db.session.add(slot)
    db.session.flush()
    audit.record("queue.duty_slot_added", queue, actor_id, slot_id=slot.id, user_id=user_id, weekday=weekday,
                 starts_at=start.strftime("%H:%M"), ends_at=end.strftime("%H:%M"))
    return slot


def get_duty_slot(slot_id: int) -> DutySlot:
    """The duty slot, or NotFound."""
    return get_or_not_found(DutySlot, slot_id, _l("Duty slot %(id)s does not exist.", id=slot_id))


def delete_duty_slot(slot: DutySlot, actor_id: int | None) -> None:
    """Remove a duty slot."""
    queue = db.session.get(Queue, slot.queue_id)
    audit.record("queue.duty_slot_removed", queue, actor_id, slot_id=slot.id, user_id=slot.user_id,
                 weekday=slot.weekday, starts_at=slot.starts_at.strftime("%H:%M"),
                 ends_at=slot.ends_at.strftime("%H:%M"))
    db.session.delete(slot)
    db.session.flush()


def desk_agents() -> list[User]:
    """Agents and admins (active first, by name): the people whose absences the desk keeps."""
    return list(db.session.scalars(select(User).where(User.role.in_(DESK_ROLES))
                                   .order_by(User.active.desc(), User.name, User.id)))


def get_desk_agent(user_id: int) -> User:
    """The agent or admin, or NotFound."""
    user = db.session.get(User, user_id)
    if user is None or user.role not in DESK_ROLES:
        raise NotFound(_("Agent %(id)s does not exist.", id=user_id))
    return user


def get_desk_absence(user_id: int, absence_id: int) -> Absence:
    """An absence of this agent or admin, or NotFound (another person's absence is not found here)."""
    person = get_desk_agent(user_id)
    absence = db.session.get(Absence, absence_id)
    if absence is None or absence.technician_id != person.id:
        raise NotFound(_("Absence %(id)s does not exist.", id=absence_id))
    return absence


def absent_now(user_ids: list[int], now: datetime) -> dict[int, Absence]:
    """The absence each of these people is on at ``now`` (if any), in one query."""
    if not user_ids:
        return {}
    current: dict[int, Absence] = {}
    for absence in db.session.scalars(select(Absence).where(
            Absence.technician_id.in_(user_ids), Absence.starts_at <= now, Absence.ends_at > now)
            .order_by(Absence.ends_at)):
        current.setdefault(absence.technician_id, absence)
    return current
