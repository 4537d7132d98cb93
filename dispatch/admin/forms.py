"""Back-office forms of the admin settings page: company details, invoicing rules, rates, logo."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DecimalField, FieldList, Form, FormField, HiddenField, IntegerField, SelectField
from wtforms.validators import InputRequired, Optional

from dispatch.enums import JobKind, TravelBilling
from dispatch.forms import optional_int, optional_text, options

KIND_LABELS = {JobKind.REPAIR: _l("Repair"), JobKind.MAINTENANCE: _l("Maintenance"),
               JobKind.INSTALLATION: _l("Installation"), JobKind.INSPECTION: _l("Inspection")}
TRAVEL_LABELS = {TravelBilling.TIME: _l("As travel time"), TravelBilling.CALLOUT: _l("As the call-out fee"),
                 TravelBilling.BOTH: _l("Both: travel time and the call-out fee")}
COMPANY_TEXT = ("name", "street", "postal_code", "city", "country", "vat_number", "registration_number", "iban",
                "bic", "email", "phone", "currency", "invoice_series", "credit_note_series")
# The services check the values (one set of plain-language messages for the page and the API); the
# form only reads them, so a wrong value comes back from the service with the field it belongs to.
NUMBERS = ("default_vat_rate", "default_hourly_rate", "callout_fee", "payment_terms_days",
           "billing_step_minutes", "minimum_billed_minutes")


class RateGroupRow(Form):
    id = HiddenField(filters=[optional_int])
    name = optional_text(_l("Name"), 80)
    hourly_rate = DecimalField(_l("Hourly rate"), places=2, validators=[Optional()])
    remove = BooleanField(_l("Remove"))


class SettingsForm(FlaskForm):
    name = optional_text(_l("Company name"), 200)
    street = optional_text(_l("Street and number"), 200)
    postal_code = optional_text(_l("Postal code"), 20)
    city = optional_text(_l("City"), 100)
    country = optional_text(_l("Country (two letters)"), 2)
    vat_number = optional_text(_l("VAT number"), 20)
    registration_number = optional_text(_l("Chamber of commerce number"), 40)
    iban = optional_text(_l("IBAN"), 42)
    bic = optional_text(_l("BIC"), 11)
    email = optional_text(_l("Billing e-mail"), 254)
    phone = optional_text(_l("Phone"), 40)
    timezone = SelectField(_l("Time zone"))
    currency = optional_text(_l("Currency"), 3)
    default_vat_rate = DecimalField(_l("Default VAT rate (%)"), places=2, validators=[InputRequired()])
    default_hourly_rate = DecimalField(_l("Default hourly rate"), places=2, validators=[InputRequired()])
    callout_fee = DecimalField(_l("Call-out fee per visit"), places=2, validators=[InputRequired()])
    payment_terms_days = IntegerField(_l("Payment terms (days)"), validators=[InputRequired()])
    invoice_series = optional_text(_l("Invoice series"), 10)
    credit_note_series = optional_text(_l("Credit note series"), 10)
    billing_step_minutes = IntegerField(_l("Billing step in minutes (time is billed per started step)"),
                                        validators=[InputRequired()])
    minimum_billed_minutes = IntegerField(_l("Minimum billed per visit (minutes)"), validators=[InputRequired()])
    travel_billing = SelectField(_l("Bill travel"), choices=options(TRAVEL_LABELS.items()))
    omit_covered_lines = SelectField(_l("Covered items on the invoice"), choices=options([
        ("0", _l("Shown at zero")), ("1", _l("Left out"))]))
    rate_groups = FieldList(FormField(RateGroupRow), min_entries=0)
    new_group_name = optional_text(_l("New rate group: name"), 80)
    new_group_rate = DecimalField(_l("New rate group: hourly rate"), places=2, validators=[Optional()])
    rate_repair = DecimalField(KIND_LABELS[JobKind.REPAIR], places=2, validators=[Optional()])
    rate_maintenance = DecimalField(KIND_LABELS[JobKind.MAINTENANCE], places=2, validators=[Optional()])
    rate_installation = DecimalField(KIND_LABELS[JobKind.INSTALLATION], places=2, validators=[Optional()])
    rate_inspection = DecimalField(KIND_LABELS[JobKind.INSPECTION], places=2, validators=[Optional()])

    def service_data(self) -> dict[str, Any]:
        """The settings as ``admin.services.update_settings`` takes them."""
        data: dict[str, Any] = {name: self[name].data for name in (*COMPANY_TEXT, *NUMBERS, "timezone",
                                                                   "travel_billing")}
        data["omit_covered_lines"] = self.omit_covered_lines.data == "1"
        # row.form: a FormField's own ``id`` and ``name`` hide the sub-form's fields of those names.
        groups = [{"id": row.form.id.data, "name": row.form.name.data, "hourly_rate": row.form.hourly_rate.data,
                   "remove": row.form.remove.data} for row in self.rate_groups]
        if self.new_group_name.data or self.new_group_rate.data is not None:
            groups.append({"name": self.new_group_name.data, "hourly_rate": self.new_group_rate.data})
        data["rate_groups"] = groups
        data["job_kind_rates"] = {kind.value: self[f"rate_{kind.value}"].data for kind in JobKind}
        return data


class LogoForm(FlaskForm):
    file = FileField(_l("Logo (PNG or JPEG, at most 2 MB)"), validators=[FileRequired()])
