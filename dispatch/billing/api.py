"""/api/v1 invoices and credit notes: review, approval, sending, payment and the PDFs, for billing staff."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy.orm import selectinload

from dispatch.api.downloads import download
from dispatch.api.pagination import PageArgs, page_schema
from dispatch.auth.access import roles_required
from dispatch.billing import amounts, credit_notes, issuing, lines, sending, services
from dispatch.billing.models import CreditNote, Invoice
from dispatch.enums import InvoiceStatus, LineKind, Role
from dispatch.pagination import paginate
from dispatch.schemas import Money, Text

PDF = {"type": "string", "format": "binary"}
blp = Blueprint("api_billing", __name__, url_prefix="/api/v1", description="Billing")


class InvoiceLineOut(Schema):
    id = fields.Integer()
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
    sent_at = fields.AwareDateTime(allow_none=True, metadata={"description": "last sent by e-mail"})
    paid_on = fields.Date(allow_none=True)
    paid_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when it was marked paid"})
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
    statement = services.invoice_query(filters).options(selectinload(Invoice.lines), selectinload(Invoice.jobs))
    return paginate(statement, sort=Invoice.created_at, tiebreak=Invoice.id,
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
    return download(services.invoice_pdf(invoice), "application/pdf",
                    f"{invoice.number or f'draft-{invoice.id}'}.pdf", inline=True)


UNIT_CODES = {"enum": list(lines.UNITS), "description": "UN/ECE rec. 20 unit code: HUR hour, C62 piece, ..."}


class LineIn(Schema):
    description = Text(300, required=True)
    quantity = Money(required=True)
    unit = fields.String(required=True, metadata=UNIT_CODES)
    unit_price = Money(required=True, metadata={"description": "net, before VAT"})
    vat_rate = Money(required=True, metadata={"description": "percent, e.g. 21.00"})


class LineChange(Schema):
    """Only the fields given change."""

    description = Text(300)
    quantity = Money()
    unit = fields.String(metadata=UNIT_CODES)
    unit_price = Money()
    vat_rate = Money()


class PaidIn(Schema):
    paid_on = fields.Date(required=True, metadata={"description": "not in the future, not before the issue date"})


class CreditLineIn(Schema):
    line_id = fields.Integer(metadata={"description": "an invoice line to take back; else a free line"})
    quantity = Money(metadata={"description": "of that invoice line; default: all that is left of it"})
    description = fields.String()
    unit = fields.String(metadata=UNIT_CODES)
    unit_price = Money()
    vat_rate = Money()


class CreditNoteIn(Schema):
    reason = Text(2000, required=True)
    lines = fields.List(fields.Nested(CreditLineIn), metadata={"description": "default: everything still "
                                                                              "creditable"})


class CreditNoteLineOut(InvoiceLineOut):
    credited_line_id = fields.Integer(allow_none=True)


class CreditNoteOut(Schema):
    id = fields.Integer()
    number = fields.String(allow_none=True, metadata={"description": "assigned at approval"})
    status = fields.Enum(InvoiceStatus, by_value=True)
    invoice_id = fields.Integer()
    invoice_number = fields.Function(lambda note: note.invoice.number)
    reason = fields.String()
    currency = fields.String()
    lines = fields.List(fields.Nested(CreditNoteLineOut))
    net_total = Money()
    vat_total = Money()
    gross_total = Money()
    vat_breakdown = fields.Function(lambda note: VatGroupOut(many=True).dump(amounts.vat_breakdown(note.lines)))
    issued_on = fields.Date(allow_none=True)
    approved_by_id = fields.Integer(allow_none=True)
    approved_at = fields.AwareDateTime(allow_none=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()


class CreditNoteFilters(PageArgs):
    invoice_id = fields.Integer()


CreditNotePage = page_schema(CreditNoteOut, "CreditNotePage")


@blp.route("/invoices/<int:invoice_id>/lines", methods=["POST"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.arguments(LineIn)
@blp.response(201, InvoiceOut)
@blp.alt_response(409, description="The invoice is approved: issue a credit note instead")
def add_line(data: dict, invoice_id: int):
    """Add a line to a draft; its totals follow."""
    invoice = services.get_invoice(invoice_id)
    services.require_draft(invoice)
    services.add_line(invoice, lines.line_spec(data), current_user.id)
    return invoice


@blp.route("/invoices/<int:invoice_id>/lines/<int:line_id>", methods=["PATCH"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.arguments(LineChange)
@blp.response(200, InvoiceOut)
@blp.alt_response(409, description="The invoice is approved: issue a credit note instead")
def change_line(data: dict, invoice_id: int, line_id: int):
    """Change fields of a line of a draft; its totals follow."""
    invoice = services.get_invoice(invoice_id)
    services.require_draft(invoice)
    line = services.line_of(invoice, line_id)
    services.change_line(invoice, line_id, lines.line_spec(data, line), current_user.id)
    return invoice


@blp.route("/invoices/<int:invoice_id>/lines/<int:line_id>", methods=["DELETE"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.response(200, InvoiceOut)
@blp.alt_response(409, description="The invoice is approved: issue a credit note instead")
def remove_line(invoice_id: int, line_id: int):
    """Remove a line from a draft; answers with the invoice and its new totals."""
    invoice = services.get_invoice(invoice_id)
    services.remove_line(invoice, line_id, current_user.id)
    return invoice


@blp.route("/invoices/<int:invoice_id>/send", methods=["POST"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.response(200, InvoiceOut)
@blp.alt_response(409, description="A draft is not sent")
@blp.alt_response(422, description="The customer has no e-mail address (field email)")
def send_invoice(invoice_id: int):
    """E-mail the approved invoice (PDF and UBL XML) to the customer's address through the outbox; sending
    again is a resend. Approved becomes sent; sent_at is the last sending."""
    invoice = services.get_invoice(invoice_id)
    sending.send_invoice(invoice, current_user.id)
    return invoice


@blp.route("/invoices/<int:invoice_id>/paid", methods=["POST"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.arguments(PaidIn)
@blp.response(200, InvoiceOut)
@blp.alt_response(409, description="A draft, or already paid")
def mark_paid(data: dict, invoice_id: int):
    """Record the payment of an approved or sent invoice; emits the invoice.paid webhook."""
    return services.mark_paid(services.get_invoice(invoice_id), data["paid_on"], current_user.id)


@blp.route("/invoices/<int:invoice_id>/credit-notes", methods=["POST"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.arguments(CreditNoteIn)
@blp.response(201, CreditNoteOut)
@blp.alt_response(409, description="The invoice is a draft")
@blp.alt_response(422, description="Larger than what remains creditable (field lines or lines.N.quantity)")
def create_credit_note(data: dict, invoice_id: int):
    """A draft credit note for an approved invoice: everything still creditable unless lines say what."""
    invoice = services.get_invoice(invoice_id)
    return credit_notes.create_credit_note(invoice, data["reason"], data.get("lines"), current_user.id)


@blp.route("/credit-notes", methods=["GET"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.arguments(CreditNoteFilters, location="query")
@blp.response(200, CreditNotePage)
def list_credit_notes(filters: dict):
    """Credit notes, newest first, optionally of one invoice, one page per cursor."""
    statement = credit_notes.credit_note_query(filters).options(selectinload(CreditNote.lines))
    return paginate(statement, sort=CreditNote.created_at, tiebreak=CreditNote.id,
                    cursor=filters.get("cursor"), limit=filters["limit"])


@blp.route("/credit-notes/<int:credit_note_id>", methods=["GET"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.response(200, CreditNoteOut)
def get_credit_note(credit_note_id: int):
    """One credit note with its lines and the invoice it corrects."""
    return credit_notes.get_credit_note(credit_note_id)


@blp.route("/credit-notes/<int:credit_note_id>", methods=["DELETE"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.response(204)
@blp.alt_response(409, description="Approved credit notes never change")
def discard_credit_note(credit_note_id: int):
    """Discard a draft credit note."""
    credit_notes.discard_credit_note(credit_notes.get_credit_note(credit_note_id), current_user.id)


@blp.route("/credit-notes/<int:credit_note_id>/approve", methods=["POST"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.response(200, CreditNoteOut)
@blp.alt_response(409, description="Already approved")
def approve_credit_note(credit_note_id: int):
    """Approve a draft credit note: the next gapless number of the credit note series."""
    return credit_notes.approve_credit_note(credit_notes.get_credit_note(credit_note_id), current_user.id)


@blp.route("/credit-notes/<int:credit_note_id>/send", methods=["POST"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.response(200, CreditNoteOut)
@blp.alt_response(409, description="A draft is not sent")
@blp.alt_response(422, description="The customer has no e-mail address (field email)")
def send_credit_note(credit_note_id: int):
    """E-mail the approved credit note (PDF and UBL XML) to the customer through the outbox."""
    note = credit_notes.get_credit_note(credit_note_id)
    sending.send_credit_note(note, current_user.id)
    return note


@blp.route("/credit-notes/<int:credit_note_id>/pdf", methods=["GET"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.response(200, PDF, content_type="application/pdf",
              description="The credit note PDF (a draft carries a DRAFT watermark)")
def credit_note_pdf(credit_note_id: int):
    """The credit note as a PDF."""
    note = credit_notes.get_credit_note(credit_note_id)
    return download(credit_notes.credit_note_pdf(note), "application/pdf",
                    f"{note.number or f'credit-note-draft-{note.id}'}.pdf", inline=True)


@blp.route("/invoices/<int:invoice_id>/ubl.xml", methods=["GET"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.response(200, PDF, content_type="application/xml",
              description="The Peppol BIS Billing 3.0 UBL invoice, as frozen at approval")
@blp.alt_response(409, description="A draft has no number and so no e-invoice (invoice_not_approved)")
def invoice_ubl(invoice_id: int):
    """The approved invoice as a Peppol BIS Billing 3.0 UBL 2.1 XML document."""
    invoice = services.get_invoice(invoice_id)
    return download(issuing.invoice_ubl(invoice), "application/xml", f"{invoice.number}.xml")


@blp.route("/credit-notes/<int:credit_note_id>/ubl.xml", methods=["GET"])
@roles_required(Role.BILLING, Role.ADMIN)
@blp.response(200, PDF, content_type="application/xml",
              description="The Peppol BIS Billing 3.0 UBL credit note, as frozen at approval")
@blp.alt_response(409, description="A draft has no number and so no e-invoice (credit_note_not_approved)")
def credit_note_ubl(credit_note_id: int):
    """The approved credit note as a Peppol BIS Billing 3.0 UBL 2.1 XML document."""
    note = credit_notes.get_credit_note(credit_note_id)
    return download(issuing.credit_note_ubl(note), "application/xml", f"{note.number}.xml")
