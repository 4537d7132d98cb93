"""Back-office pages of billing: invoices with their evidence, line edits, approval (one or many),
sending, payment, and credit notes."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from dispatch.admin.services import company
from dispatch.auth.access import roles_required
from dispatch.billing import amounts, credit_notes, lines, sending, services
from dispatch.billing.forms import ActionForm, CreditNoteForm, LineForm, PaidForm
from dispatch.billing.models import CreditNote, Invoice
from dispatch.closure import services as closure
from dispatch.customers import services as customers
from dispatch.enums import InvoiceStatus, Role
from dispatch.errors import Conflict, DomainError, Invalid
from dispatch.pagination import paginate
from dispatch.scheduling import services as scheduling
from dispatch.web import form_failed

bp = Blueprint("billing", __name__)

PAGE_SIZE = 25
BILLING = (Role.BILLING, Role.ADMIN)
# The approval's field names in words a billing clerk uses.
FIELD_NAMES = {"buyer_vat_number": _l("VAT number"), "iban": _l("IBAN"),
               "payment_reference": _l("Payment reference"), "lines": _l("Lines"), "email": _l("E-mail")}


@bp.get("/invoices")
@roles_required(*BILLING)
def invoices():  # noqa: ANN201
    """Invoices newest first, by status, with the totals of the selection per currency; drafts can be
    approved together."""
    status = request.args.get("status") or ""
    filters = {"status": status} if status in {s.value for s in InvoiceStatus} else {}
    statement = services.invoice_query(filters)
    page = paginate(statement.order_by(None), sort=Invoice.created_at, tiebreak=Invoice.id,
                    cursor=request.args.get("cursor"), limit=PAGE_SIZE)
    totals = services.totals_by_currency(statement)
    return render_template("billing/invoices.html", page=page, status=filters.get("status", ""),
                           totals=totals, statuses=list(InvoiceStatus), form=ActionForm(),
                           first_page=not request.args.get("cursor"),
                           has_drafts=any(item.status == InvoiceStatus.DRAFT for item in page.items))


@bp.post("/invoices/approve")
@roles_required(*BILLING)
def approve_many():  # noqa: ANN201
    """Approve the selected drafts one by one (the page's script does the same with a progress bar);
    one refused invoice does not stop the others."""
    approved, refused = services.approve_each(request.form.getlist("invoice_id", type=int), current_user.id)
    if approved:
        numbers = ", ".join(invoice.number for invoice in approved)
        flash(_("%(count)s invoices approved: %(numbers)s.", count=len(approved), numbers=numbers), "success")
    for invoice_id, error in refused:
        flash(_("Draft %(id)s was not approved: %(reasons)s", id=invoice_id, reasons=_reasons(error)), "error")
    if not approved and not refused:
        flash(_("Select the drafts to approve first."), "warning")
    return redirect(url_for("billing.invoices", status="draft"), 303)


def _reasons(error: DomainError) -> str:
    if not error.errors:
        return error.detail
    return " ".join(f"{FIELD_NAMES.get(name, name)}: {' '.join(messages)}" for name, messages in error.errors.items())


@bp.get("/invoices/<int:invoice_id>")
@roles_required(*BILLING)
def invoice(invoice_id: int):  # noqa: ANN201
    """An invoice with lines, VAT per rate, the customer, the jobs billed and their evidence."""
    return _invoice_page(services.get_invoice(invoice_id))


@bp.post("/invoices/<int:invoice_id>/approve")
@roles_required(*BILLING)
def approve(invoice_id: int):  # noqa: ANN201
    """Approve a draft: it gets its gapless number; what blocks approval is shown beside its field."""
    invoice = services.get_invoice(invoice_id)
    try:
        services.approve_invoice(invoice, current_user.id)
    except Invalid as error:
        flash(_("The invoice was not approved: correct what is marked below."), "error")
        return _invoice_page(invoice, errors=error.errors), 422
    except Conflict as error:
        flash(error.detail, "error")
        return _invoice_page(invoice), 409
    flash(_("Invoice approved with number %(number)s.", number=invoice.number), "success")
    return redirect(url_for("billing.invoice", invoice_id=invoice.id), 303)


@bp.route("/invoices/<int:invoice_id>/lines/new", methods=["GET", "POST"])
@roles_required(*BILLING)
def add_line(invoice_id: int):  # noqa: ANN201
    """Add a line to a draft."""
    invoice = services.get_invoice(invoice_id)
    services.require_draft(invoice)
    form = LineForm(vat_rate=f"{company().default_vat_rate.normalize():f}", unit="C62")
    if form.validate_on_submit():
        try:
            services.add_line(invoice, lines.line_spec(form.values()), current_user.id)
        except Invalid as error:
            form_failed(form, error)
        else:
            flash(_("Line added."), "success")
            return redirect(url_for("billing.invoice", invoice_id=invoice.id, _anchor="lines-title"), 303)
    return _line_page(invoice, form, None)


@bp.route("/invoices/<int:invoice_id>/lines/<int:line_id>", methods=["GET", "POST"])
@roles_required(*BILLING)
def edit_line(invoice_id: int, line_id: int):  # noqa: ANN201
    """Change a line of a draft."""
    invoice = services.get_invoice(invoice_id)
    services.require_draft(invoice)
    line = services.line_of(invoice, line_id)
    form = LineForm()
    if request.method == "GET":
        form.fill_from(line)
    elif form.validate_on_submit():
        try:
            services.change_line(invoice, line_id, lines.line_spec(form.values(), line), current_user.id)
        except Invalid as error:
            form_failed(form, error)
        else:
            flash(_("Line saved."), "success")
            return redirect(url_for("billing.invoice", invoice_id=invoice.id, _anchor="lines-title"), 303)
    return _line_page(invoice, form, line)


def _line_page(invoice: Invoice, form: LineForm, line: object) -> tuple[str, int]:
    status = 422 if form.errors else 200
    return render_template("billing/line_form.html", invoice=invoice, form=form, line=line), status


@bp.post("/invoices/<int:invoice_id>/lines/<int:line_id>/remove")
@roles_required(*BILLING)
def remove_line(invoice_id: int, line_id: int):  # noqa: ANN201
    """Remove a line from a draft."""
    services.remove_line(services.get_invoice(invoice_id), line_id, current_user.id)
    flash(_("Line removed."), "success")
    return redirect(url_for("billing.invoice", invoice_id=invoice_id, _anchor="lines-title"), 303)


@bp.post("/invoices/<int:invoice_id>/send")
@roles_required(*BILLING)
def send(invoice_id: int):  # noqa: ANN201
    """E-mail the approved invoice with its PDF and XML to the customer (again: a resend)."""
    invoice = services.get_invoice(invoice_id)
    try:
        mail = sending.send_invoice(invoice, current_user.id)
    except Invalid as error:
        flash(_("The invoice was not sent."), "error")
        return _invoice_page(invoice, errors=error.errors), 422
    flash(_("The invoice is on its way to %(address)s.", address=mail.to_address), "success")
    return redirect(url_for("billing.invoice", invoice_id=invoice.id), 303)


@bp.post("/invoices/<int:invoice_id>/paid")
@roles_required(*BILLING)
def paid(invoice_id: int):  # noqa: ANN201
    """Record the payment of an approved or sent invoice."""
    invoice = services.get_invoice(invoice_id)
    form = PaidForm()
    if form.validate_on_submit():
        try:
            services.mark_paid(invoice, form.paid_on.data, current_user.id)
        except Invalid as error:
            form_failed(form, error)
        else:
            flash(_("Invoice %(number)s marked paid.", number=invoice.number), "success")
            return redirect(url_for("billing.invoice", invoice_id=invoice.id), 303)
    return _invoice_page(invoice, paid_form=form), 422


def _invoice_page(invoice: Invoice, errors: dict[str, list[str]] | None = None,
                  paid_form: PaidForm | None = None) -> str:
    jobs = scheduling.jobs_by_id(services.job_ids(invoice))
    evidence = {job.id: {"receipt": closure.receipt_for(job.id), "decision": closure.current_decision(job.id)}
                for job in jobs}
    # Held once: the session keeps rows only while referenced, so each company() call would read it again.
    settings = company()
    if errors is None and invoice.status == InvoiceStatus.DRAFT:
        errors = services.approval_errors(invoice, settings)  # shown before anyone presses Approve
    if paid_form is None:
        paid_form = PaidForm(formdata=None, paid_on=services.company_today(settings))
    return render_template("billing/invoice.html", invoice=invoice, form=ActionForm(formdata=None),
                           paid_form=paid_form, errors=errors or {}, field_names=FIELD_NAMES, units=lines.UNITS,
                           customer=customers.get_customer(invoice.customer_id),
                           vat_groups=amounts.vat_breakdown(invoice.lines), jobs=jobs, evidence=evidence,
                           credit_notes=credit_notes.credit_notes_of(invoice), company=settings)


@bp.route("/invoices/<int:invoice_id>/credit-notes/new", methods=["GET", "POST"])
@roles_required(*BILLING)
def new_credit_note(invoice_id: int):  # noqa: ANN201
    """Credit an approved invoice: all that remains by default, or the quantities entered per line."""
    invoice = services.get_invoice(invoice_id)
    credit_notes.require_creditable(invoice)
    form = CreditNoteForm()
    left = credit_notes.creditable(invoice)
    remaining = {line_id: f"{quantity.normalize():f}" if quantity else ""
                 for line_id, quantity in left.quantities.items()}
    entered = {line.id: request.form.get(f"line-{line.id}", "").strip() if request.method == "POST"
               else remaining[line.id] for line in invoice.lines}
    errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        chosen = [line_id for line_id, value in entered.items() if value not in ("", "0")]
        try:
            note = credit_notes.create_credit_note(
                invoice, form.reason.data, [{"line_id": line_id, "quantity": entered[line_id]} for line_id in chosen],
                current_user.id)
        except Invalid as error:
            # "lines.2.quantity" is about the third line entered: show it beside that line's input
            errors = {f"line-{chosen[int(name.split('.')[1])]}" if name.startswith("lines.") else name: messages
                      for name, messages in error.errors.items()}
            form.reason.errors = errors.pop("reason", [])
        else:
            flash(_("Draft credit note created: check it, then approve it."), "success")
            return redirect(url_for("billing.credit_note", credit_note_id=note.id), 303)
    status = 422 if form.errors or errors else 200
    return render_template("billing/credit_note_form.html", invoice=invoice, form=form, left=left,
                           entered=entered, errors=errors, units=lines.UNITS), status


@bp.get("/credit-notes")
@roles_required(*BILLING)
def credit_note_list():  # noqa: ANN201
    """Credit notes, newest first."""
    page = paginate(credit_notes.credit_note_query({}).order_by(None), sort=CreditNote.created_at,
                    tiebreak=CreditNote.id, cursor=request.args.get("cursor"), limit=PAGE_SIZE)
    return render_template("billing/credit_notes.html", page=page, first_page=not request.args.get("cursor"))


@bp.get("/credit-notes/<int:credit_note_id>")
@roles_required(*BILLING)
def credit_note(credit_note_id: int):  # noqa: ANN201
    """A credit note with its lines, the invoice it corrects, and what can be done with it."""
    return _credit_note_page(credit_notes.get_credit_note(credit_note_id))


def _credit_note_page(note: CreditNote, errors: dict[str, list[str]] | None = None) -> str:
    return render_template("billing/credit_note.html", note=note, form=ActionForm(formdata=None),
                           errors=errors or {}, vat_groups=amounts.vat_breakdown(note.lines), units=lines.UNITS,
                           customer=customers.get_customer(note.invoice.customer_id))


@bp.post("/credit-notes/<int:credit_note_id>/approve")
@roles_required(*BILLING)
def approve_credit_note(credit_note_id: int):  # noqa: ANN201
    """Approve a draft credit note: it gets its gapless number."""
    note = credit_notes.approve_credit_note(credit_notes.get_credit_note(credit_note_id), current_user.id)
    flash(_("Credit note approved with number %(number)s.", number=note.number), "success")
    return redirect(url_for("billing.credit_note", credit_note_id=note.id), 303)


@bp.post("/credit-notes/<int:credit_note_id>/send")
@roles_required(*BILLING)
def send_credit_note(credit_note_id: int):  # noqa: ANN201
    """E-mail the approved credit note with its PDF and XML to the customer."""
    note = credit_notes.get_credit_note(credit_note_id)
    try:
        mail = sending.send_credit_note(note, current_user.id)
    except Invalid as error:
        flash(_("The credit note was not sent."), "error")
        return _credit_note_page(note, errors=error.errors), 422
    flash(_("The credit note is on its way to %(address)s.", address=mail.to_address), "success")
    return redirect(url_for("billing.credit_note", credit_note_id=note.id), 303)


@bp.post("/credit-notes/<int:credit_note_id>/discard")
@roles_required(*BILLING)
def discard_credit_note(credit_note_id: int):  # noqa: ANN201
    """Delete a draft credit note."""
    note = credit_notes.get_credit_note(credit_note_id)
    invoice_id = note.invoice_id
    credit_notes.discard_credit_note(note, current_user.id)
    flash(_("Draft credit note discarded."), "success")
    return redirect(url_for("billing.invoice", invoice_id=invoice_id), 303)
