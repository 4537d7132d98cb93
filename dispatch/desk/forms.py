"""Back-office forms of the desk: ticket filters and the phone intake (customer, asset, ticket)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FormField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from dispatch.customers.forms import AssetFields, CustomerFields
from dispatch.enums import Channel, Priority
from dispatch.forms import blank_to_none, optional_int, optional_text, options, require

PRIORITY_LABELS = {Priority.NONE: _l("None"), Priority.LOW: _l("Low"), Priority.MEDIUM: _l("Medium"),
                   Priority.HIGH: _l("High"), Priority.URGENT: _l("Urgent")}
# The built-in statuses' names, translatable; statuses an admin adds show their own name.
STATUS_LABELS = {"new": _l("New"), "open": _l("Open"), "on_hold": _l("On hold"), "escalated": _l("Escalated"),
                 "resolved": _l("Resolved"), "closed": _l("Closed")}
CHANNEL_LABELS = {Channel.PHONE: _l("Phone"), Channel.EMAIL: _l("E-mail"), Channel.WEB: _l("Web form"),
                  Channel.CHAT: _l("Chat"), Channel.PORTAL: _l("Portal")}


class TicketFilterForm(FlaskForm):
    """The ticket list's filters, read from the query string."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)], filters=[blank_to_none])
    status = SelectField(_l("Status"), validators=[Optional()], validate_choice=True)
    priority = SelectField(_l("Priority"), validators=[Optional()],
                           choices=options([("", _l("Any priority")), *PRIORITY_LABELS.items()]))


class NewTicketForm(FlaskForm):
    """Phone intake: an existing or new customer, optionally an asset, and the ticket itself."""

    customer_mode = RadioField(_l("Customer"), default="existing", choices=options([
        ("existing", _l("Existing customer")), ("new", _l("New customer"))]))
    customer_id = IntegerField(_l("Existing customer"), validators=[Optional()])
    customer = FormField(CustomerFields, label=_l("New customer"))
    asset_id = SelectField(_l("Asset"), coerce=optional_int,
                           choices=options([("", _l("No asset / not known"))]),
                           validators=[Optional()])
    asset = FormField(AssetFields, label=_l("New asset"))
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)],
                          filters=[blank_to_none])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=20000)],
                                render_kw={"rows": 5})
    priority = SelectField(_l("Priority"), choices=options(PRIORITY_LABELS.items()),
                           default=Priority.MEDIUM.value)
    channel = SelectField(_l("Channel"), choices=options(CHANNEL_LABELS.items()),
                          default=Channel.PHONE.value)
    category = optional_text(_l("Category"), 80)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.customer_mode.data == "new":
            valid = require(self.customer.form, CustomerFields.REQUIRED) and valid
        elif self.customer_id.data is None:
            self.customer_id.errors = [*self.customer_id.errors, _l("Choose a customer or create a new one.")]
            valid = False
        if self.asset.form.is_filled():
            valid = require(self.asset.form, AssetFields.REQUIRED) and valid
        return valid

    def ticket_data(self, customer_id: int, asset_id: int | None) -> dict[str, Any]:
        """The ticket as ``desk.services.create_ticket`` takes it."""
        return {"customer_id": customer_id, "asset_id": asset_id, "subject": self.subject.data,
                "description": self.description.data, "priority": self.priority.data,
                "channel": self.channel.data, "category": self.category.data}
