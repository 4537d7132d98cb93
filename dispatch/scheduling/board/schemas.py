"""The board's representation: lanes of technicians with their jobs and conflicts, and the queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import get_translations
from marshmallow import Schema, fields, validate

from dispatch.enums import GeocodeStatus, JobKind, JobStatus, Priority
from dispatch.scheduling.board.services import QUEUE_LIMIT, Board, BoardJob, Lane
from dispatch.scheduling.schemas import ConflictOut


class BoardArgs(Schema):
    day = fields.Date(metadata={"description": "first day (company zone), YYYY-MM-DD; default today"})
    days = fields.Integer(load_default=1, validate=validate.OneOf([1, 7]),
                          metadata={"description": "1: the day view, 7: the week view"})
    queue_limit = fields.Integer(load_default=QUEUE_LIMIT, validate=validate.Range(1, 200),
                                 metadata={"description": "queued jobs listed; queue_total counts them all"})


class BoardSpanOut(Schema):
    start = fields.Function(lambda span: span[0].isoformat())
    end = fields.Function(lambda span: span[1].isoformat())


class LatLonField(fields.Field):
    """A (latitude, longitude) pair as ``{"latitude", "longitude"}``, or null."""

    def _serialize(self, value, attr, obj, **kwargs):  # noqa: ANN001, ANN202
        return None if value is None else {"latitude": value[0], "longitude": value[1]}


class BoardAbsenceOut(Schema):
    id = fields.Integer(attribute="absence_id")
    start = fields.AwareDateTime()
    end = fields.AwareDateTime()
    reason = fields.String()


class BoardJobOut(Schema):
    id = fields.Integer()
    number = fields.String()
    kind = fields.Enum(JobKind, by_value=True)
    status = fields.Enum(JobStatus, by_value=True)
    technician_id = fields.Integer(allow_none=True)
    start = fields.AwareDateTime(allow_none=True)
    end = fields.AwareDateTime(allow_none=True)
    duration_minutes = fields.Integer()
    required_skills = fields.List(fields.String())
    window_start = fields.AwareDateTime(allow_none=True)
    window_end = fields.AwareDateTime(allow_none=True)
    waiting_since = fields.AwareDateTime()
    customer_name = fields.String()
    address = fields.String()
    location = LatLonField(allow_none=True)
    geocode_status = fields.Enum(GeocodeStatus, by_value=True)
    ticket_id = fields.Integer()
    ticket_reference = fields.String()
    priority = fields.Enum(Priority, by_value=True)
    due_at = fields.AwareDateTime(allow_none=True, metadata={"description": "the ticket's SLA due time"})
    sla = fields.String(allow_none=True, metadata={"description": "overdue, due_today, later; null: no SLA"})
    conflicts = fields.List(fields.Nested(ConflictOut))


class BoardLaneOut(Schema):
    technician_id = fields.Integer()
    name = fields.String()
    skills = fields.List(fields.String())
    home = LatLonField(allow_none=True)
    working = fields.List(fields.Nested(BoardSpanOut), metadata={"description": "working intervals, UTC"})
    absences = fields.List(fields.Nested(BoardAbsenceOut))
    jobs = fields.List(fields.Nested(BoardJobOut))


class BoardOut(Schema):
    day = fields.Date()
    days = fields.Integer()
    start = fields.AwareDateTime()
    end = fields.AwareDateTime()
    lanes = fields.List(fields.Nested(BoardLaneOut))
    queue = fields.List(fields.Nested(BoardJobOut), metadata={"description": "most urgent first"})
    queue_total = fields.Integer()


# The board's hot path: a plain-dict dump of a ``Board`` giving exactly what ``BoardOut().dump`` gives (the
# board bench checks they agree), about ten times faster on 800 jobs. ``BoardOut`` still documents the response.

def dump_board(board: Board) -> dict[str, Any]:
    """``BoardOut().dump(board)``, built directly; conflict messages translated with one lookup."""
    translations = get_translations()
    times: dict[datetime | None, str | None] = {None: None}

    def iso(moment: datetime | None) -> str | None:
        try:
            return times[moment]
        except KeyError:
            text = times[moment] = moment.isoformat()
            return text

    def job(item: BoardJob) -> dict[str, Any]:
        location = item.location
        return {
            "id": item.id, "number": item.number, "kind": item.kind.value, "status": item.status.value,
            "technician_id": item.technician_id, "start": iso(item.start), "end": iso(item.end),
            "duration_minutes": item.duration_minutes, "required_skills": list(item.required_skills),
            "window_start": iso(item.window_start), "window_end": iso(item.window_end),
            "waiting_since": iso(item.waiting_since), "customer_name": item.customer_name, "address": item.address,
            "location": None if location is None else {"latitude": location[0], "longitude": location[1]},
            "geocode_status": item.geocode_status.value, "ticket_id": item.ticket_id,
            "ticket_reference": item.ticket_reference, "priority": item.priority.value, "due_at": iso(item.due_at),
            "sla": item.sla,
            "conflicts": [{"code": conflict.code, "message": conflict.translated(translations),
                           "details": dict(conflict.details)} for conflict in item.conflicts],
        }

    def lane(item: Lane) -> dict[str, Any]:
        home = item.home
        return {
            "technician_id": item.technician_id, "name": item.name, "skills": list(item.skills),
            "home": None if home is None else {"latitude": home[0], "longitude": home[1]},
            "working": [{"start": iso(begin), "end": iso(finish)} for begin, finish in item.working],
            "absences": [{"id": away.absence_id, "start": iso(away.start), "end": iso(away.end),
                          "reason": away.reason} for away in item.absences],
            "jobs": [job(entry) for entry in item.jobs],
        }

    return {"day": board.day.isoformat(), "days": board.days, "start": iso(board.start), "end": iso(board.end),
            "lanes": [lane(item) for item in board.lanes], "queue": [job(item) for item in board.queue],
            "queue_total": board.queue_total}
