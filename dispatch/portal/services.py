"""Portal rules: who may follow which ticket, what the customer sees of it, and what they may add.

A customer reaches exactly one ticket: by its reference and an e-mail address on it, or by a signed link.
The link names the ticket's reference and customer, so moving a ticket to another customer (or renumbering)
revokes every link handed out before.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dispatch.billing.models import Invoice
from dispatch.billing.services import invoice_pdf
from dispatch.closure.models import DeliveryReceipt
from dispatch.customers import services as customers
from dispatch.customers.models import Asset, Contact, Customer
from dispatch.desk import services as desk
from dispatch.desk.intake.services import add_contact
from dispatch.desk.models import Ticket, TicketAttachment, TicketMessage
from dispatch.enums import Channel, InvoiceStatus, MessageKind
from dispatch.errors import NotFound
from dispatch.extensions import db
from dispatch.portal import wording
from dispatch.portal.uploads import Upload, keep
from dispatch.scheduling import services as scheduling
from dispatch.storage import storage

SALT = "portal"
LINK_PATH = "/support/t/"  # the portal.follow_link route; built by hand so tasks need no request
ISSUED = (InvoiceStatus.APPROVED, InvoiceStatus.SENT, InvoiceStatus.PAID)  # never a draft
# Compared against when there is no such ticket, so that both refusals take about as long.
NOBODY = "\x00nobody@invalid"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(ticket: Ticket) -> str:
    """The signed token of ``ticket`` (its id, reference and customer)."""
    return _serializer().dumps([ticket.id, ticket.reference, ticket.customer_id])


def signed_link(ticket: Ticket) -> str:
    """The absolute portal link of ``ticket`` for its customer (no expiry; revoked by a change of customer)."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}{LINK_PATH}{token_for(ticket)}"


def ticket_from_token(token: str) -> Ticket:
    """The ticket a signed link names, if it is still that customer's; NotFound otherwise."""
    try:
        ticket_id, reference, customer_id = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        raise _not_found() from None
    return scoped_ticket({"ticket": ticket_id, "reference": reference, "customer": customer_id})


def find_ticket(reference: str, email: str) -> Ticket:
    """The ticket with this reference if ``email`` is one of its addresses; one NotFound for either miss."""
    # One query either way (customer and contact loaded with the ticket), then a comparison either way.
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference.strip().upper()[:20])
                               .options(joinedload(Ticket.customer), joinedload(Ticket.contact)))
    given = email.strip().lower().encode()
    matched = False
    for address in (_addresses(ticket) if ticket else [NOBODY]):
        matched |= hmac.compare_digest(address.encode(), given)
    if ticket is None or not matched:
        raise _not_found()
    return ticket


def _addresses(ticket: Ticket) -> list[str]:
    """The e-mail addresses that may follow ``ticket``: the ticket's, its customer's and its contact's."""
    contact = ticket.contact
    return [address.strip().lower() for address in (ticket.email, ticket.customer.email,
                                                      contact.email if contact else None) if address]


def scope_of(ticket: Ticket) -> dict[str, Any]:
    """What the portal session remembers: this one ticket, bound to its reference and customer."""
    return {"ticket": ticket.id, "reference": ticket.reference, "customer": ticket.customer_id}


def scoped_ticket(scope: Any) -> Ticket:
    """The ticket a portal session (or link) is scoped to, while reference and customer still match."""
    if not isinstance(scope, dict) or not isinstance(scope.get("ticket"), int):
        raise _not_found()
    ticket = db.session.get(Ticket, scope["ticket"])
    if ticket is None or ticket.reference != scope.get("reference") or ticket.customer_id != scope.get("customer"):
        raise _not_found()
    return ticket


def _not_found() -> NotFound:
    return NotFound(_("We could not find a ticket with this reference and e-mail address."))


def ticket_view(ticket: Ticket) -> dict[str, Any]:
    """What the customer sees: status in words, messages (never notes) with files, visits and documents."""
    messages = list(db.session.scalars(
        select(TicketMessage).where(TicketMessage.ticket_id == ticket.id, TicketMessage.kind != MessageKind.NOTE)
        .order_by(TicketMessage.created_at, TicketMessage.id)))
    files: dict[int, list[TicketAttachment]] = {}
    for attachment in visible_attachments(ticket, [message.id for message in messages]):
        files.setdefault(attachment.message_id, []).append(attachment)
    jobs = scheduling.jobs_of_ticket(ticket.id)
    return {"ticket": ticket, "status": wording.status_word(ticket.status), "messages": messages, "files": files,
            "visits": wording.visits(jobs), "receipts": receipts(ticket, jobs), "invoices": invoices(ticket, jobs)}


def visible_attachments(ticket: Ticket, message_ids: list[int]) -> list[TicketAttachment]:
    """The ticket's files that came with messages the customer sees."""
    if not message_ids:
        return []
    return list(db.session.scalars(
        select(TicketAttachment).where(TicketAttachment.ticket_id == ticket.id,
                                       TicketAttachment.message_id.in_(message_ids))
        .order_by(TicketAttachment.id)))


def receipts(ticket: Ticket, jobs: list | None = None) -> list[tuple[Any, DeliveryReceipt]]:
    """(job, receipt) of the ticket's jobs that have a signed delivery receipt."""
    jobs = scheduling.jobs_of_ticket(ticket.id) if jobs is None else jobs
    by_id = {job.id: job for job in jobs}
    if not by_id:
        return []
    found = db.session.scalars(select(DeliveryReceipt).where(DeliveryReceipt.job_id.in_(list(by_id)))
                               .order_by(DeliveryReceipt.id))
    return [(by_id[receipt.job_id], receipt) for receipt in found]


def invoices(ticket: Ticket, jobs: list | None = None) -> list[Invoice]:
    """The issued invoices of the ticket's jobs, addressed to the ticket's customer."""
    jobs = scheduling.jobs_of_ticket(ticket.id) if jobs is None else jobs
    invoice_ids = {job.invoice_id for job in jobs if job.invoice_id}
    if not invoice_ids:
        return []
    return list(db.session.scalars(
        select(Invoice).where(Invoice.id.in_(invoice_ids), Invoice.customer_id == ticket.customer_id,
                              Invoice.status.in_(ISSUED)).order_by(Invoice.id)))


def receipt_file(ticket: Ticket, receipt_id: int) -> tuple[bytes, str]:
    """(PDF, file name) of one of the ticket's delivery receipts; NotFound for any other."""
    for job, receipt in receipts(ticket):
        if receipt.id == receipt_id:
            return storage().read(receipt.pdf_key), f"receipt-{job.number}.pdf"
    raise NotFound(_("No such document."))


def invoice_file(ticket: Ticket, invoice_id: int) -> tuple[bytes, str]:
    """(PDF, file name) of one of the ticket's issued invoices; NotFound for any other."""
    for invoice in invoices(ticket):
        if invoice.id == invoice_id:
            return invoice_pdf(invoice), f"invoice-{invoice.number}.pdf"
    raise NotFound(_("No such document."))


def attachment_file(ticket: Ticket, attachment_id: int) -> tuple[bytes, TicketAttachment]:
    """(bytes, attachment) of a file on a message the customer sees; NotFound for any other."""
    attachment = db.session.get(TicketAttachment, attachment_id)
    if attachment is None or attachment.ticket_id != ticket.id or attachment.message_id is None:
        raise NotFound(_("No such document."))
    message = db.session.get(TicketMessage, attachment.message_id)
    if message is None or message.kind == MessageKind.NOTE:
        raise NotFound(_("No such document."))
    return storage().read(attachment.storage_key), attachment


def submit_web_form(data: dict[str, Any], uploads: list[Upload], language: str) -> Ticket:
    """A ticket from the public web form: the customer found by e-mail or created, files kept; channel web.

    ``data``: name, email, phone, company, street, house_number, postal_code, city, country, subject,
    description, category, product, serial_number.
    """
    email = data["email"].strip()
    customer, contact = customers.customer_by_email(email)
    if customer is None:
        customer, contact = _new_customer(data, email, language)
    asset_id = None
    if data.get("serial_number"):
        asset_id = db.session.scalar(select(Asset.id).where(
            Asset.customer_id == customer.id, Asset.serial_number == data["serial_number"].strip()).limit(1))
    ticket = desk.create_ticket({
        "customer_id": customer.id, "contact_id": contact.id if contact else None, "asset_id": asset_id,
        "subject": data["subject"], "description": _description(data), "category": data.get("category"),
        "channel": Channel.WEB, "email": email, "phone": data.get("phone"), "sender": email,
    }, None)
    first = db.session.scalar(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
                              .order_by(TicketMessage.id).limit(1))
    keep(ticket, first, uploads)
    return ticket


def _new_customer(data: dict[str, Any], email: str, language: str) -> tuple[Customer, Contact | None]:
    company = (data.get("company") or "").strip()
    street = " ".join(part for part in (data.get("street"), data.get("house_number")) if part)
    customer = customers.create_customer({
        "name": company or data["name"], "is_company": bool(company), "email": email, "phone": data.get("phone"),
        "language": language, "address": {"street": street, "postal_code": data["postal_code"],
                                          "city": data["city"], "country": data["country"]}}, None)
    if not company:
        return customer, None
    return customer, add_contact(customer, {"name": data["name"], "email": email, "phone": data.get("phone")})


def _description(data: dict[str, Any]) -> str:
    product = ", ".join(part for part in (
        data.get("product"), _("serial %(serial)s", serial=data["serial_number"]) if data.get("serial_number")
        else None) if part)
    return f"{data['description']}\n\n{_('Product')}: {product}" if product else data["description"]


def add_portal_message(ticket: Ticket, body: str, uploads: list[Upload]) -> TicketMessage:
    """The customer's message (and files) on their ticket; it reopens a closed ticket."""
    message = desk.add_message(ticket, MessageKind.CUSTOMER, body.strip(), channel=Channel.PORTAL,
                               sender=ticket.email)
    keep(ticket, message, uploads)
    return message
