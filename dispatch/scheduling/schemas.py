"""Job representations shared by the scheduling and field APIs."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from dispatch.customers.schemas import AssetOut, SiteOut
from dispatch.enums import JobKind, JobStatus
from dispatch.schemas import Text

MAX_SUGGESTION_WINDOW = timedelta(days=7)


class JobIn(Schema):
    template_id = fields.Integer(allow_none=True, metadata={
        "description": "a job template whose kind, duration, skills, checklist and instructions fill the gaps"})
    kind = fields.Enum(JobKind, by_value=True, allow_none=True)
    duration_minutes = fields.Integer(validate=validate.Range(5, 24 * 60), allow_none=True,
                                      metadata={"description": "required without a template"})
    required_skills = fields.List(Text(40, required=True), validate=validate.Length(max=20), load_default=list)
    checklist = fields.List(Text(200, required=True), validate=validate.Length(max=50), allow_none=True,
                            metadata={"description": "items to tick off on site; default the template's"})
    asset_id = fields.Integer(allow_none=True)
    instructions = Text(5000, allow_none=True)


class ScheduleIn(Schema):
    technician_id = fields.Integer(required=True)
    start = fields.AwareDateTime(required=True)
    end = fields.AwareDateTime(required=True)
    override_reason = Text(500, allow_none=True, metadata={
        "description": "schedule despite the conflicts, for this reason (audited)"})
    window_start = fields.AwareDateTime(allow_none=True, metadata={
        "description": "arrival window agreed with the customer (with window_end); the visit starts inside it"})
    window_end = fields.AwareDateTime(allow_none=True)

    @validates_schema
    def _window(self, data: dict, **_kwargs) -> None:  # noqa: ANN003
        window_start, window_end = data.get("window_start"), data.get("window_end")
        if (window_start is None) != (window_end is None):
            missing = "window_end" if window_end is None else "window_start"
            raise ValidationError(_("Give both window_start and window_end, or neither."), missing)
        if window_start is not None and window_end <= window_start:
            raise ValidationError(_("Must be after window_start."), "window_end")


class ReasonIn(Schema):
    reason = Text(500, required=True)


class OptionalReasonIn(Schema):
    reason = Text(500, allow_none=True)


class SuggestionArgs(Schema):
    start = fields.AwareDateTime(metadata={"description": "the visit starts at or after; default the next "
                                                          "working day (midnight, company time)"})
    end = fields.AwareDateTime(metadata={"description": "the visit starts before; default the end of start's day"})
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 50))

    @validates_schema
    def _window(self, data: dict, **_kwargs) -> None:  # noqa: ANN003
        start, end = data.get("start"), data.get("end")
        if end is not None and start is None:
            raise ValidationError(_("Give a start with the end."), "start")
        if start is not None and end is not None:
            if end <= start:
                raise ValidationError(_("Must be after start."), "end")
            if end - start > MAX_SUGGESTION_WINDOW:
                raise ValidationError(_("At most 7 days after start."), "end")


class SuggestionOut(Schema):
    technician_id = fields.Integer()
    name = fields.String()
    score = fields.Float()
    distance_km = fields.Float(allow_none=True, metadata={"description": "from the previous stop (the previous "
                                                                         "job that day, else home)"})
    travel_minutes = fields.Integer(allow_none=True)
    earliest_start = fields.AwareDateTime()
    earliest_end = fields.AwareDateTime()
    preferred = fields.Boolean(metadata={"description": "the customer's preferred technician"})
    reasons = fields.List(fields.String())


class ConflictOut(Schema):
    code = fields.String()
    message = fields.String()
    details = fields.Dict()


class CustomerBrief(Schema):
    id = fields.Integer()
    name = fields.String()
    phone = fields.String()
    email = fields.String()


class CoverageBrief(Schema):
    outcome = fields.String()
    reasons = fields.List(fields.String())
    decided_at = fields.AwareDateTime()


class JobFields(Schema):
    """What every representation of a job says about the job itself (its detail, the technician's agenda)."""

    id = fields.Integer()
    number = fields.String()
    kind = fields.Enum(JobKind, by_value=True)
    status = fields.Enum(JobStatus, by_value=True)
    scheduled_start = fields.AwareDateTime()
    scheduled_end = fields.AwareDateTime()
    duration_minutes = fields.Integer()
    required_skills = fields.List(fields.String())
    instructions = fields.String()
    checklist = fields.List(fields.Dict(), metadata={"description": "[{text, done}], ticked off on site"})
    template_id = fields.Integer(allow_none=True)
    follow_up_of_id = fields.Integer(allow_none=True)
    window_start = fields.AwareDateTime(allow_none=True, metadata={"description": "arrival window agreed with "
                                                                                  "the customer"})
    window_end = fields.AwareDateTime(allow_none=True)
    summary = fields.String()
    completed_at = fields.AwareDateTime()


class JobOut(JobFields):
    ticket_id = fields.Integer()
    ticket_reference = fields.Function(lambda job: job.ticket.reference)
    technician_id = fields.Integer()
    closed_at = fields.AwareDateTime()
    customer = fields.Function(lambda job: CustomerBrief().dump(job.site.customer))
    site = fields.Nested(SiteOut)
    asset = fields.Nested(AssetOut, allow_none=True)
    coverage = fields.Method("_coverage", allow_none=True)
    invoice_id = fields.Integer()
    notes = fields.Method("_notes", metadata={"description": "the technicians' notes (NoteOut), oldest first"})

    def _coverage(self, job) -> dict | None:  # noqa: ANN001
        from dispatch.closure.services import current_decision

        decision = current_decision(job.id)
        return CoverageBrief().dump(decision) if decision else None

    def _notes(self, job) -> list[dict]:  # noqa: ANN001
        from dispatch.field.notes import notes_of
        from dispatch.field.schemas import NoteOut

        return NoteOut(many=True).dump(notes_of(job.id))
