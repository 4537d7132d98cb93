"""/api/v1 invoices: list, detail, approval and the PDF, for billing staff (and admins)."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from dispatch.api.pagination import PageArgs, page_schema, paginate
from dispatch.auth.access import roles_required
from dispatch.billing import amounts, services
from dispatch.billing.models import Invoice
from dispatch.enums import InvoiceStatus, LineKind, Role
from dispatch.schemas import Money

PDF = {"type": "string", "format": "binary"}
blp = Blueprint("api_billing", __name__, url_prefix="/api/v1", description="Billing")


class InvoiceLineOut(Schema):
    position = fields.Integer()
    kind = fields.Enum(LineKind, by_value=True)
    job_id = fields.Integer(allow_none=True)
    description = fields.String()
    quantity = Money()
    unit = fields.String(metadata={"description": "UN/ECE rec. 20 unit code: HUR hour, C62 piece"})
    unit_price = Money()
    vat_rate = Money()
    net_amount = Money()


class VatGroupOut(Schema):
    rate = Money()
    base = Money()
    amount = Money()


class InvoiceOut(Schema):
    id = fields.Integer()
    number = fields.String(allow_none=True, metadata={"description": "assigned at approval"})
    status = fields.Enum(InvoiceStatus, by_value=True)
    customer_id = fields.Integer()
    job_ids = fields.Function(services.job_ids)
    buyer_name = fields.String()
    buyer_address = fields.String()
    buyer_country = fields.String()
    buyer_vat_number = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(InvoiceLineOut))
    net_total = Money()
    vat_total = Money()
    gross_total = Money()
    currency = fields.String()
    vat_breakdown = fields.Method("_vat_breakdown")
    payment_reference = fields.String(allow_none=True)
    issued_on = fields.Date(allow_none=True)
    due_on = fields.Date(allow_none=True)
    approved_by_id = fields.Integer(allow_none=True)
    approved_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()

    def _vat_breakdown(self, invoice: Invoice) -> list[dict]:
        return VatGroupOut(many=True).dump(amounts.vat_breakdown(invoice.lines))


class InvoiceFilters(PageArgs):
    status = fields.Enum(InvoiceStatus, by_value=True)
    customer_id = fields.Integer()


InvoicePage = page_schema(InvoiceOut, "InvoicePage")


@blp.route("/invoices", methods=["GET"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.arguments(InvoiceFilters, location="query")
@blp.response(200, InvoicePage)
def list_invoices(filters: dict):
    """Invoices, newest first, optionally of one status, one page per cursor."""
    return paginate(services.invoice_query(filters), sort=Invoice.created_at, tiebreak=Invoice.id,
                    cursor=filters.get("cursor"), limit=filters["limit"])


@blp.route("/invoices/<int:invoice_id>", methods=["GET"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.response(200, InvoiceOut)
def get_invoice(invoice_id: int):
    """One invoice with its lines, totals per VAT rate and payment details."""
    return services.get_invoice(invoice_id)


@blp.route("/invoices/<int:invoice_id>/approve", methods=["POST"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.response(200, InvoiceOut)
@blp.alt_response(409, description="Already approved")
@blp.alt_response(422, description="VAT number, IBAN or payment reference not valid")
def approve_invoice(invoice_id: int):
    """Approve a draft: it gets the next gapless number of its series and year and can no longer change."""
    return services.approve_invoice(services.get_invoice(invoice_id), current_user.id)


@blp.route("/invoices/<int:invoice_id>/pdf", methods=["GET"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.response(200, PDF, content_type="application/pdf",
              description="The invoice PDF (a draft carries a DRAFT watermark)")
def invoice_pdf(invoice_id: int):
    """The invoice as a PDF."""
    invoice = services.get_invoice(invoice_id)
    filename = f"{invoice.number or f'draft-{invoice.id}'}.pdf"
    response = current_app.response_class(services.invoice_pdf(invoice), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
