"""Inbound e-mail: keep the raw message first, then file it on a ticket (or a new one) in a background task."""

from __future__ import annotations

import hashlib
import logging
import traceback
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from dispatch import audit, tasks
from dispatch.customers import services as customers
from dispatch.customers.models import Contact, Customer
from dispatch.dbtypes import utcnow
from dispatch.desk import services as desk
from dispatch.desk.assignment.models import Queue
from dispatch.desk.mailbox import attachments as files
from dispatch.desk.mailbox import parsing, threads
from dispatch.desk.mailbox.models import InboundMail
from dispatch.desk.mailbox.outbound import own_addresses
from dispatch.desk.models import Ticket, TicketAttachment, TicketMessage
from dispatch.enums import Channel, InboundStatus, MessageKind
from dispatch.errors import Conflict, DomainError, get_or_not_found
from dispatch.extensions import db
from dispatch.storage import storage

log = logging.getLogger(__name__)

SOURCES = ("imap", "api")
MAX_SUBJECT = 200
NO_SUBJECT = _l("(no subject)")
# Shown on the agent page: why a mail was not filed.
OUTCOMES = {
    "auto_reply": _l("Automatic reply (out of office, autoresponder)"),
    "bounce": _l("Delivery report (bounce)"),
    "own_mail": _l("Our own mail coming back"),
    "loop": _l("Too many mails from this sender in the last hour (mail loop)"),
    "duplicate": _l("The same message was already filed"),
    "malformed": _l("Not a readable e-mail"),
    "no_sender": _l("No sender address"),
    "rejected": _l("The ticket could not be created"),
    "error": _l("Processing failed"),
    "ticket_created": _l("New ticket"),
    "message_added": _l("Added to a ticket"),
}


def ingest(raw: bytes, source: str) -> InboundMail:
    """Keep a received message (raw bytes first, nothing lost) and queue its processing; the same bytes once."""
    digest = hashlib.sha256(raw).hexdigest()
    existing = db.session.scalar(select(InboundMail).where(InboundMail.raw_sha256 == digest))
    if existing is not None:
        return existing
    head = parsing.headline(raw)
    inbound = InboundMail(source=source, raw_key=storage().put(raw, prefix="inbound-mail", suffix=".eml"),
                          raw_sha256=digest, size=len(raw), message_id=(head.message_id or "")[:500] or None,
                          from_address=(head.from_address or "")[:254] or None, subject=head.subject,
                          status=InboundStatus.PENDING)
    try:
        with db.session.begin_nested():  # a mail service retrying at the same moment: the twin wins
            db.session.add(inbound)
    except IntegrityError:
        return db.session.scalars(select(InboundMail).where(InboundMail.raw_sha256 == digest)).one()
    tasks.enqueue("desk.inbound_mail", dedupe_key=f"inbound-mail:{inbound.id}", inbound_mail_id=inbound.id)
    return inbound


@tasks.task("desk.inbound_mail")
def process_task(inbound_mail_id: int, force: bool = False) -> None:
    """File one pending inbound mail; a mail already settled is left alone."""
    inbound = db.session.get(InboundMail, inbound_mail_id)
    if inbound is not None and inbound.status == InboundStatus.PENDING:
        process(inbound, force=force)


def process(inbound: InboundMail, *, force: bool = False) -> InboundMail:
    """Turn a kept message into a ticket or a ticket message, or settle it as ignored or failed, with why.

    ``force`` (an agent's "process again") files mail that would be ignored as automatic or a loop.
    """
    raw = storage().read(inbound.raw_key)  # storage trouble raises: the task is retried
    try:
        mail = parsing.parse(raw)
    except Exception as error:  # noqa: BLE001 - any failure to read outside input is the mail's, not ours
        return _settle(inbound, InboundStatus.FAILED, "malformed", error=repr(error)[:2000])
    inbound.message_id = (mail.message_id or "")[:500] or None
    inbound.from_address = (mail.from_address or "")[:254] or None
    inbound.subject = mail.subject[:300] or None
    if not mail.from_address:
        return _settle(inbound, InboundStatus.FAILED, "no_sender")
    ignored = None if force else _why_ignored(inbound, mail)
    if ignored:
        return _settle(inbound, InboundStatus.IGNORED, ignored)
    try:
        with db.session.begin_nested():  # a refused or failed filing leaves no half a ticket behind
            outcome, ticket = _file(inbound, mail)
    except DomainError as error:
        return _settle(inbound, InboundStatus.FAILED, "rejected", error=str(error.detail)[:2000])
    except DBAPIError:
        raise  # the database is unwell: retry the task later
    except Exception:  # noqa: BLE001 - a message that breaks filing must not be retried for ever nor lost
        log.exception("inbound mail %s could not be filed", inbound.id)
        return _settle(inbound, InboundStatus.FAILED, "error", error=traceback.format_exc(limit=6)[-2000:])
    return _settle(inbound, InboundStatus.PROCESSED, outcome, ticket=ticket)


def _why_ignored(inbound: InboundMail, mail: parsing.ParsedMail) -> str | None:
    """Mail that is kept but never filed nor answered: machines, our own mail, loops, duplicates."""
    if mail.from_address in own_addresses():
        return "own_mail"
    if mail.automatic:
        return mail.automatic
    if mail.message_id and db.session.scalar(select(func.count()).select_from(InboundMail).where(
            InboundMail.message_id == mail.message_id, InboundMail.id != inbound.id,
            InboundMail.status == InboundStatus.PROCESSED)):
        return "duplicate"
    recent = db.session.scalar(select(func.count()).select_from(InboundMail).where(
        InboundMail.from_address == mail.from_address, InboundMail.id != inbound.id,
        InboundMail.status == InboundStatus.PROCESSED, InboundMail.received_at >= utcnow() - timedelta(hours=1)))
    if recent >= current_app.config["INBOUND_MAIL_LIMIT_PER_HOUR"]:
        return "loop"
    return None


def _file(inbound: InboundMail, mail: parsing.ParsedMail) -> tuple[str, Ticket]:
    """Add the mail to its ticket, or open a new ticket for it."""
    found = threads.find_ticket(mail)
    details = {"channel": Channel.EMAIL, "sender": mail.from_address, "body_html": mail.body_html,
               "email_message_id": mail.message_id, "inbound_mail_id": inbound.id}
    body = mail.body or _("(empty message)")
    if found.ticket is not None:
        message = desk.add_message(found.ticket, MessageKind.CUSTOMER, body, **details)
        _keep_attachments(found.ticket, message, mail, inbound)
        return "message_added", found.ticket
    customer, contact, created = _customer_for(mail)
    ticket = desk.create_ticket({
        "customer_id": customer.id, "contact_id": contact.id if contact else None,
        "subject": (mail.subject or str(NO_SUBJECT))[:MAX_SUBJECT], "description": body,
        "queue_id": _queue_for(mail.recipients), "email": mail.from_address, **details})
    if created:
        audit.record("ticket.customer_created_from_mail", ticket, None, customer_id=customer.id, name=customer.name,
                     email=mail.from_address, address_known=False)
    if found.reason:
        audit.record("ticket.mail_not_threaded", ticket, None, reason=found.reason, reference=found.reference,
                     sender=mail.from_address, inbound_mail_id=inbound.id)
    first = db.session.scalar(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
                              .order_by(TicketMessage.id).limit(1))
    _keep_attachments(ticket, first, mail, inbound)
    return "ticket_created", ticket


def _customer_for(mail: parsing.ParsedMail) -> tuple[Customer, Contact | None, bool]:
    """The customer writing (by their or a contact's address), or a new one named after the sender, whose
    street address stays unknown (no site) until an agent asks for it."""
    customer, contact = customers.customer_by_email(mail.from_address)
    if customer is not None:
        return customer, contact, False
    name = mail.from_name or mail.from_address.split("@", 1)[0]
    language = mail.language if mail.language in current_app.config["LANGUAGES"] else _language_of(mail.from_address)
    customer = customers.create_customer({"name": name[:200], "email": mail.from_address, "language": language},
                                         source="email", address_known=False)
    return customer, None, True


def _language_of(address: str) -> str:
    """A guess from the address's country domain; otherwise Dutch, the customers' model default."""
    domain = address.rsplit(".", 1)[-1].lower()
    return {"de": "de", "at": "de", "ch": "de", "uk": "en", "ie": "en"}.get(domain, "nl")


def _queue_for(recipients: list[str]) -> int | None:
    """The queue whose address the mail was sent to (To, Cc, Delivered-To)."""
    if not recipients:
        return None
    return db.session.scalar(select(Queue.id).where(func.lower(Queue.email_address).in_(recipients))
                             .order_by(Queue.id).limit(1))


def _keep_attachments(ticket: Ticket, message: TicketMessage | None, mail: parsing.ParsedMail,
                      inbound: InboundMail) -> None:
    """Keep the attachments whose content is of an accepted type and size; note the others on the ticket."""
    refused = []
    for attachment in mail.attachments:
        verdict = files.examine(attachment.filename, attachment.data)
        if verdict.refused:
            refused.append({"filename": attachment.filename, "reason": verdict.refused, "size": len(attachment.data)})
            continue
        db.session.add(TicketAttachment(
            ticket_id=ticket.id, message_id=message.id if message else None, filename=verdict.filename[:255],
            content_type=verdict.content_type, size=len(attachment.data),
            storage_key=storage().put(attachment.data, prefix="ticket-attachments")))
    if refused:
        audit.record("ticket.mail_attachments_refused", ticket, None, inbound_mail_id=inbound.id,
                     files=[f"{item['filename']} ({item['reason']})" for item in refused],
                     reasons=[item["reason"] for item in refused])


def _settle(inbound: InboundMail, status: InboundStatus, outcome: str, *, ticket: Ticket | None = None,
            error: str | None = None) -> InboundMail:
    inbound.status, inbound.outcome, inbound.error = status, outcome, error
    inbound.ticket_id = ticket.id if ticket else None
    inbound.processed_at = utcnow()
    return inbound


def process_again(inbound: InboundMail, actor_id: int) -> InboundMail:
    """An agent's "process again" on an ignored or failed mail: it is filed as if it had just arrived."""
    if inbound.status not in (InboundStatus.IGNORED, InboundStatus.FAILED):
        raise Conflict(_("Only ignored or failed mail can be processed again."), code="inbound_mail_settled")
    before = inbound.outcome
    inbound.status, inbound.outcome, inbound.error, inbound.processed_at = InboundStatus.PENDING, None, None, None
    audit.record("inbound_mail.reprocessed", inbound, actor_id, before=before)
    tasks.enqueue("desk.inbound_mail", dedupe_key=f"inbound-mail:{inbound.id}:{utcnow().timestamp()}",
                  inbound_mail_id=inbound.id, force=True)
    return inbound


def unfiled_query(status: InboundStatus | None = None) -> Select:
    """Inbound mail an agent should look at: ignored and failed (or one of them), for the agent page."""
    statuses = [status] if status else [InboundStatus.FAILED, InboundStatus.IGNORED]
    return select(InboundMail).where(InboundMail.status.in_(statuses))


def get_inbound_mail(inbound_mail_id: int) -> InboundMail:
    """The inbound mail, or NotFound."""
    return get_or_not_found(InboundMail, inbound_mail_id, _l("Inbound mail %(id)s does not exist.",
                                                             id=inbound_mail_id))


def raw_message(inbound: InboundMail) -> bytes:
    """The message exactly as received."""
    return storage().read(inbound.raw_key)


def outcome_label(outcome: str | None) -> str:
    """The agent page's words for an outcome."""
    return str(OUTCOMES.get(outcome or "", outcome or ""))


def summary(inbound: InboundMail) -> dict[str, Any]:
    """The inbound mail as the API answers it."""
    return {"id": inbound.id, "status": inbound.status.value, "outcome": inbound.outcome,
            "ticket_id": inbound.ticket_id}
