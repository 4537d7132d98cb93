"""/api/v1 customers, their assets and contracts."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.auth.access import roles_required
from dispatch.customers import services
from dispatch.customers.schemas import AssetOut, SiteOut
from dispatch.enums import Role
from dispatch.schemas import COUNTRY, LANGUAGES, Text, vat_number

blp = Blueprint("api_customers", __name__, url_prefix="/api/v1", description="Customers, assets, contracts")


class AddressIn(Schema):
    street = Text(200, required=True)
    postal_code = Text(20, required=True)
    city = Text(100, required=True)
    country = fields.String(required=True, validate=COUNTRY)


class CustomerIn(Schema):
    name = Text(200, required=True)
    email = fields.Email(validate=validate.Length(max=254), allow_none=True)
    phone = Text(40, allow_none=True)
    vat_number = fields.String(validate=vat_number, allow_none=True)
    language = fields.String(validate=validate.OneOf(LANGUAGES), allow_none=True)
    is_company = fields.Boolean()
    address = fields.Nested(AddressIn, required=True)
    latitude = fields.Float(validate=validate.Range(-90, 90), allow_none=True)
    longitude = fields.Float(validate=validate.Range(-180, 180), allow_none=True)


class AssetIn(Schema):
    product = Text(200, required=True)
    model = Text(120, allow_none=True)
    serial_number = Text(120, required=True)
    supplier = Text(120, allow_none=True)
    site_id = fields.Integer(allow_none=True)
    purchased_on = fields.Date(required=True)
    installed_on = fields.Date(allow_none=True)
    parts_warranty_until = fields.Date(allow_none=True)
    labour_warranty_until = fields.Date(allow_none=True)
    warranty_months = fields.Integer(validate=validate.Range(0, 240), allow_none=True)


class ContractIn(Schema):
    customer_id = fields.Integer(required=True)
    asset_ids = fields.List(fields.Integer(), validate=validate.Length(max=500), load_default=list)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    covers = fields.List(fields.String(validate=validate.OneOf(services.COVERABLE)), required=True,
                         validate=validate.Length(max=3))
    included_visits = fields.Integer(validate=validate.Range(0, 1000), allow_none=True)


class ContractOut(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    asset_ids = fields.Function(lambda contract: [asset.id for asset in contract.assets])
    starts_on = fields.Date()
    ends_on = fields.Date()
    covers = fields.List(fields.String())
    included_visits = fields.Integer()


class CustomerOut(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    phone = fields.String()
    vat_number = fields.String()
    language = fields.String()
    is_company = fields.Boolean()
    address = fields.Function(lambda customer: {
        "street": customer.street, "postal_code": customer.postal_code, "city": customer.city,
        "country": customer.country})
    sites = fields.List(fields.Nested(SiteOut))
    preferred_technician_id = fields.Integer(allow_none=True, metadata={
        "description": "the technician the customer likes to see; suggestions rank them higher"})


class CustomerPatch(Schema):
    preferred_technician_id = fields.Integer(required=True, allow_none=True,
                                             metadata={"description": "an active technician, or null to clear"})


class CustomerDetailOut(Schema):
    customer = fields.Nested(CustomerOut)
    assets = fields.List(fields.Nested(AssetOut))
    contracts = fields.List(fields.Nested(ContractOut))
    tickets = fields.Function(lambda overview: [
        {"id": t.id, "reference": t.reference, "subject": t.subject, "status": t.status.key,
         "created_at": t.created_at.isoformat()} for t in overview["tickets"]])
    jobs = fields.Function(lambda overview: [
        {"id": j.id, "number": j.number, "status": j.status.value, "kind": j.kind.value,
         "scheduled_start": j.scheduled_start.isoformat() if j.scheduled_start else None}
        for j in overview["jobs"]])
    invoices = fields.Function(lambda overview: [
        {"id": i.id, "number": i.number, "status": i.status.value, "gross_total": str(i.gross_total)}
        for i in overview["invoices"]])


@blp.route("/customers", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(CustomerIn)
@blp.response(201, CustomerOut)
def create_customer(data: dict):
    """Create a customer; its address becomes its first service site."""
    customer = services.create_customer(data, current_user.id)
    return customer, 201, {"Location": url_for("api_customers.get_customer", customer_id=customer.id)}


@blp.route("/customers/<int:customer_id>", methods=["GET"])
@roles_required(Role.AGENT, Role.ADMIN, Role.BILLING)
@blp.response(200, CustomerDetailOut)
def get_customer(customer_id: int):
    """A customer with sites, assets, contracts and recent tickets, jobs and invoices."""
    return services.customer_overview(services.get_customer(customer_id))


@blp.route("/customers/<int:customer_id>", methods=["PATCH"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(CustomerPatch)
@blp.response(200, CustomerOut)
def update_customer(data: dict, customer_id: int):
    """Set or clear the customer's preferred technician."""
    return services.set_preferred_technician(services.get_customer(customer_id), data["preferred_technician_id"],
                                             current_user.id)


@blp.route("/customers/<int:customer_id>/assets", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(AssetIn)
@blp.response(201, AssetOut)
def create_asset(data: dict, customer_id: int):
    """Register an installed product of the customer."""
    return services.add_asset(services.get_customer(customer_id), data, current_user.id)


@blp.route("/contracts", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(ContractIn)
@blp.response(201, ContractOut)
def create_contract(data: dict):
    """Create a service contract over some of a customer's assets."""
    return services.create_contract(data, current_user.id)
