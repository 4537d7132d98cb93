"""/api/v1 desk figures: the figures of a period as JSON, and one dimension as CSV."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.api.downloads import csv_download
from dispatch.auth.access import roles_required
from dispatch.desk.figures import services
from dispatch.enums import Role
from dispatch.reporting.api import CSV, CSV_DESCRIPTION, CsvArgs

FIGURE_ROLES = (Role.AGENT, Role.ADMIN)

blp = Blueprint("api_desk_figures", __name__, url_prefix="/api/v1", description="Desk figures")


class DeskFiguresArgs(Schema):
    start = fields.Date(data_key="from", load_default=None,
                        metadata={"description": "first day (company time zone); with `to`, or neither: last 30 days"})
    end = fields.Date(data_key="to", load_default=None, metadata={"description": "last day, included"})


class DeskFiguresCsvArgs(DeskFiguresArgs, CsvArgs):  # the optional days of DeskFiguresArgs, the style of CsvArgs
    dimension = fields.String(required=True, validate=validate.OneOf(list(services.DIMENSIONS)))


def _decimal(name: str, *args: float) -> fields.Function:
    """A figure as a decimal string, null when there is nothing to measure."""
    def value(row: services.Row) -> str | None:
        result = getattr(row, name)(*args) if args else getattr(row, name)
        return None if result is None else str(result)
    return fields.Function(value)


class DeskFiguresRowOut(Schema):
    key = fields.Function(lambda row: None if row.key is None else str(row.key),
                          metadata={"description": "channel, category, queue id or agent (owner) id"})
    label = fields.String()
    created = fields.Integer()
    resolved = fields.Integer()
    open_now = fields.Integer()
    first_response_median_hours = _decimal("first_response_hours", 0.5)
    first_response_p90_hours = _decimal("first_response_hours", 0.9)
    resolution_median_hours = _decimal("resolution_hours", 0.5)
    resolution_p90_hours = _decimal("resolution_hours", 0.9)
    first_response_sla_percent = _decimal("first_response_compliance")
    resolution_sla_percent = _decimal("resolution_compliance")
    escalation_percent = _decimal("escalation_rate")
    reopen_percent = _decimal("reopen_rate")


class DeskFiguresOut(Schema):
    start = fields.Function(lambda figures: figures.period.start.isoformat(), data_key="from")
    end = fields.Function(lambda figures: figures.period.end.isoformat(), data_key="to")
    time_basis = fields.Constant("business_hours", metadata={
        "description": "times are business hours from creation (pauses not taken off)"})
    total = fields.Nested(DeskFiguresRowOut)
    by = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(DeskFiguresRowOut)))


@blp.route("/reports/desk-figures", methods=["GET"])
@roles_required(*FIGURE_ROLES)
@blp.arguments(DeskFiguresArgs, location="query")
@blp.response(200, DeskFiguresOut)
def desk_figures(args: dict):
    """Counts, response and resolution times, SLA compliance, escalation and reopen rates, by dimension."""
    return services.desk_figures(services.figures_period(args["start"], args["end"]))


@blp.route("/reports/desk-figures.csv", methods=["GET"])
@roles_required(*FIGURE_ROLES)
@blp.arguments(DeskFiguresCsvArgs, location="query")
@blp.response(200, CSV, content_type="text/csv", description=CSV_DESCRIPTION)
def desk_figures_csv(args: dict):
    """One dimension's figures as CSV (channel, category, queue or agent), with a total row."""
    figures = services.desk_figures(services.figures_period(args["start"], args["end"]))
    return csv_download(services.csv_header(args["dimension"]), services.csv_rows(figures, args["dimension"]),
                        args["style"], f"desk-figures-by-{args['dimension']}_{figures.period.slug}.csv")
