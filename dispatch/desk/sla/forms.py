"""Back-office forms of the SLA set-up: a policy, the week's business hours, a holiday, public holidays."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from dispatch.desk.sla.public_holidays import COUNTRIES
from dispatch.desk.sla.settings import FIRST_YEAR, LAST_YEAR, MAX_MINUTES, PRIORITY_ORDER
from dispatch.forms import optional_text, options
from dispatch.scheduling.availability import WEEKDAYS
from dispatch.scheduling.team.forms import TechnicianForm, mark_bad_periods, week_periods

PRIORITY_LABELS = {"urgent": _l("Urgent"), "high": _l("High"), "medium": _l("Medium"), "low": _l("Low"),
                   "none": _l("No priority")}
COUNTRY_LABELS = {"NL": _l("Netherlands"), "BE": _l("Belgium"), "DE": _l("Germany")}


def _minutes(label: Any) -> IntegerField:
    return IntegerField(label, validators=[InputRequired(), NumberRange(1, MAX_MINUTES)])


class PolicyForm(FlaskForm):
    """One policy; the service checks the rest (first response within resolution, one per priority and group)."""

    name = optional_text(_l("Name"), 80)
    priority = SelectField(_l("Priority"), choices=options((p.value, PRIORITY_LABELS[p.value]) for p in PRIORITY_ORDER))
    customer_group = optional_text(_l("Customer group"), 40)
    first_response_minutes = _minutes(_l("First response (business minutes)"))
    resolution_minutes = _minutes(_l("Resolution (business minutes)"))
    warning_percent = IntegerField(_l("Warn at (percent of the resolution time)"),
                                   validators=[InputRequired(), NumberRange(1, 99)], default=75)
    second_escalation_minutes = _minutes(_l("Second escalation after (business minutes past the breach)"))
    set_escalated_status = BooleanField(_l("On breach, set the status to Escalated"), default=True)
    active = BooleanField(_l("Active"), default=True)

    def service_data(self) -> dict[str, Any]:
        """The policy as ``settings.create_policy`` takes it."""
        return {name: self[name].data for name in (
            "name", "priority", "customer_group", "first_response_minutes", "resolution_minutes", "warning_percent",
            "second_escalation_minutes", "set_escalated_status", "active")}


class BusinessHoursForm(FlaskForm):
    """One line of periods per weekday, as the technicians' working hours."""

    hours_mon = TechnicianForm.hours_mon
    hours_tue = TechnicianForm.hours_tue
    hours_wed = TechnicianForm.hours_wed
    hours_thu = TechnicianForm.hours_thu
    hours_fri = TechnicianForm.hours_fri
    hours_sat = TechnicianForm.hours_sat
    hours_sun = TechnicianForm.hours_sun

    def fill(self, week: dict[str, list[list[str]]]) -> None:
        """Show the stored week."""
        for day in WEEKDAYS:
            self[f"hours_{day}"].data = ", ".join(f"{a}-{b}" for a, b in week.get(day, []))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return mark_bad_periods(self) and valid

    def service_data(self) -> dict[str, list[list[str]]]:
        """The week as ``settings.set_week`` takes it."""
        return week_periods(self)

    @staticmethod
    def field_names() -> dict[str, str]:
        return {day: f"hours_{day}" for day in WEEKDAYS}


class HolidayForm(FlaskForm):
    day = DateField(_l("Day"), validators=[DataRequired()])
    name = optional_text(_l("Name"), 120, validators=[DataRequired()])


class PublicHolidaysForm(FlaskForm):
    country = SelectField(_l("Country"), choices=options((c, COUNTRY_LABELS[c]) for c in COUNTRIES))
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(FIRST_YEAR, LAST_YEAR)])

