"""/api/v1 reports and exports: hours per technician, job, customer or ticket; CSV files for accountants."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.api.downloads import csv_download
from dispatch.auth.access import roles_required
from dispatch.enums import Role
from dispatch.reporting import csvfile, exports, hours
from dispatch.reporting.services import Period, period

CSV = {"type": "string", "format": "binary"}
CSV_DESCRIPTION = ("CSV; style excel (default): ';' separated, decimal commas, UTF-8 with BOM, for Excel in "
                   "NL/BE/DE; style standard: RFC 4180, ',' separated, '.' decimals")
HOURS_ROLES = (Role.AGENT, Role.BILLING, Role.ADMIN)
EXPORT_ROLES = (Role.BILLING, Role.ADMIN)

blp = Blueprint("api_reporting", __name__, url_prefix="/api/v1", description="Reports and exports")


class PeriodArgs(Schema):
    start = fields.Date(data_key="from", required=True,
                        metadata={"description": "first day, in the company's time zone (YYYY-MM-DD)"})
    end = fields.Date(data_key="to", required=True, metadata={"description": "last day, included"})


class CsvArgs(PeriodArgs):
    style = fields.String(load_default=csvfile.EXCEL.name, validate=validate.OneOf(list(csvfile.STYLES)))


class HoursArgs(PeriodArgs):
    group_by = fields.String(load_default="technician", validate=validate.OneOf(list(hours.GROUPS)))


class HoursCsvArgs(HoursArgs, CsvArgs):
    pass


def _measure(name: str) -> fields.Function:
    return fields.Function(lambda row: str(row.hours(name)), metadata={"description": f"{name} hours, 2 decimals"})


class HoursTotalsOut(Schema):
    work = _measure("work")
    travel = _measure("travel")
    billable = _measure("billable")
    covered = _measure("covered")
    undecided = _measure("undecided")
    total = _measure("total")


class HoursRowOut(HoursTotalsOut):
    key = fields.Integer(metadata={"description": "id of the technician, job, customer or ticket"})
    label = fields.String()
    detail = fields.String(allow_none=True)


class HoursReportOut(Schema):
    start = fields.Function(lambda report: report.period.start.isoformat(), data_key="from")
    end = fields.Function(lambda report: report.period.end.isoformat(), data_key="to")
    group_by = fields.String()
    rows = fields.List(fields.Nested(HoursRowOut))
    totals = fields.Nested(HoursTotalsOut)


@blp.route("/reports/hours", methods=["GET"])
@roles_required(*HOURS_ROLES)
@blp.arguments(HoursArgs, location="query")
@blp.response(200, HoursReportOut)
def hours_report(args: dict):
    """Hours of a period per technician, job, customer or ticket: work, travel, billable, covered, undecided."""
    return hours.hours_report(period(args["start"], args["end"]), args["group_by"])


@blp.route("/reports/hours.csv", methods=["GET"])
@roles_required(*HOURS_ROLES)
@blp.arguments(HoursCsvArgs, location="query")
@blp.response(200, CSV, content_type="text/csv", description=CSV_DESCRIPTION)
def hours_csv(args: dict):
    """The hours report as CSV, with a total row."""
    report = hours.hours_report(period(args["start"], args["end"]), args["group_by"])
    return csv_download(hours.csv_header(report.group_by), hours.csv_rows(report), args["style"],
                f"hours-by-{report.group_by}_{report.period.slug}.csv")


@blp.route("/exports/invoices.csv", methods=["GET"])
@roles_required(*EXPORT_ROLES)
@blp.arguments(CsvArgs, location="query")
@blp.response(200, CSV, content_type="text/csv", description=CSV_DESCRIPTION)
def invoices_csv(args: dict):
    """Approved invoices and credit notes issued in the period, one row per document and VAT rate."""
    return _export("invoices", exports.document_header, exports.document_rows, args)


@blp.route("/exports/invoice-lines.csv", methods=["GET"])
@roles_required(*EXPORT_ROLES)
@blp.arguments(CsvArgs, location="query")
@blp.response(200, CSV, content_type="text/csv", description=CSV_DESCRIPTION)
def invoice_lines_csv(args: dict):
    """Every line of the approved invoices and credit notes issued in the period."""
    return _export("invoice-lines", exports.line_header, exports.line_rows, args)


def _export(kind: str, header: Callable[[], list[str]], rows: Callable[[Period], Iterator[list[Any]]],
            args: dict) -> Response:
    chosen = period(args["start"], args["end"])  # checked before the stream starts: a bad period is a 422
    return csv_download(header(), rows(chosen), args["style"], exports.file_name(kind, chosen))
