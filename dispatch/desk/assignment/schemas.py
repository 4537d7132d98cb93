"""API representations of queues, members, duty slots, a ticket's assignment and bulk reassignment."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from dispatch.api.pagination import page_schema
from dispatch.enums import AssignmentMode
from dispatch.schemas import Text


class QueueIn(Schema):
    name = Text(80, required=True)
    email_address = fields.Email(validate=validate.Length(max=254), allow_none=True,
                                 metadata={"description": "mail sent to it lands in this queue"})
    assignment_mode = fields.Enum(AssignmentMode, by_value=True)
    team_lead_id = fields.Integer(allow_none=True)
    active = fields.Boolean()
    position = fields.Integer(validate=validate.Range(0, 9999))


class QueuePatch(QueueIn):
    name = Text(80)


class QueueOut(Schema):
    id = fields.Integer()
    name = fields.String()
    email_address = fields.String(allow_none=True)
    assignment_mode = fields.Enum(AssignmentMode, by_value=True)
    team_lead_id = fields.Integer(allow_none=True)
    last_assigned_id = fields.Integer(allow_none=True, metadata={"description": "round robin's pointer"})
    active = fields.Boolean()
    position = fields.Integer()
    member_count = fields.Integer(dump_default=None)


QueuePage = page_schema(QueueOut, "QueuePage")


class DutySlotOut(Schema):
    id = fields.Integer()
    queue_id = fields.Integer()
    user_id = fields.Integer()
    weekday = fields.Integer(metadata={"description": "0 Monday .. 6 Sunday"})
    starts_at = fields.Time(format="%H:%M")
    ends_at = fields.Time(format="%H:%M")


class QueueMemberOut(Schema):
    user_id = fields.Integer()
    name = fields.String()
    active = fields.Boolean()
    user_active = fields.Boolean()
    duty_slots = fields.List(fields.Nested(DutySlotOut), attribute="slots")


class QueueDetailOut(QueueOut):
    team_lead_name = fields.String(allow_none=True)
    members = fields.List(fields.Nested(QueueMemberOut))


class QueueMemberIn(Schema):
    user_id = fields.Integer(required=True)


class QueueMemberPatch(Schema):
    active = fields.Boolean(required=True)


class DutySlotIn(Schema):
    user_id = fields.Integer(required=True)
    weekday = fields.Integer(required=True, validate=validate.Range(0, 6))
    starts_at = fields.Time(format="%H:%M", required=True)
    ends_at = fields.Time(format="%H:%M", required=True)


class TicketAssignmentIn(Schema):
    owner_id = fields.Integer(allow_none=True, metadata={"description": "null: unassigned; left out: kept"})
    queue_id = fields.Integer(allow_none=True, metadata={"description": "null: no queue; left out: kept"})
    reassign = fields.Boolean(load_default=False, metadata={
        "description": "with queue_id and without owner_id: hand the ticket on by the new queue's rule"})


class TicketAssignmentOut(Schema):
    id = fields.Integer()
    owner_id = fields.Integer(allow_none=True)
    queue_id = fields.Integer(allow_none=True)


class AgentReassignIn(Schema):
    target = fields.String(required=True, validate=validate.OneOf(("agent", "rule", "unassigned")), metadata={
        "description": "agent: all to owner_id; rule: shared out by each ticket's queue; unassigned: to nobody"})
    owner_id = fields.Integer(allow_none=True)
    queue_id = fields.Integer(allow_none=True, metadata={"description": "only the tickets of this queue"})
    dry_run = fields.Boolean(load_default=False, metadata={"description": "preview only: nothing changes"})


class ReassignOwnerCount(Schema):
    owner_id = fields.Integer(allow_none=True)
    owner_name = fields.String(allow_none=True)
    count = fields.Integer()


class AgentReassignOut(Schema):
    dry_run = fields.Boolean()
    total = fields.Integer()
    counts = fields.List(fields.Nested(ReassignOwnerCount))
    ticket_ids = fields.List(fields.Integer())
