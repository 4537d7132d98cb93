"""Back-office forms of customers: a new customer and an installed asset."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from stdnum.eu import vat
from wtforms import DateField, EmailField, Form, FormField, IntegerField, SelectField, StringField, TelField
from wtforms.validators import Length, NumberRange, Optional, Regexp, ValidationError

from dispatch.forms import blank_to_none, optional_int, optional_text, options, require

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Not a valid e-mail address."))
COUNTRIES = options([("NL", _l("Netherlands")), ("BE", _l("Belgium")), ("DE", _l("Germany")),
             ("LU", _l("Luxembourg")), ("FR", _l("France"))])
LANGUAGES = options([("nl", "Nederlands"), ("en", "English"), ("de", "Deutsch"), ("fr", "Français")])
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


class AssetForm(FlaskForm):
    """Add an asset to a customer (customer page)."""

    asset = FormField(AssetFields, label=_l("Asset"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return require(self.asset.form, AssetFields.REQUIRED) and valid


class PreferredTechnicianForm(FlaskForm):
    """The technician the customer likes to see; suggestions rank them higher."""

    technician_id = SelectField(_l("Preferred technician"), coerce=optional_int, validators=[Optional()])
