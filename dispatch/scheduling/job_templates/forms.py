"""Back-office forms of job templates and follow-up jobs."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from dispatch.forms import blank_to_none, optional_int, options
from dispatch.scheduling.forms import KIND_LABELS, TemplateOrDuration


class TemplateForm(FlaskForm):
    """A job template: name, kind, duration, skills, checklist (one item a line) and instructions."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)], filters=[blank_to_none])
    kind = SelectField(_l("Kind of work"), choices=options(KIND_LABELS.items()))
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=60,
                                    validators=[DataRequired(), NumberRange(5, 24 * 60)])
    required_skills = StringField(_l("Required skills"), validators=[Optional(), Length(max=900)],
                                  filters=[blank_to_none])
    checklist = TextAreaField(_l("Checklist, one item a line"), validators=[Optional(), Length(max=11000)],
                              filters=[blank_to_none], render_kw={"rows": 6})
    instructions = TextAreaField(_l("Instructions for the technician"), validators=[Optional(), Length(max=5000)],
                                 filters=[blank_to_none], render_kw={"rows": 3})
    active = BooleanField(_l("Active: offered for new jobs"), default=True)

    def fill(self, template: Any) -> None:
        """Show a stored template."""
        self.name.data, self.kind.data = template.name, template.kind.value
        self.duration_minutes.data, self.instructions.data = template.duration_minutes, template.instructions
        self.required_skills.data = ", ".join(template.required_skills or [])
        self.checklist.data = "\n".join(template.checklist or [])
        self.active.data = template.active

    def service_data(self) -> dict[str, Any]:
        """The template as ``job_templates.services`` takes it."""
        return {"name": self.name.data, "kind": self.kind.data, "duration_minutes": self.duration_minutes.data,
                "required_skills": [s for s in (self.required_skills.data or "").split(",") if s.strip()],
                "checklist": [line for line in (self.checklist.data or "").splitlines() if line.strip()],
                "instructions": self.instructions.data, "active": self.active.data}


class FollowUpForm(TemplateOrDuration, FlaskForm):
    """A follow-up of a finished job: a template or a duration, and what to do."""

    template_id = SelectField(_l("Job template"), coerce=optional_int, validators=[Optional()])
    kind = SelectField(_l("Kind of work"), choices=options([("", _l("As the template says, else the same kind")),
                                                            *KIND_LABELS.items()]), validators=[Optional()])
    duration_minutes = IntegerField(_l("Estimated duration (minutes)"),
                                    validators=[Optional(), NumberRange(5, 24 * 60)])
    instructions = TextAreaField(_l("What to do next"), validators=[Optional(), Length(max=5000)],
                                 filters=[blank_to_none], render_kw={"rows": 3})

    def service_data(self) -> dict[str, Any]:
        """The follow-up as ``job_templates.services.create_follow_up`` takes it."""
        return {"template_id": self.template_id.data, "kind": self.kind.data or None,
                "duration_minutes": self.duration_minutes.data, "instructions": self.instructions.data}
