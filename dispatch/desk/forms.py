"""Back-office forms of the desk: ticket filters, the ticket page's forms, and the labels of priorities,
statuses and channels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SearchField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from dispatch.enums import Channel, Priority, StatusCategory
from dispatch.forms import blank_to_none, optional_int, optional_text, options

if TYPE_CHECKING:
    from dispatch.desk.models import TicketStatus

PRIORITY_LABELS = {Priority.NONE: _l("None"), Priority.LOW: _l("Low"), Priority.MEDIUM: _l("Medium"),
                   Priority.HIGH: _l("High"), Priority.URGENT: _l("Urgent")}
# The built-in statuses' names, translatable; statuses an admin adds show their own name.
STATUS_LABELS = {"new": _l("New"), "open": _l("Open"), "on_hold": _l("On hold"), "escalated": _l("Escalated"),
                 "resolved": _l("Resolved"), "closed": _l("Closed")}
# The names the built-ins were seeded with: while a built-in keeps it, readers see its translation instead.
SEEDED_STATUS_NAMES = {"new": "New", "open": "Open", "on_hold": "On hold", "escalated": "Escalated",
                       "resolved": "Resolved", "closed": "Closed"}
CHANNEL_LABELS = {Channel.PHONE: _l("Phone"), Channel.EMAIL: _l("E-mail"), Channel.WEB: _l("Web form"),
                  Channel.CHAT: _l("Chat"), Channel.PORTAL: _l("Portal")}


def status_label(status: TicketStatus) -> str:
    """A status's name for the reader: a built-in's translation, unless an admin renamed it."""
    if status.key in STATUS_LABELS and status.name == SEEDED_STATUS_NAMES[status.key]:
        return str(STATUS_LABELS[status.key])
    return status.name


VIEW_LABELS = {"mine": _l("Mine"), "unassigned": _l("Unassigned"), "due_soon": _l("Due soon"),
               "escalated": _l("Escalated"), "queue": _l("Queue"), "all": _l("All open")}
STATE_LABELS = {StatusCategory.OPEN: _l("Open"), StatusCategory.PAUSED: _l("Paused"),
                StatusCategory.CLOSED: _l("Closed")}


class TicketFilterForm(FlaskForm):
    """The ticket list's view, filters and order, read from the query string."""

    class Meta:
        csrf = False

    view = HiddenField(default="all", filters=[lambda value: value or "all"])
    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)], filters=[blank_to_none])
    status = SelectField(_l("Status"), validators=[Optional()], validate_choice=True)
    state = SelectField(_l("State"), validators=[Optional()], filters=[blank_to_none],
                        choices=options([("", _l("Open and paused")), *STATE_LABELS.items()]))
    priority = SelectField(_l("Priority"), validators=[Optional()], filters=[blank_to_none],
                           choices=options([("", _l("Any priority")), *PRIORITY_LABELS.items()]))
    category = optional_text(_l("Category"), 80)
    channel = SelectField(_l("Channel"), validators=[Optional()], filters=[blank_to_none],
                          choices=options([("", _l("Any channel")), *CHANNEL_LABELS.items()]))
    queue_id = SelectField(_l("Queue"), coerce=optional_int, validators=[Optional()], validate_choice=True)
    owner_id = SelectField(_l("Owner"), coerce=optional_int, validators=[Optional()], validate_choice=True)
    customer_id = IntegerField(_l("Customer number"), validators=[Optional()])
    sort = SelectField(_l("Order"), validators=[Optional()], filters=[lambda value: value or "urgent"],
                       choices=options([("urgent", _l("Most urgent first")), ("newest", _l("Newest first"))]))


class TicketEditForm(FlaskForm):
    """The ticket's own fields on its page (custom fields are read from ``cf-<key>`` inputs)."""

    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)], filters=[blank_to_none])
    category = optional_text(_l("Category"), 80)
    subcategory = optional_text(_l("Subcategory"), 80)
    priority = SelectField(_l("Priority"), choices=options(PRIORITY_LABELS.items()))
    asset_id = SelectField(_l("Asset"), coerce=optional_int, validators=[Optional()], validate_choice=True)


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), validate_choice=True)


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Internal note"), validators=[DataRequired(), Length(max=20000)],
                         filters=[blank_to_none], render_kw={"rows": 3})


class MergeForm(FlaskForm):
    target = StringField(_l("Merge into ticket (reference)"), validators=[DataRequired(), Length(max=20)],
                         filters=[blank_to_none])
