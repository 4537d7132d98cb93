"""Back-office forms of the team: a technician's profile, an absence, and the reassignment of their jobs."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from dispatch.forms import blank_to_none, optional_int, optional_text, options
from dispatch.scheduling.availability import UTC, WEEKDAYS
from dispatch.scheduling.team.services import HOME_FIELDS, REASON_LABELS

DAY_LABELS = {"mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"), "thu": _l("Thursday"),
              "fri": _l("Friday"), "sat": _l("Saturday"), "sun": _l("Sunday")}
PERIOD = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$")


class TechnicianForm(FlaskForm):
    """Skills, home base and the week's working hours, one line of periods per day."""

    skills = StringField(_l("Skills"), validators=[Optional(), Length(max=1300)], filters=[blank_to_none])
    home_street = optional_text(_l("Street and number"), 200)
    home_postal_code = optional_text(_l("Postal code"), 20)
    home_city = optional_text(_l("City"), 100)
    home_country = optional_text(_l("Country (two letters)"), 2)
    hours_mon = optional_text(DAY_LABELS["mon"], 60)
    hours_tue = optional_text(DAY_LABELS["tue"], 60)
    hours_wed = optional_text(DAY_LABELS["wed"], 60)
    hours_thu = optional_text(DAY_LABELS["thu"], 60)
    hours_fri = optional_text(DAY_LABELS["fri"], 60)
    hours_sat = optional_text(DAY_LABELS["sat"], 60)
    hours_sun = optional_text(DAY_LABELS["sun"], 60)

    def fill(self, profile: Any) -> None:
        """Show the stored profile."""
        self.skills.data = ", ".join(profile.skills or [])
        for name in HOME_FIELDS:
            self[f"home_{name}"].data = getattr(profile, f"home_{name}")
        for day in WEEKDAYS:
            self[f"hours_{day}"].data = ", ".join(f"{a}-{b}" for a, b in (profile.working_hours or {}).get(day, []))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        given = [name for name in HOME_FIELDS if self[f"home_{name}"].data]
        if given and len(given) < len(HOME_FIELDS):
            for name in HOME_FIELDS:
                if not self[f"home_{name}"].data:
                    self[f"home_{name}"].errors = [*self[f"home_{name}"].errors,
                                                   _l("Give the whole address, or none.")]
            valid = False
        return mark_bad_periods(self) and valid

    def service_data(self) -> dict[str, Any]:
        """The profile as ``team.services.update_technician`` takes it."""
        home = None
        if self.home_street.data:
            home = {name: self[f"home_{name}"].data for name in HOME_FIELDS}
        skills = [part for part in (self.skills.data or "").split(",") if part.strip()]
        return {"skills": skills, "home": home, "working_hours": week_periods(self)}

    @staticmethod
    def field_names() -> dict[str, str]:
        """Service error keys to the form's fields."""
        return {f"working_hours.{day}": f"hours_{day}" for day in WEEKDAYS} | {
            f"home.{name}": f"home_{name}" for name in HOME_FIELDS}


def mark_bad_periods(form: FlaskForm) -> bool:
    """Mark each ``hours_<day>`` line that is not periods like 08:00-12:00; whether all of them are."""
    valid = True
    for day in WEEKDAYS:
        field = form[f"hours_{day}"]
        if any(PERIOD.match(part) is None for part in _parts(field.data)):
            field.errors = [*field.errors, _l("Write periods like 08:00-12:00, 13:00-17:00.")]
            valid = False
    return valid


def week_periods(form: FlaskForm) -> dict[str, list[list[str]]]:
    """The ``hours_<day>`` lines as periods per weekday: {"mon": [["08:00", "12:00"], ...], ...}."""
    week = {}
    for day in WEEKDAYS:
        periods = [PERIOD.match(part) for part in _parts(form[f"hours_{day}"].data)]
        week[day] = [[_clock(m.group(1)), _clock(m.group(2))] for m in periods if m]
    return week


def _parts(text: str | None) -> list[str]:
    return [part for part in (text or "").split(",") if part.strip()]


def _clock(text: str) -> str:
    """``8:00`` as ``08:00``."""
    hours, minutes = text.split(":")
    return f"{int(hours):02d}:{minutes}"


class AbsenceForm(FlaskForm):
    """An absence over whole days (leave), or from a time on the first day to a time on the last."""

    reason = SelectField(_l("Reason"), choices=options(REASON_LABELS.items()), default="leave")
    first_day = DateField(_l("First day"), validators=[DataRequired()])
    last_day = DateField(_l("Last day"), validators=[DataRequired()])
    start_time = TimeField(_l("From (time on the first day)"), validators=[Optional()])
    end_time = TimeField(_l("Until (time on the last day)"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)], filters=[blank_to_none],
                         render_kw={"rows": 2})

    def validate_last_day(self, field: DateField) -> None:
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day cannot be before the first."))

    def service_data(self, zone: ZoneInfo) -> dict[str, Any]:
        """The absence as ``team.services.add_absence`` takes it: local days and times as UTC moments."""
        start = _at(self.first_day.data, self.start_time.data or time(0), zone)
        if self.end_time.data is None:
            end = _at(self.last_day.data + timedelta(days=1), time(0), zone)  # through the whole last day
        else:
            end = _at(self.last_day.data, self.end_time.data, zone)
        return {"starts_at": start, "ends_at": end, "reason": self.reason.data, "note": self.note.data}

    @staticmethod
    def field_names() -> dict[str, str]:
        return {"starts_at": "first_day", "ends_at": "last_day"}


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, zone).astimezone(UTC)


def reassign_form(proposals: list[Any], queue_label: str) -> FlaskForm:
    """One select per affected job: the fitting technicians (best first, preselected) and the queue."""

    class ReassignForm(FlaskForm):
        reason = optional_text(_l("Reason (told to the customer when a visit is called off)"), 500)

    for proposal in proposals:
        choices = [(c.technician_id, c.name) for c in proposal.candidates] + [("", queue_label)]
        setattr(ReassignForm, f"job_{proposal.job.id}", SelectField(
            proposal.job.number, choices=options(choices), coerce=optional_int, validators=[Optional()],
            default=proposal.technician_id))
    return ReassignForm()
