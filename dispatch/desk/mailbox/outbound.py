"""Mail to customers about their tickets: the acknowledgement and agents' replies, carrying the ticket hook."""

from __future__ import annotations

from datetime import timedelta
from email.utils import getaddresses
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select

from dispatch import audit
from dispatch.billing.models import Invoice
from dispatch.closure.models import DeliveryReceipt
from dispatch.dbtypes import utcnow
from dispatch.desk.mailbox import parsing
from dispatch.desk.mailbox.threads import hook
from dispatch.enums import Channel, InvoiceStatus, MessageKind
from dispatch.errors import Conflict, Invalid
from dispatch.extensions import db
from dispatch.i18n import locale_for
from dispatch.mail import OutboxMail, queue_mail
from dispatch.scheduling.models import Job

if TYPE_CHECKING:
    from dispatch.desk.models import Ticket, TicketMessage

PDF = "application/pdf"
MAX_REPLY_LENGTH = 20000
MAX_REFERENCES = 10


def acknowledge(ticket: Ticket) -> OutboxMail | None:
    """Queue the acknowledgement of a new ticket: its reference and the next steps (None: skipped, and why)."""
    address = ticket.email
    reason = acknowledgement_refused(address)
    if reason is not None:
        audit.record("ticket.acknowledgement_skipped", ticket, None, reason=reason, to=address)
        return None
    customer = ticket.customer
    portal_link = _portal_link(ticket)
    with force_locale(locale_for(customer.language)):
        subject = f"{hook(ticket.reference)} " + _("We received your request: %(subject)s", subject=ticket.subject)
        lines = [_("Dear %(name)s,", name=customer.name), "",
                 _("Thank you for your message. We have registered it under reference %(reference)s.",
                   reference=ticket.reference), "",
                 _("What happens next: an agent reads your request and answers you by e-mail. If a technician "
                   "needs to come by, we will propose an appointment.")]
        if ticket.first_response_due_at is not None:
            lines.append(_("You can expect our first answer by %(due)s.",
                           due=format_datetime(ticket.first_response_due_at, "medium")))
        lines += ["", _("To add information or photos, reply to this e-mail and keep %(hook)s in the subject.",
                        hook=hook(ticket.reference))]
        lines += ["", _("Follow your request online: %(link)s", link=portal_link)]
        lines += ["", _("Kind regards,"), _("The service desk")]
    first = _mail_messages(ticket)[:1]
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    if first:
        headers |= {"In-Reply-To": first[0], "References": first[0]}
    mail = queue_mail(address, subject[:300], "\n".join(lines), related=ticket, headers=headers)
    audit.record("ticket.acknowledged", ticket, None, to=address, outbox_mail_id=mail.id)
    return mail


def acknowledgement_refused(address: str | None) -> str | None:
    """Why an acknowledgement may not go to ``address`` (None: it may): no address, a machine, a loop."""
    if not address:
        return "no_address"
    if parsing.is_machine_address(address) or address.lower() in own_addresses():
        return "ignored_sender"
    if acknowledgements_sent(address) >= current_app.config["MAIL_ACK_LIMIT_PER_HOUR"]:
        return "loop"
    return None


def acknowledgements_sent(address: str, within: timedelta = timedelta(hours=1)) -> int:
    """Acknowledgements queued to ``address`` lately (on the to_address, created_at index)."""
    return db.session.scalar(select(func.count()).select_from(OutboxMail).where(
        OutboxMail.to_address == address, OutboxMail.created_at >= utcnow() - within,
        OutboxMail.related_type == "tickets"))


def own_addresses() -> set[str]:
    """Our own sender address(es), in lower case: mail from them is our own coming back."""
    return {addr.lower() for _name, addr in getaddresses([current_app.config["MAIL_FROM"]]) if "@" in addr}


def send_reply(ticket: Ticket, body: str, actor_id: int | None, attachments: list[str] | None = None) -> TicketMessage:
    """Mail an agent's reply to the ticket's address, threaded on the customer's mail, with system documents."""
    from dispatch.desk import services as desk  # the desk core calls this module: imported late

    body = (body or "").strip()
    if not body:
        raise Invalid(_("Write a reply first."), errors={"body": [_("Write a reply first.")]})
    if len(body) > MAX_REPLY_LENGTH:
        raise Invalid(_("The reply is too long."), errors={"body": [_("At most %(count)d characters.",
                                                                        count=MAX_REPLY_LENGTH)]})
    if not ticket.email:
        raise Conflict(_("The ticket has no e-mail address to reply to."), code="no_email_address")
    documents = {document["key"]: document for document in system_documents(ticket)}
    unknown = [key for key in attachments or [] if key not in documents]
    if unknown:
        raise Invalid(_("Unknown attachment."), errors={"attachments": [
            _("Not a document of this ticket: %(keys)s", keys=", ".join(map(str, unknown)))]})
    chosen = [documents[key] for key in dict.fromkeys(attachments or [])]
    earlier = _mail_messages(ticket)
    headers = {}
    if earlier:
        headers = {"In-Reply-To": earlier[-1], "References": " ".join(earlier[-MAX_REFERENCES:])}
    if ticket.queue is not None and ticket.queue.email_address:
        headers["Reply-To"] = ticket.queue.email_address
    subject = f"Re: {hook(ticket.reference)} {ticket.subject}"[:300]
    mail = queue_mail(ticket.email, subject, body, headers=headers, attachments=[
        {key: document[key] for key in ("filename", "content_type", "storage_key")} for document in chosen])
    message = desk.add_message(ticket, MessageKind.REPLY, body, author_id=actor_id, channel=Channel.EMAIL,
                               sender=next(iter(own_addresses()), None), email_message_id=mail.message_id)
    mail.related_type, mail.related_id = "ticket_messages", message.id
    audit.record("ticket.reply_mailed", ticket, actor_id, message_id=message.id, to=ticket.email,
                 outbox_mail_id=mail.id, attachments=[document["filename"] for document in chosen])
    return message


def system_documents(ticket: Ticket) -> list[dict[str, Any]]:
    """Delivery receipts and approved invoices of the ticket's jobs, as attachable documents (two queries)."""
    receipts = db.session.execute(
        select(DeliveryReceipt.id, DeliveryReceipt.pdf_key, Job.number)
        .join(Job, Job.id == DeliveryReceipt.job_id).where(Job.ticket_id == ticket.id).order_by(Job.id))
    invoices = db.session.execute(
        select(Invoice.id, Invoice.number, Invoice.pdf_key).join(Job, Job.invoice_id == Invoice.id)
        .where(Job.ticket_id == ticket.id, Invoice.pdf_key.is_not(None),
               Invoice.status.in_([InvoiceStatus.APPROVED, InvoiceStatus.SENT, InvoiceStatus.PAID]))
        .distinct().order_by(Invoice.id))
    documents = [{"key": f"receipt-{row.id}", "kind": "receipt", "label": _("Delivery receipt %(number)s",
                                                                            number=row.number),
                  "filename": f"receipt-{row.number}.pdf", "content_type": PDF, "storage_key": row.pdf_key}
                 for row in receipts]
    documents += [{"key": f"invoice-{row.id}", "kind": "invoice", "label": _("Invoice %(number)s", number=row.number),
                   "filename": f"{row.number}.pdf", "content_type": PDF, "storage_key": row.pdf_key}
                  for row in invoices]
    return documents


def reply_panel(ticket: Ticket) -> dict[str, Any]:
    """What the ticket page's reply form needs: the recipient and the documents that may be attached."""
    customer = ticket.customer
    return {"recipient": ticket.email, "documents": system_documents(ticket),
            "subject": f"Re: {hook(ticket.reference)} {ticket.subject}",
            "address_unknown": not (customer.street or "").strip(), "max_length": MAX_REPLY_LENGTH}


def _mail_messages(ticket: Ticket) -> list[str]:
    """Message-IDs of the ticket's mails (received and replied), oldest first: References for threading."""
    from dispatch.desk.models import TicketMessage

    return list(db.session.scalars(
        select(TicketMessage.email_message_id)
        .where(TicketMessage.ticket_id == ticket.id, TicketMessage.email_message_id.is_not(None))
        .order_by(TicketMessage.created_at, TicketMessage.id)))


def _portal_link(ticket: Ticket) -> str:
    """The signed link by which the customer follows the ticket in the portal."""
    from dispatch.portal.services import signed_link  # the portal builds on the desk core, which calls us

    return signed_link(ticket)
