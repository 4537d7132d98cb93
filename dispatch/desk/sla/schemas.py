"""API representations of SLA policies, business hours and holidays."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from dispatch.desk.sla.public_holidays import COUNTRIES
from dispatch.desk.sla.settings import FIRST_YEAR, LAST_YEAR, MAX_MINUTES
from dispatch.enums import Priority
from dispatch.scheduling.availability import WEEKDAYS
from dispatch.scheduling.team.schemas import Interval
from dispatch.schemas import Text

Minutes = validate.Range(1, MAX_MINUTES)


class SlaPolicyOut(Schema):
    id = fields.Integer()
    name = fields.String()
    priority = fields.Enum(Priority, by_value=True)
    customer_group = fields.String(allow_none=True)
    first_response_minutes = fields.Integer()
    resolution_minutes = fields.Integer()
    warning_percent = fields.Integer()
    second_escalation_minutes = fields.Integer()
    set_escalated_status = fields.Boolean()
    active = fields.Boolean()


class SlaPolicyFields(Schema):
    name = Text(80)
    customer_group = fields.String(allow_none=True, validate=validate.Length(max=40), metadata={
        "description": "customers of this group (Customer.customer_group); null: customers of no other group"})
    warning_percent = fields.Integer(validate=validate.Range(1, 99), metadata={
        "description": "share of the resolution time used up when the owner is warned"})
    second_escalation_minutes = fields.Integer(validate=Minutes, metadata={
        "description": "business minutes after the breach before team lead and admins are told"})
    set_escalated_status = fields.Boolean(metadata={"description": "on breach, move to the status escalated"})
    active = fields.Boolean()


class SlaPolicyIn(SlaPolicyFields):
    priority = fields.Enum(Priority, by_value=True, required=True)
    first_response_minutes = fields.Integer(required=True, validate=Minutes, metadata={
        "description": "business minutes; at most the resolution minutes"})
    resolution_minutes = fields.Integer(required=True, validate=Minutes, metadata={"description": "business minutes"})


class SlaPolicyPatch(SlaPolicyFields):
    priority = fields.Enum(Priority, by_value=True)
    first_response_minutes = fields.Integer(validate=Minutes)
    resolution_minutes = fields.Integer(validate=Minutes)


BusinessHoursIo = Schema.from_dict(
    {day: fields.List(Interval, validate=validate.Length(max=3), load_default=list, metadata={
        "description": "up to 3 ordered periods [\"HH:MM\", \"HH:MM\"] in the company's time zone"})
     for day in WEEKDAYS}, name="BusinessHoursWeek")


class HolidayOut(Schema):
    id = fields.Integer()
    day = fields.Date()
    name = fields.String()


class HolidayIn(Schema):
    day = fields.Date(required=True)
    name = Text(120, required=True)


class HolidayArgs(Schema):
    year = fields.Integer(validate=validate.Range(FIRST_YEAR, LAST_YEAR))


class PublicHolidaysIn(Schema):
    country = fields.String(required=True, validate=validate.OneOf(COUNTRIES))
    year = fields.Integer(required=True, validate=validate.Range(FIRST_YEAR, LAST_YEAR))
