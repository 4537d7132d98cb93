"""The desk figures page: a period's figures with SVG charts, a table beside each, and CSV downloads."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from dispatch.auth.access import roles_required
from dispatch.desk.figures import charts, services
from dispatch.desk.figures.api import FIGURE_ROLES
from dispatch.errors import Invalid
from dispatch.reporting import csvfile
from dispatch.reporting.views import PeriodForm
from dispatch.web import form_failed

bp = Blueprint("desk_figures", __name__, url_prefix="/reports/desk")

HUNDRED = 100


@bp.get("")
@roles_required(*FIGURE_ROLES)
def figures_page():  # noqa: ANN201
    """The figures of a period (the last thirty days unless chosen), by channel, category, queue and agent."""
    form = PeriodForm(request.args)
    chosen = form.chosen(services.default_period())
    if chosen is not None:
        try:
            chosen = services.figures_period(chosen.start, chosen.end)
        except Invalid as error:
            form_failed(form, error, fields={"from": "start", "to": "end"})
            chosen = None
    figures = services.desk_figures(chosen) if chosen else None
    chart_sets = {}
    if figures:
        chart_sets = {name: {"created": charts.bar_chart(rows, lambda row: row.created),
                             "sla": charts.bar_chart(rows, lambda row: row.resolution_compliance, HUNDRED)}
                      for name, rows in figures.by.items()}
    return render_template("desk/figures/figures.html", form=form, figures=figures, charts=chart_sets,
                           dimensions=services.DIMENSIONS, headings=services.HEADINGS,
                           style=form.style.data or csvfile.EXCEL.name), (200 if figures else 422)
