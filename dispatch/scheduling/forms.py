"""Back-office forms of scheduling: a job from a ticket, and a technician's time window for it."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from dispatch.enums import CoverageOutcome, JobKind
from dispatch.forms import blank_to_none, optional_int, options

KIND_LABELS = {JobKind.REPAIR: _l("Repair"), JobKind.MAINTENANCE: _l("Maintenance"),
               JobKind.INSTALLATION: _l("Installation"), JobKind.INSPECTION: _l("Inspection")}
SKILL = re.compile(r"^[\w-]{1,40}$")
UTC = ZoneInfo("UTC")


class JobForm(FlaskForm):
    """A job for a ticket: what kind of work, how long, which skills, on which asset."""

    kind = SelectField(_l("Kind of work"), choices=options(KIND_LABELS.items()),
                       default=JobKind.REPAIR.value)
    duration_minutes = IntegerField(_l("Estimated duration (minutes)"), default=60,
                                    validators=[DataRequired(), NumberRange(5, 24 * 60)])
    required_skills = StringField(_l("Required skills"), validators=[Optional(), Length(max=400)],
                                  filters=[blank_to_none])
    asset_id = SelectField(_l("Asset"), coerce=optional_int, choices=options([("", _l("No asset"))]),
                           validators=[Optional()])
    instructions = TextAreaField(_l("Instructions for the technician"),
                                 validators=[Optional(), Length(max=5000)],
                                 filters=[blank_to_none], render_kw={"rows": 3})

    def skills(self) -> list[str]:
        """The required skills typed as a comma-separated list."""
        return [part.strip() for part in (self.required_skills.data or "").split(",") if part.strip()]

    def validate_required_skills(self, field: StringField) -> None:
        skills = self.skills()
        if len(skills) > 20:
            raise ValidationError(_l("At most 20 skills."))
        if any(not SKILL.match(skill) for skill in skills):
            raise ValidationError(_l("Use short skill names (letters, digits, - and _), "
                                     "separated by commas."))

    def service_data(self) -> dict[str, Any]:
        """The job as ``scheduling.services.create_job`` takes it."""
        return {"kind": self.kind.data, "duration_minutes": self.duration_minutes.data,
                "required_skills": self.skills(), "asset_id": self.asset_id.data,
                "instructions": self.instructions.data}


class ScheduleForm(FlaskForm):
    """A technician and a window on one day, typed in the company's local time."""

    technician_id = SelectField(_l("Technician"), coerce=optional_int, validators=[DataRequired()])
    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("Start time"), validators=[DataRequired()])
    end = TimeField(_l("End time"), validators=[DataRequired()])

    def validate_end(self, field: TimeField) -> None:
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The end must be after the start."))

    def window(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The window as aware UTC datetimes."""
        return (_to_utc(self.day.data, self.start.data, zone), _to_utc(self.day.data, self.end.data, zone))

    def prefill(self, start: datetime, minutes: int, zone: ZoneInfo) -> None:
        """Fill empty date and times from a UTC start and a duration."""
        local = start.astimezone(zone)
        self.day.data = self.day.data or local.date()
        self.start.data = self.start.data or local.time().replace(second=0, microsecond=0)
        end = (local + timedelta(minutes=minutes)).time().replace(second=0, microsecond=0)
        self.end.data = self.end.data or end


class CoverageForm(FlaskForm):
    """An agent's coverage decision on a completed job that needs review."""

    outcome = SelectField(_l("Decision"), choices=options([
        (CoverageOutcome.COVERED, _l("Covered")), (CoverageOutcome.PARTLY_COVERED, _l("Partly covered")),
        (CoverageOutcome.CHARGEABLE, _l("Chargeable"))]))
    covers = SelectMultipleField(_l("Covered parts of the work (partly covered only)"), choices=options([
        ("labour", _l("Labour")), ("parts", _l("Parts")), ("callout", _l("Call-out"))]),
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(), validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 2})


def _to_utc(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, zone).astimezone(UTC)
