"""Back-office forms of the desk: ticket filters and the phone intake (customer, asset, ticket)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from stdnum.eu import vat
from wtforms import (
    DateField,
    EmailField,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from dispatch.enums import Channel, Priority

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Not a valid e-mail address."))
def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice("" if value is None else str(value), label) for value, label in pairs]


COUNTRIES = options([("NL", _l("Netherlands")), ("BE", _l("Belgium")), ("DE", _l("Germany")),
             ("LU", _l("Luxembourg")), ("FR", _l("France"))])
LANGUAGES = options([("nl", "Nederlands"), ("en", "English"), ("de", "Deutsch"), ("fr", "Français")])
PRIORITY_LABELS = {Priority.NONE: _l("None"), Priority.LOW: _l("Low"), Priority.MEDIUM: _l("Medium"),
                   Priority.HIGH: _l("High"), Priority.URGENT: _l("Urgent")}
# The built-in statuses' names, translatable; statuses an admin adds show their own name.
STATUS_LABELS = {"new": _l("New"), "open": _l("Open"), "on_hold": _l("On hold"), "escalated": _l("Escalated"),
                 "resolved": _l("Resolved"), "closed": _l("Closed")}
CHANNEL_LABELS = {Channel.PHONE: _l("Phone"), Channel.EMAIL: _l("E-mail"), Channel.WEB: _l("Web form"),
                  Channel.CHAT: _l("Chat"), Channel.PORTAL: _l("Portal")}


def optional_text(label: Any, max_length: int, field: type = StringField, **kwargs: Any) -> Any:
    """A text input that may stay empty (then None), up to ``max_length`` characters."""
    return field(label, validators=[Optional(), Length(max=max_length), *kwargs.pop("validators", [])],
                 filters=[blank_to_none], **kwargs)


def optional_int(value: Any) -> int | None:
    """Coerce a select's value to an id, the empty choice to None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def blank_to_none(value: Any) -> Any:
    """Empty text inputs mean "not given"."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class TicketFilterForm(FlaskForm):
    """The ticket list's filters, read from the query string."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)], filters=[blank_to_none])
    status = SelectField(_l("Status"), validators=[Optional()], validate_choice=True)
    priority = SelectField(_l("Priority"), validators=[Optional()],
                           choices=options([("", _l("Any priority")), *PRIORITY_LABELS.items()]))


class CustomerFields(Form):
    """A new customer, typed in while on the phone."""

    name = StringField(_l("Customer name"), validators=[Optional(), Length(max=200)], filters=[blank_to_none],
                       render_kw={"autocomplete": "off"})
    email = EmailField(_l("Customer e-mail"), validators=[Optional(), Length(max=254), EMAIL],
                       filters=[blank_to_none], render_kw={"autocomplete": "off"})
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)], filters=[blank_to_none])
    street = optional_text(_l("Street and number"), 200)
    postal_code = optional_text(_l("Postal code"), 20)
    city = optional_text(_l("City"), 100)
    country = SelectField(_l("Country"), choices=COUNTRIES, default="NL")
    language = SelectField(_l("Customer language"), choices=LANGUAGES, default="nl")
    vat_number = optional_text(_l("VAT number"), 20)

    REQUIRED = ("name", "street", "postal_code", "city")

    def validate_vat_number(self, field: StringField) -> None:
        if field.data and not vat.is_valid(field.data):
            raise ValidationError(_l("Not a valid EU VAT number (check the country prefix and digits)."))

    def service_data(self) -> dict[str, Any]:
        """The customer as ``customers.services.create_customer`` takes it."""
        return {"name": self.name.data, "email": self.email.data, "phone": self.phone.data,
                "language": self.language.data, "vat_number": self.vat_number.data,
                "address": {"street": self.street.data, "postal_code": self.postal_code.data,
                            "city": self.city.data, "country": self.country.data}}


class AssetFields(Form):
    """An installed product with its warranty; the end dates may be derived from a number of months."""

    product = optional_text(_l("Product"), 200)
    model = optional_text(_l("Model"), 120)
    serial_number = optional_text(_l("Serial number"), 120)
    supplier = optional_text(_l("Supplier"), 120)
    purchased_on = DateField(_l("Purchase date"), validators=[Optional()])
    warranty_months = IntegerField(_l("Warranty (months)"), validators=[Optional(), NumberRange(0, 240)])
    parts_warranty_until = DateField(_l("Parts warranty until"), validators=[Optional()])
    labour_warranty_until = DateField(_l("Labour warranty until"), validators=[Optional()])

    REQUIRED = ("product", "serial_number", "purchased_on")

    def is_filled(self) -> bool:
        """Whether the agent started describing an asset."""
        return any(self[name].data not in (None, "") for name in ("product", "serial_number", "purchased_on"))

    def service_data(self) -> dict[str, Any]:
        """The asset as ``customers.services.add_asset`` takes it."""
        return {name: self[name].data for name in (
            "product", "model", "serial_number", "supplier", "purchased_on", "warranty_months",
            "parts_warranty_until", "labour_warranty_until")}


def require(subform: Form, names: tuple[str, ...]) -> bool:
    """Mark the named fields of ``subform`` as required when empty; True if all are given."""
    complete = True
    for name in names:
        field = subform[name]
        if field.data in (None, "") and not field.errors:
            field.errors = [*field.errors, _l("This field is required.")]
            complete = False
    return complete


class AssetForm(FlaskForm):
    """Add an asset to a customer (customer page)."""

    asset = FormField(AssetFields, label=_l("Asset"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return require(self.asset.form, AssetFields.REQUIRED) and valid


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
