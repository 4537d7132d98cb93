"""The phone intake form: the caller (customer, contact person), optionally an asset, and the ticket itself."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from dispatch.customers.forms import EMAIL, AssetFields, CustomerFields
from dispatch.desk.forms import CHANNEL_LABELS, PRIORITY_LABELS
from dispatch.enums import Channel, Priority
from dispatch.forms import blank_to_none, optional_int, optional_text, options, require

CUSTOM_PREFIX = "custom-"  # the custom fields' inputs are named custom-<key>


class ContactFields(Form):
    """The person calling for a company, when they are not known yet."""

    name = optional_text(_l("Contact name"), 200, render_kw={"autocomplete": "off"})
    email = optional_text(_l("Contact e-mail"), 254, EmailField, validators=[EMAIL])
    phone = optional_text(_l("Contact phone"), 40, TelField)

    def is_filled(self) -> bool:
        """Whether the agent started describing a contact person."""
        return any(self[name].data for name in ("name", "email", "phone"))

    def service_data(self) -> dict[str, Any]:
        """The contact as ``intake.services.add_contact`` takes it."""
        return {"name": self.name.data, "email": self.email.data, "phone": self.phone.data}


class NewTicketForm(FlaskForm):
    """Phone intake: an existing or new caller, optionally an asset, and the ticket itself."""

    customer_mode = RadioField(_l("Customer"), default="existing", choices=options([
        ("existing", _l("Existing customer")), ("new", _l("New customer"))]))
    # A search hit: customer:<id> or contact:<id> (a company's contact person).
    caller = StringField(_l("Caller"), validators=[Optional(), Length(max=40)], filters=[blank_to_none])
    customer_id = IntegerField(_l("Existing customer"), validators=[Optional()])
    customer_kind = RadioField(_l("Kind of customer"), default="person", choices=options([
        ("person", _l("Private person")), ("company", _l("Company"))]))
    customer = FormField(CustomerFields, label=_l("New customer"))
    contact = FormField(ContactFields, label=_l("New contact person"))
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
    queue_id = SelectField(_l("Queue"), coerce=optional_int, validators=[Optional()],
                           choices=options([("", _l("No queue"))]))
    category = optional_text(_l("Category"), 80)
    subcategory = optional_text(_l("Subcategory"), 80)
    email = optional_text(_l("Reply e-mail"), 254, EmailField, validators=[EMAIL])
    phone = optional_text(_l("Call-back phone"), 40, TelField)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.customer_mode.data == "new":
            valid = require(self.customer.form, CustomerFields.REQUIRED) and valid
        elif self.customer_id.data is None and self.caller.data is None:
            self.customer_id.errors = [*self.customer_id.errors, _l("Choose a customer or create a new one.")]
            valid = False
        if self.contact.form.is_filled():
            valid = require(self.contact.form, ("name",)) and valid
        if self.asset.form.is_filled():
            valid = require(self.asset.form, AssetFields.REQUIRED) and valid
        return valid

    def call_data(self, customer_id: int | None, contact_id: int | None,
                  custom_fields: dict[str, Any]) -> dict[str, Any]:
        """The call as ``intake.services.log_call`` takes it."""
        new = self.customer_mode.data == "new"
        customer = {**self.customer.form.service_data(), "is_company": self.customer_kind.data == "company"}
        return {
            "customer": customer if new else None, "customer_id": None if new else customer_id,
            "contact": self.contact.form.service_data() if self.contact.form.is_filled() else None,
            "contact_id": None if new else contact_id,
            "asset": self.asset.form.service_data() if self.asset.form.is_filled() else None,
            "asset_id": None if new else self.asset_id.data,
            "custom_fields": custom_fields,
            **{name: self[name].data for name in ("subject", "description", "priority", "channel", "queue_id",
                                                  "category", "subcategory", "email", "phone")},
        }
