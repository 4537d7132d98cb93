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
    HiddenField,
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
from dispatch.scheduling.job_templates import services as job_templates

KIND_LABELS = {JobKind.REPAIR: _l("Repair"), JobKind.MAINTENANCE: _l("Maintenance"),
               JobKind.INSTALLATION: _l("Installation"), JobKind.INSPECTION: _l("Inspection")}
SKILL = re.compile(r"^[\w-]{1,40}$")
UTC = ZoneInfo("UTC")


class TemplateOrDuration:
    """Mixin of job forms (before FlaskForm in the bases) where a template stands in for a missing duration."""

    template_id: SelectField
    duration_minutes: IntegerField

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)  # type: ignore[misc]
        if valid and self.duration_minutes.data is None and self.template_id.data is None:
            self.duration_minutes.errors = [_l("Give a duration or choose a job template.")]
            return False
        return valid


class JobForm(TemplateOrDuration, FlaskForm):
    """A job for a ticket: from a template or not, what kind of work, how long, which skills, on which asset."""

    template_id = SelectField(_l("Job template"), coerce=optional_int, validators=[Optional()])
    kind = SelectField(_l("Kind of work"), choices=options([("", _l("As the template says, else repair")),
                                                            *KIND_LABELS.items()]), validators=[Optional()])
    duration_minutes = IntegerField(_l("Estimated duration (minutes)"),
                                    validators=[Optional(), NumberRange(5, 24 * 60)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template_id.choices = options([("", _l("No template"))]
                                           + [(t.id, t.name) for t in job_templates.active_templates()])

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
        return {"template_id": self.template_id.data, "kind": self.kind.data or None,
                "duration_minutes": self.duration_minutes.data, "required_skills": self.skills(),
                "asset_id": self.asset_id.data, "instructions": self.instructions.data}


class ScheduleForm(FlaskForm):
    """A technician and a visit on one day, typed in the company's local time; optionally the arrival window
    agreed with the customer and a reason to schedule despite conflicts."""

    technician_id = SelectField(_l("Technician"), coerce=optional_int, validators=[DataRequired()])
    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("Start time"), validators=[DataRequired()])
    end = TimeField(_l("End time"), validators=[DataRequired()])
    window_start = TimeField(_l("Arrival window from"), validators=[Optional()])
    window_end = TimeField(_l("Arrival window until"), validators=[Optional()])
    override_reason = TextAreaField(_l("Reason to schedule anyway"), validators=[Length(max=500)],
                                    filters=[blank_to_none], render_kw={"rows": 2})
    # Set by the conflict box's form: an override without a reason is refused instead of clashing again.
    override = HiddenField()

    def validate_end(self, field: TimeField) -> None:
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate_override_reason(self, field: TextAreaField) -> None:
        if self.override.data and not (field.data or "").strip():
            raise ValidationError(_l("Give the reason to schedule anyway."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Not in validate_window_end: Optional() skips a field's own validators when it is left empty.
        one_end = (self.window_start.data is None) != (self.window_end.data is None)
        if one_end and not self.window_start.errors and not self.window_end.errors:
            self.window_end.errors = [_l("Give both ends of the arrival window, or neither.")]
            return False
        return valid

    def validate_window_end(self, field: TimeField) -> None:
        if field.data and self.window_start.data and field.data <= self.window_start.data:
            raise ValidationError(_l("The end must be after the start."))

    def window(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The visit as aware UTC datetimes."""
        return (_to_utc(self.day.data, self.start.data, zone), _to_utc(self.day.data, self.end.data, zone))

    def arrival_window(self, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
        """The arrival window as aware UTC datetimes, None when not given."""
        if self.window_start.data is None or self.window_end.data is None:
            return None
        return (_to_utc(self.day.data, self.window_start.data, zone),
                _to_utc(self.day.data, self.window_end.data, zone))

    def prefill(self, start: datetime, minutes: int, zone: ZoneInfo) -> None:
        """Fill empty date and times from a UTC start and a duration."""
        local = start.astimezone(zone)
        self.day.data = self.day.data or local.date()
        self.start.data = self.start.data or local.time().replace(second=0, microsecond=0)
        end = (local + timedelta(minutes=minutes)).time().replace(second=0, microsecond=0)
        self.end.data = self.end.data or end


class UnscheduleForm(FlaskForm):
    """Taking a job off the planning, back to the queue; the reason is optional."""

    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)],
                           filters=[blank_to_none], render_kw={"rows": 2})


class PostponeForm(FlaskForm):
    """Postponing a job: the reason is required and shown to the technician."""

    reason = TextAreaField(_l("Reason for postponing"), validators=[DataRequired(), Length(max=500)],
                           render_kw={"rows": 2})


class CancelForm(FlaskForm):
    """Cancelling a job: the reason is required."""

    reason = TextAreaField(_l("Reason for cancelling"), validators=[DataRequired(), Length(max=500)],
                           render_kw={"rows": 2})


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
