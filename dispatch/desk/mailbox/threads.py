"""Which ticket an inbound mail belongs to: the hook in its subject, then its references, never a stranger's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from dispatch.customers.models import Contact
from dispatch.desk.mailbox.parsing import ParsedMail
from dispatch.desk.models import Ticket, TicketMessage
from dispatch.extensions import db
from dispatch.mail import OutboxMail

HOOK = re.compile(r"\[(T-\d{4}-\d{6})\]")
MAX_REFERENCES = 30  # a long thread's References header: the newest are enough


@dataclass
class Threading:
    """The ticket found (None: a new ticket) and, when a new ticket is made although a reference was given, why."""

    ticket: Ticket | None
    reason: str | None = None  # "unknown_reference" or "foreign_sender"
    reference: str | None = None  # the hook or Message-ID that pointed elsewhere


def hook(reference: str) -> str:
    """The ticket hook of a subject line."""
    return f"[{reference}]"


def find_ticket(mail: ParsedMail) -> Threading:
    """The ticket the mail answers, when its sender may write on it."""
    found = HOOK.search(mail.subject)
    if found:
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == found.group(1)))
        if ticket is None:
            return Threading(None, "unknown_reference", found.group(1))
        ticket = _follow_merges(ticket)
        if sender_may_write(ticket, mail.from_address):
            return Threading(ticket)
        return Threading(None, "foreign_sender", found.group(1))
    referenced = (mail.in_reply_to + mail.references[::-1])[:MAX_REFERENCES]
    if not referenced:
        return Threading(None)
    ticket = _ticket_by_message_ids(referenced)
    if ticket is None:
        return Threading(None)  # a reply to mail we never saw: an ordinary new request
    ticket = _follow_merges(ticket)
    if sender_may_write(ticket, mail.from_address):
        return Threading(ticket)
    return Threading(None, "foreign_sender", ticket.reference)


def sender_may_write(ticket: Ticket, address: str | None) -> bool:
    """Whether ``address`` is the ticket's customer: its e-mail, a contact's, or the ticket's own."""
    if not address:
        return False
    address = address.lower()
    if address in {(ticket.email or "").lower(), (ticket.customer.email or "").lower()}:
        return True
    return db.session.scalar(select(func.count()).select_from(Contact).where(
        Contact.customer_id == ticket.customer_id, func.lower(Contact.email) == address)) > 0


def _ticket_by_message_ids(message_ids: list[str]) -> Ticket | None:
    """The ticket of the newest of our messages among ``message_ids``: received mail, agents' replies (their
    TicketMessage carries the outbox Message-ID) and acknowledgements (outbox mail of the ticket itself)."""
    received = (select(TicketMessage.ticket_id.label("ticket_id"), TicketMessage.created_at.label("at"))
                .where(TicketMessage.email_message_id.in_(message_ids)))
    acknowledged = (select(OutboxMail.related_id.label("ticket_id"), OutboxMail.created_at.label("at"))
                    .where(OutboxMail.message_id.in_(message_ids), OutboxMail.related_type == "tickets"))
    union = received.union_all(acknowledged).subquery()
    ticket_id = db.session.scalar(select(union.c.ticket_id).order_by(union.c.at.desc()).limit(1))
    return db.session.get(Ticket, ticket_id) if ticket_id is not None else None


def _follow_merges(ticket: Ticket) -> Ticket:
    """The ticket a merged ticket lives on in (bounded: a merge cycle would be a bug, not a reason to hang)."""
    for _ in range(10):
        if ticket.merged_into_id is None:
            break
        ticket = db.session.get(Ticket, ticket.merged_into_id)
    return ticket

