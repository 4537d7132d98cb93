"""Helpers of the mailbox tests: the real-world .eml files and filing a message as a mail service would."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from dispatch import audit
from dispatch.desk.mailbox import services
from dispatch.desk.mailbox.models import InboundMail
from dispatch.extensions import db
from dispatch.mail import OutboxMail
from tests.support.tasks import wait_for_tasks

EML = Path(__file__).parent / "eml"
INBOUND_TOKEN = "inbound-token-for-tests-0123456789"


def eml(name: str, replacements: dict[str, str] | None = None) -> bytes:
    """A fixture message, with placeholders (the reference T-2026-000042, <ACK-MESSAGE-ID@dispatch.local> ...)
    replaced by what this test's database holds."""
    raw = (EML / name).read_bytes()
    for old, new in (replacements or {}).items():
        raw = raw.replace(old.encode(), new.encode())
    return raw


def receive(raw: bytes, source: str = "api") -> InboundMail:
    """Hand a message to the desk as a mail service would, and wait until it is filed."""
    inbound = services.ingest(raw, source)
    db.session.commit()
    wait_for_tasks()
    db.session.expire_all()
    return db.session.get(InboundMail, inbound.id)


def placeholders(reference: str, ack_id: str | None = None, reply_id: str | None = None) -> dict[str, str]:
    """The replacements that point a fixture at a ticket and our mails about it."""
    found = {"T-2026-000042": reference}
    if ack_id:
        found["<ACK-MESSAGE-ID@dispatch.local>"] = ack_id
    if reply_id:
        found["<REPLY-MESSAGE-ID@dispatch.local>"] = reply_id
    return found


def acknowledgement_of(ticket) -> OutboxMail:  # noqa: ANN001 - Ticket
    """The acknowledgement queued for a ticket."""
    return db.session.scalars(select(OutboxMail).where(OutboxMail.related_type == "tickets",
                                                       OutboxMail.related_id == ticket.id)).one()


def events(ticket, action: str) -> list[dict]:  # noqa: ANN001 - Ticket
    """The data of the ticket's audit events with this action, oldest first."""
    return [event.data for event in audit.events_for(ticket) if event.action == action]
