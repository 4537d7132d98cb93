"""Back-office pages of billing: the invoice list with totals, an invoice with its evidence, approval."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from dispatch.api.pagination import paginate
from dispatch.auth.access import roles_required
from dispatch.billing import amounts, services
from dispatch.billing.models import Invoice
from dispatch.closure import services as closure
from dispatch.customers import services as customers
from dispatch.enums import InvoiceStatus, Role
from dispatch.errors import Conflict, Invalid
from dispatch.scheduling import services as scheduling

bp = Blueprint("billing", __name__)

PAGE_SIZE = 25
BILLING = (Role.BILLING, Role.ADMIN)
# The approval's field names in words a billing clerk uses.
FIELD_NAMES = {"buyer_vat_number": _l("VAT number"), "iban": _l("IBAN"),
               "payment_reference": _l("Payment reference"), "lines": _l("Lines")}


class ApproveForm(FlaskForm):
    """Approving carries nothing but the CSRF token (checked by CSRFProtect for every POST)."""


@bp.get("/invoices")
@roles_required(*BILLING)
def invoices():  # noqa: ANN201
    """Invoices newest first, by status, with the totals of the selection per currency."""
    status = request.args.get("status") or ""
    filters = {"status": status} if status in {s.value for s in InvoiceStatus} else {}
    statement = services.invoice_query(filters)
    page = paginate(statement.order_by(None), sort=Invoice.created_at, tiebreak=Invoice.id,
                    cursor=request.args.get("cursor"), limit=PAGE_SIZE)
    totals = services.totals_by_currency(statement)
    return render_template("billing/invoices.html", page=page, status=filters.get("status", ""),
                           totals=totals, statuses=list(InvoiceStatus),
                           first_page=not request.args.get("cursor"))


@bp.get("/invoices/<int:invoice_id>")
@roles_required(*BILLING)
def invoice(invoice_id: int):  # noqa: ANN201
    """An invoice with lines, VAT per rate, the customer, the jobs billed and their evidence."""
    return _invoice_page(services.get_invoice(invoice_id))


@bp.post("/invoices/<int:invoice_id>/approve")
@roles_required(*BILLING)
def approve(invoice_id: int):  # noqa: ANN201
    """Approve a draft: it gets its gapless number; what blocks approval is shown on the invoice."""
    invoice = services.get_invoice(invoice_id)
    try:
        services.approve_invoice(invoice, current_user.id)
    except Invalid as error:
        flash(_("The invoice was not approved:"), "error")
        for name, messages in error.errors.items():
            for message in messages:
                flash(f"{FIELD_NAMES.get(name, name)}: {message}", "error")
        return _invoice_page(invoice), 422
    except Conflict as error:
        flash(error.detail, "error")
        return _invoice_page(invoice), 409
    flash(_("Invoice approved with number %(number)s.", number=invoice.number), "success")
    return redirect(url_for("billing.invoice", invoice_id=invoice.id), 303)


def _invoice_page(invoice: Invoice) -> str:
    jobs = scheduling.jobs_by_id(services.job_ids(invoice))
    evidence = {job.id: {"receipt": closure.receipt_for(job.id), "decision": closure.current_decision(job.id)}
                for job in jobs}
    return render_template("billing/invoice.html", invoice=invoice, form=ApproveForm(formdata=None),
                           customer=customers.get_customer(invoice.customer_id),
                           vat_groups=amounts.vat_breakdown(invoice.lines), jobs=jobs, evidence=evidence)
