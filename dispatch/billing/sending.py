"""Sending approved invoices and credit notes to the customer by e-mail, through the outbox.

The mail carries the documents as they were frozen at approval (the PDF with its Factur-X XML, and the
Peppol UBL XML), so a resend months later sends exactly what was issued. Its text is in the customer's
language. Sending again is allowed; the status moves from approved to sent once and stays after that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import force_locale, format_currency, format_date
from flask_babel import gettext as _

from dispatch import audit
from dispatch.admin.models import Company
from dispatch.admin.services import company
from dispatch.billing import issuing
from dispatch.billing.models import CreditNote, Invoice
from dispatch.customers import services as customers
from dispatch.dbtypes import utcnow
from dispatch.enums import InvoiceStatus
from dispatch.errors import Conflict, Invalid
from dispatch.i18n import locale_for
from dispatch.mail import OutboxMail, queue_mail

PDF, XML = "application/pdf", "application/xml"
Document = Invoice | CreditNote


def send_invoice(invoice: Invoice, actor_id: int | None) -> OutboxMail:
    """Queue the approved invoice to the customer's e-mail address with its PDF and UBL XML."""
    if invoice.status == InvoiceStatus.DRAFT:
        raise Conflict(_("A draft is not sent: approve the invoice first."), code="invoice_not_approved")
    return _send(invoice, invoice, _invoice_text, issuing.freeze_invoice_files, "invoice.sent", actor_id)


def send_credit_note(note: CreditNote, actor_id: int | None) -> OutboxMail:
    """Queue the approved credit note to the customer's e-mail address with its PDF and UBL XML."""
    if note.status == InvoiceStatus.DRAFT:
        raise Conflict(_("A draft is not sent: approve the credit note first."), code="credit_note_not_approved")
    return _send(note, note.invoice, _credit_note_text, issuing.freeze_credit_note_files, "credit_note.sent",
                 actor_id)


def _send(document: Document, invoice: Invoice, write: Callable[[Any, Company], tuple[str, list[str]]],
          freeze: Callable[[Any], None], action: str, actor_id: int | None) -> OutboxMail:
    customer = customers.get_customer(invoice.customer_id)
    address = _address_of(customer)
    settings = company()
    with force_locale(locale_for(customer.language)):
        subject, paragraphs = write(document, settings)
        body = "\n\n".join([_("Dear %(name)s,", name=invoice.buyer_name), *paragraphs,
                             _("Kind regards,") + "\n" + settings.name])
    if document.pdf_key is None or document.ubl_key is None:  # approved before its files were kept
        freeze(document)
    mail = queue_mail(address, subject, body, related=document, attachments=_attachments(document))
    _mark_sent(document)
    audit.record(action, document, actor_id, to=address, mail_id=mail.id)
    return mail


def _invoice_text(invoice: Invoice, settings: Company) -> tuple[str, list[str]]:
    return _("Invoice %(number)s from %(company)s", number=invoice.number, company=settings.name), [
        _("Please find attached invoice %(number)s of %(date)s for %(amount)s.", number=invoice.number,
          date=format_date(invoice.issued_on, "long"), amount=format_currency(invoice.gross_total, invoice.currency)),
        _("Please pay by %(due)s to %(iban)s (%(company)s), quoting the payment reference %(reference)s.",
          due=format_date(invoice.due_on, "long"), iban=settings.iban, company=settings.name,
          reference=invoice.payment_reference),
        _("The XML file is the same invoice as an electronic invoice for your accounting software."),
    ]


def _credit_note_text(note: CreditNote, settings: Company) -> tuple[str, list[str]]:
    return _("Credit note %(number)s from %(company)s", number=note.number, company=settings.name), [
        _("Please find attached credit note %(number)s of %(date)s for %(amount)s. It corrects invoice "
          "%(invoice)s.", number=note.number, date=format_date(note.issued_on, "long"),
          amount=format_currency(note.gross_total, note.currency), invoice=note.invoice.number),
        _("Reason: %(reason)s", reason=note.reason),
    ]


def _address_of(customer: object) -> str:
    address = getattr(customer, "email", None)
    if not address:
        raise Invalid(_("The customer has no e-mail address."), errors={"email": [
            _("The customer has no e-mail address: add one on the customer's page, then send again.")]})
    return address


def _attachments(document: Document) -> list[dict[str, str]]:
    return [{"filename": f"{document.number}.{suffix}", "content_type": content_type, "storage_key": key}
            for suffix, content_type, key in (("pdf", PDF, document.pdf_key), ("xml", XML, document.ubl_key)) if key]


def _mark_sent(document: Document) -> None:
    """Approved becomes sent; a resend (or sending a paid invoice again) keeps the status."""
    if document.status == InvoiceStatus.APPROVED:
        document.status = InvoiceStatus.SENT
    document.sent_at = utcnow()
