"""The customer's forms: the public web form, finding a ticket, and writing on it."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, MultipleFileField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from dispatch.customers.forms import EMAIL
from dispatch.forms import blank_to_none, optional_text, options

COUNTRIES = options([("NL", _l("Netherlands")), ("BE", _l("Belgium")), ("DE", _l("Germany"))])
POSTAL_CODES = {"NL": re.compile(r"^\d{4} ?[A-Za-z]{2}$"), "BE": re.compile(r"^\d{4}$"),
                "DE": re.compile(r"^\d{5}$")}
CATEGORIES = options([("heating", _l("Heating")), ("hot_water", _l("Hot water")), ("leak", _l("Leak")),
                      ("maintenance", _l("Maintenance")), ("other", _l("Something else"))])
HONEYPOT = "website"  # invisible to people; bots fill every field


def required_text(label: Any, max_length: int, field: type = StringField, **kwargs: Any) -> Any:
    """A text input that must be filled in, up to ``max_length`` characters."""
    return field(label, validators=[DataRequired(), Length(max=max_length), *kwargs.pop("validators", [])],
                 filters=[blank_to_none], **kwargs)


class WebTicketForm(FlaskForm):
    """The public form: who you are, where, and what is wrong; with photos or documents."""

    name = required_text(_l("Your name"), 200, render_kw={"autocomplete": "name"})
    email = required_text(_l("E-mail address"), 254, EmailField, validators=[EMAIL],
                          render_kw={"autocomplete": "email"})
    phone = optional_text(_l("Phone number"), 40, TelField, render_kw={"autocomplete": "tel"})
    company = optional_text(_l("Company name (if any)"), 200, render_kw={"autocomplete": "organization"})
    postal_code = required_text(_l("Postcode"), 20, render_kw={"autocomplete": "postal-code"})
    house_number = required_text(_l("House number"), 20)
    street = optional_text(_l("Street"), 170, render_kw={"autocomplete": "address-line1"})
    city = required_text(_l("City"), 100, render_kw={"autocomplete": "address-level2"})
    country = SelectField(_l("Country"), choices=COUNTRIES, default="NL")
    subject = required_text(_l("What is it about?"), 200, render_kw={"autocomplete": "off"})
    description = required_text(_l("Describe the problem"), 20000, TextAreaField, render_kw={"rows": 6})
    category = SelectField(_l("Kind of problem"), choices=CATEGORIES, default="other")
    product = optional_text(_l("Product (if known)"), 200)
    serial_number = optional_text(_l("Serial number (if known)"), 120)
    attachments = MultipleFileField(_l("Photos or documents"))
    website = StringField(_l("Leave this field empty"), validators=[Length(max=200)])
    started = HiddenField()

    def validate_postal_code(self, field: StringField) -> None:
        pattern = POSTAL_CODES.get(self.country.data or "")
        if field.data and pattern and not pattern.match(field.data):
            raise ValidationError(_l("Not a valid postcode for this country."))

    def ticket_data(self) -> dict[str, Any]:
        """The submission as ``portal.services.submit_web_form`` takes it."""
        return {name: self[name].data for name in (
            "name", "email", "phone", "company", "street", "house_number", "postal_code", "city", "country",
            "subject", "description", "category", "product", "serial_number")}


class FollowForm(FlaskForm):
    """Find one's ticket by its reference and the e-mail address it was sent from."""

    reference = required_text(_l("Ticket reference"), 20, render_kw={"placeholder": "T-2026-000042",
                                                                     "autocomplete": "off"})
    email = required_text(_l("E-mail address"), 254, EmailField, render_kw={"autocomplete": "email"})


class MessageForm(FlaskForm):
    """The customer writes on their ticket, with photos or documents."""

    body = optional_text(_l("Your message"), 20000, TextAreaField, render_kw={"rows": 4})
    attachments = MultipleFileField(_l("Photos or documents"))
