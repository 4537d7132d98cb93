"""/api/v1/settings: the company's details and invoicing rules, for admins."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from dispatch.admin import services
from dispatch.admin.logo import MAX_LOGO_BYTES
from dispatch.auth.access import roles_required
from dispatch.enums import JobKind, Role, TravelBilling
from dispatch.schemas import Money

blp = Blueprint("api_admin", __name__, url_prefix="/api/v1", description="Company settings")


class RateGroupOut(Schema):
    id = fields.Integer()
    name = fields.String()
    hourly_rate = Money()


class RateGroupIn(Schema):
    id = fields.Integer(metadata={"description": "an existing group; leave out to add one"})
    name = fields.String()
    hourly_rate = Money()
    remove = fields.Boolean(metadata={"description": "true removes the (unused) group"})


class SettingsFields(Schema):
    """The company's columns, as read and written."""

    name = fields.String()
    street = fields.String()
    postal_code = fields.String()
    city = fields.String()
    country = fields.String(metadata={"description": "ISO 3166 alpha-2"})
    vat_number = fields.String(allow_none=True, metadata={"description": "EU VAT number, checked"})
    registration_number = fields.String(allow_none=True)
    iban = fields.String(allow_none=True, metadata={"description": "checked (python-stdnum)"})
    bic = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    timezone = fields.String(metadata={"description": "IANA name, e.g. Europe/Amsterdam"})
    currency = fields.String(metadata={"description": "ISO 4217"})
    default_vat_rate = Money()
    default_hourly_rate = Money(metadata={"description": "for technicians without a rate group"})
    callout_fee = Money(metadata={"description": "per visit day"})
    payment_terms_days = fields.Integer()
    invoice_series = fields.String()
    credit_note_series = fields.String()
    billing_step_minutes = fields.Integer(metadata={"description": "a multiple of 3 from 3 to 60"})
    minimum_billed_minutes = fields.Integer(metadata={"description": "per visit and technician; 0: none"})
    travel_billing = fields.Enum(TravelBilling, by_value=True,
                                 metadata={"description": "time, callout (fee per visit day) or both"})
    omit_covered_lines = fields.Boolean(metadata={"description": "leave covered items off (else at zero)"})


class SettingsOut(SettingsFields):
    has_logo = fields.Function(lambda settings: settings.logo_key is not None)
    rate_groups = fields.Function(lambda _: RateGroupOut(many=True).dump(services.rate_groups()))
    job_kind_rates = fields.Function(
        lambda _: {kind.value: str(rate) for kind, rate in services.job_kind_rates().items()},
        metadata={"description": "hourly rate per job kind; it wins over the technician's rate group"})


class SettingsPatch(SettingsFields):
    rate_groups = fields.List(fields.Nested(RateGroupIn))
    job_kind_rates = fields.Dict(keys=fields.String(validate=lambda kind: kind in {k.value for k in JobKind}),
                                 values=Money(allow_none=True))


class LogoIn(Schema):
    file = Upload(required=True, metadata={"description": "PNG or JPEG, at most 2 MB"})


@blp.route("/settings", methods=["GET"])
@roles_required(Role.ADMIN)
@blp.response(200, SettingsOut)
def get_settings():
    """The company's details, invoicing rules, rate groups and job-kind rates."""
    return services.company()


@blp.route("/settings", methods=["PATCH"])
@roles_required(Role.ADMIN)
@blp.arguments(SettingsPatch)
@blp.response(200, SettingsOut)
@blp.alt_response(409, description="A rate group to remove still has technicians")
def patch_settings(data: dict):
    """Change any of the settings; a wrong value is a 422 naming the field, and nothing changes."""
    return services.update_settings(data, current_user.id)


@blp.route("/settings/logo", methods=["PUT"])
@roles_required(Role.ADMIN)
@blp.arguments(LogoIn, location="files")
@blp.response(200, SettingsOut)
@blp.alt_response(413, description="Over 2 MB")
@blp.alt_response(415, description="Not a PNG or JPEG")
def put_logo(form: dict):
    """Replace the logo: stored as a PNG within 600 x 200 pixels."""
    return services.save_logo(form["file"].stream.read(MAX_LOGO_BYTES + 1), current_user.id)
