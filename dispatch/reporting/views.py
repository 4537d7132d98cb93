"""Back-office report pages: hours of a period, and the accountants' CSV exports (which the API serves)."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, render_template, request
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from dispatch.auth.access import roles_required
from dispatch.errors import Invalid
from dispatch.forms import options
from dispatch.reporting import csvfile, hours
from dispatch.reporting.api import EXPORT_ROLES, HOURS_ROLES
from dispatch.reporting.services import Period, period, previous_month, this_month
from dispatch.web import form_failed

bp = Blueprint("reporting", __name__, url_prefix="/reports")

STYLE_LABELS = {csvfile.EXCEL.name: _l("Excel (semicolons, decimal commas)"),
                csvfile.STANDARD.name: _l("Standard CSV (commas, decimal points)")}


class PeriodForm(FlaskForm):
    """A period read from the query string (``from`` and ``to``, as the API names them)."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), name="from", validators=[Optional()])
    end = DateField(_l("To"), name="to", validators=[Optional()])
    style = SelectField(_l("CSV format"), choices=options(STYLE_LABELS.items()), default=csvfile.EXCEL.name)

    def chosen(self, default: Period) -> Period | None:
        """The period asked for (the default when none is given), or None with the errors on the fields."""
        if "from" not in request.args and "to" not in request.args:
            self.start.data, self.end.data = default.start, default.end
            return default
        if not self.validate():
            return None
        try:
            return period(self.start.data, self.end.data)
        except Invalid as error:
            form_failed(self, error, fields={"from": "start", "to": "end"})
            return None


class HoursForm(PeriodForm):
    group_by = SelectField(_l("Group by"), choices=options(hours.GROUPS.items()), default="technician")


def hours_text(value: Decimal) -> str:
    """Hours with two decimals in the reader's language (``1,50`` in Dutch)."""
    return format_decimal(value, format="#,##0.00")


@bp.get("/hours")
@roles_required(*HOURS_ROLES)
def hours_page():  # noqa: ANN201
    """Hours of a period per technician, job, customer or ticket, with a CSV download."""
    form = HoursForm(request.args)
    chosen = form.chosen(this_month())
    group_by = form.group_by.data if form.group_by.data in hours.GROUPS else "technician"
    report = hours.hours_report(chosen, group_by) if chosen else None
    return render_template("reporting/hours.html", form=form, report=report, groups=hours.GROUPS, hours_text=hours_text,
                           style=form.style.data or csvfile.EXCEL.name), (200 if chosen else 422)


@bp.get("/exports")
@roles_required(*EXPORT_ROLES)
def exports_page():  # noqa: ANN201
    """The accountants' CSV files of a period: invoices and credit notes, and their lines."""
    form = PeriodForm(request.args)
    chosen = form.chosen(previous_month())
    return render_template("reporting/exports.html", form=form, period=chosen,
                           style=form.style.data or csvfile.EXCEL.name), (200 if chosen else 422)
