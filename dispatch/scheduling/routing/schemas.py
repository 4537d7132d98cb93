"""Route proposals in the API: what to plan, and the proposed (or applied) routes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from dispatch.scheduling.routing.services import SOLVERS

SOLVER_DESCRIPTION = "auto: OR-Tools from the greedy plan (never worse), greedy: the fast plan alone"


class RouteDayArgs(Schema):
    day = fields.Date(metadata={"description": "the day to reorder (company time); default today"})


class RouteOptimiseIn(Schema):
    apply = fields.Boolean(load_default=False, metadata={"description": "schedule the proposal at once"})
    solver = fields.String(load_default="auto", validate=validate.OneOf(SOLVERS),
                           metadata={"description": SOLVER_DESCRIPTION})


class DayPlanIn(RouteOptimiseIn):
    day = fields.Date(required=True, metadata={"description": "the day to plan (company time)"})
    technician_ids = fields.List(fields.Integer(), validate=validate.Length(min=1, max=500), allow_none=True,
                                 metadata={"description": "plan for these technicians only; default all"})


class PlannedVisitOut(Schema):
    job_id = fields.Integer()
    number = fields.String()
    start = fields.AwareDateTime()
    end = fields.AwareDateTime()
    travel_minutes = fields.Integer(metadata={"description": "driving from the previous stop or home"})
    travel_km = fields.Float()
    fixed = fields.Boolean(metadata={"description": "a booking the plan leaves where it is"})
    moved = fields.Boolean(metadata={"description": "the plan gives this job a new technician or time"})
    window_start = fields.AwareDateTime(allow_none=True)
    window_end = fields.AwareDateTime(allow_none=True)


class PlannedRouteOut(Schema):
    technician_id = fields.Integer()
    name = fields.String()
    visits = fields.List(fields.Nested(PlannedVisitOut))
    return_travel_minutes = fields.Integer()
    travel_minutes = fields.Integer()
    travel_km = fields.Float()


class UnplannedJobOut(Schema):
    job_id = fields.Integer()
    number = fields.String()
    reason = fields.String(metadata={"description": "address_not_located, no_skilled_technician or no_time"})
    message = fields.String()


class RouteBeforeOut(Schema):
    job_ids = fields.List(fields.Integer())
    numbers = fields.List(fields.String())
    travel_minutes = fields.Integer()
    travel_km = fields.Float()


class RouteProposalOut(Schema):
    kind = fields.String(metadata={"description": "day or route"})
    day = fields.Date()
    engine = fields.String(metadata={"description": "greedy, solver, or current (the day stays as it is)"})
    solver_seconds = fields.Float()
    applied = fields.Boolean()
    technician_id = fields.Integer(allow_none=True)
    travel_minutes = fields.Integer()
    travel_km = fields.Float()
    before = fields.Nested(RouteBeforeOut, allow_none=True, metadata={"description": "a route: the day as it stands"})
    routes = fields.List(fields.Nested(PlannedRouteOut))
    unassigned = fields.List(fields.Nested(UnplannedJobOut))
    notes = fields.List(fields.String())
