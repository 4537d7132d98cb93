"""Back-office forms of queues, duty slots, a ticket's owner and queue, and bulk reassignment."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from dispatch.desk.assignment.queues import MODE_LABELS
from dispatch.desk.assignment.services import Agent
from dispatch.forms import blank_to_none, optional_int, optional_text, options

WEEKDAY_LABELS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
                  _l("Sunday"))
TARGET_LABELS = {"agent": _l("One colleague"), "rule": _l("Share out by each queue's rule"),
                 "unassigned": _l("Back to unassigned")}


def _people(agents: list[Agent], empty: Any) -> list:
    return options([("", empty)] + [(agent.id, agent.name) for agent in agents])


class QueueForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)], filters=[blank_to_none])
    email_address = optional_text(_l("E-mail address (mail to it lands in this queue)"), 254)
    assignment_mode = SelectField(_l("Assignment"), choices=options(MODE_LABELS.items()), default="manual")
    team_lead_id = SelectField(_l("Team lead"), coerce=optional_int, validators=[Optional()])
    position = IntegerField(_l("Position in lists"), default=0, validators=[Optional(), NumberRange(0, 9999)])
    active = BooleanField(_l("Active (offered for tickets)"), default=True)

    def with_people(self, agents: list[Agent]) -> QueueForm:
        """Offer the desk's agents as team lead."""
        self.team_lead_id.choices = _people(agents, _l("Nobody"))
        return self

    def fill(self, queue: Any) -> None:
        for name in ("name", "email_address", "team_lead_id", "position", "active"):
            self[name].data = getattr(queue, name)
        self.assignment_mode.data = queue.assignment_mode.value

    def service_data(self) -> dict[str, Any]:
        return {"name": self.name.data, "email_address": self.email_address.data,
                "assignment_mode": self.assignment_mode.data, "team_lead_id": self.team_lead_id.data,
                "position": self.position.data or 0, "active": self.active.data}


class MemberForm(FlaskForm):
    user_id = SelectField(_l("Agent"), coerce=optional_int, validators=[DataRequired()])

    def with_people(self, agents: list[Agent]) -> MemberForm:
        self.user_id.choices = _people(agents, _l("Choose an agent"))
        return self


class DutySlotForm(FlaskForm):
    user_id = SelectField(_l("Agent"), coerce=optional_int, validators=[DataRequired()])
    weekday = SelectField(_l("Weekday"), coerce=int, choices=options(enumerate(WEEKDAY_LABELS)), default=0)
    starts_at = TimeField(_l("From"), validators=[DataRequired()], render_kw={"step": 900})
    ends_at = TimeField(_l("Until"), validators=[DataRequired()], render_kw={"step": 900})

    def with_members(self, members: list[Any]) -> DutySlotForm:
        self.user_id.choices = options([("", _l("Choose a member"))] + [(m.user_id, m.name) for m in members])
        return self

    def service_data(self) -> dict[str, Any]:
        return {"user_id": self.user_id.data, "weekday": self.weekday.data, "starts_at": self.starts_at.data,
                "ends_at": self.ends_at.data}


class OwnerForm(FlaskForm):
    owner_id = SelectField(_l("Owner"), coerce=optional_int, validators=[Optional()])


class QueueChoiceForm(FlaskForm):
    queue_id = SelectField(_l("Queue"), coerce=optional_int, validators=[Optional()])
    reassign = BooleanField(_l("Hand on by the queue's rule"))


class BulkReassignForm(FlaskForm):
    target = SelectField(_l("Give the tickets to"), choices=options(TARGET_LABELS.items()), default="rule")
    owner_id = SelectField(_l("Colleague (for \"one colleague\")"), coerce=optional_int, validators=[Optional()])
    queue_id = SelectField(_l("Only tickets of the queue"), coerce=optional_int, validators=[Optional()])

    def with_choices(self, agents: list[Agent], queues: list[Any]) -> BulkReassignForm:
        self.owner_id.choices = _people(agents, _l("Choose a colleague"))
        self.queue_id.choices = options([("", _l("All queues"))] + [(q.id, q.name) for q in queues])
        return self

    def service_data(self) -> dict[str, Any]:
        return {"target": self.target.data, "owner_id": self.owner_id.data, "queue_id": self.queue_id.data}
