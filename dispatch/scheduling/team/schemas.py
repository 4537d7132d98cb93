"""API representations of technicians, their absences and reassignment proposals."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from dispatch.api.pagination import page_schema
from dispatch.enums import AbsenceReason, GeocodeStatus
from dispatch.scheduling.availability import WEEKDAYS
from dispatch.schemas import COUNTRY, Text

Interval = fields.List(fields.String(validate=validate.Length(max=5)), validate=validate.Length(equal=2))


class HomeIn(Schema):
    street = Text(200, required=True)
    postal_code = Text(20, required=True)
    city = Text(100, required=True)
    country = fields.String(required=True, validate=COUNTRY)


WorkingHoursIn = Schema.from_dict(
    {day: fields.List(Interval, validate=validate.Length(max=3), load_default=list) for day in WEEKDAYS},
    name="WorkingHoursIn")


class TechnicianIn(Schema):
    skills = fields.List(Text(40, required=True), validate=validate.Length(max=30),
                         metadata={"description": "stored lower-case, without duplicates"})
    home = fields.Nested(HomeIn, allow_none=True, metadata={
        "description": "the home base address, geocoded in the background; null clears it"})
    working_hours = fields.Nested(WorkingHoursIn, metadata={
        "description": "the whole week, company time: each day up to 3 ordered periods [\"HH:MM\", \"HH:MM\"]; "
                       "a day left out is a day off"})


class AbsenceBrief(Schema):
    id = fields.Integer()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    reason = fields.String()
    note = fields.String(allow_none=True)


class TechnicianOut(Schema):
    id = fields.Function(lambda view: view.user.id)
    name = fields.Function(lambda view: view.user.name)
    email = fields.Function(lambda view: view.user.email)
    active = fields.Function(lambda view: view.user.active)
    skills = fields.Function(lambda view: list(view.profile.skills or []))
    home = fields.Function(lambda view: _home(view.profile))
    working_hours = fields.Function(lambda view: view.profile.working_hours)
    current_absence = fields.Function(
        lambda view: AbsenceBrief().dump(view.current_absence) if view.current_absence else None)


def _home(profile) -> dict | None:  # noqa: ANN001
    if profile.home_street is None:
        return None
    status = profile.home_geocode_status
    return {"street": profile.home_street, "postal_code": profile.home_postal_code, "city": profile.home_city,
            "country": profile.home_country, "latitude": profile.home_latitude,
            "longitude": profile.home_longitude,
            "geocode_status": status.value if isinstance(status, GeocodeStatus) else status}


TechnicianPage = page_schema(TechnicianOut, "TechnicianPage")


class AbsenceIn(Schema):
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    reason = fields.Enum(AbsenceReason, by_value=True, required=True)
    note = Text(2000, allow_none=True)


class AffectedJobOut(Schema):
    id = fields.Integer()
    number = fields.String()
    status = fields.Function(lambda job: job.status.value)
    scheduled_start = fields.AwareDateTime()
    scheduled_end = fields.AwareDateTime()
    customer = fields.Function(lambda job: job.site.customer.name)


class AbsenceOut(AbsenceBrief):
    technician_id = fields.Integer()
    affected_jobs = fields.List(fields.Nested(AffectedJobOut), metadata={
        "description": "on creation: the technician's planned jobs the absence overlaps (to reassign)"})


class AbsenceArgs(Schema):
    since = fields.AwareDateTime(metadata={"description": "only absences ending after this moment"})


class SpanArgs(Schema):
    start = fields.AwareDateTime(required=True)
    end = fields.AwareDateTime(required=True)


class ReassignmentCandidateOut(Schema):
    technician_id = fields.Integer()
    name = fields.String()
    score = fields.Float()
    travel_minutes = fields.Integer(allow_none=True)
    reasons = fields.List(fields.String())


class ReassignmentProposalOut(Schema):
    job = fields.Nested(AffectedJobOut)
    technician_id = fields.Integer(allow_none=True, metadata={"description": "the proposal; null: back to the "
                                                                             "queue, nobody fits"})
    candidates = fields.List(fields.Nested(ReassignmentCandidateOut))


class AssignmentIn(Schema):
    job_id = fields.Integer(required=True)
    technician_id = fields.Integer(required=True, allow_none=True,
                                   metadata={"description": "null: back to the unscheduled queue"})


class ReassignIn(Schema):
    assignments = fields.List(fields.Nested(AssignmentIn), required=True, validate=validate.Length(1, 500))
    reason = Text(500, allow_none=True)


class ReassignOut(Schema):
    jobs = fields.List(fields.Nested(AffectedJobOut))

