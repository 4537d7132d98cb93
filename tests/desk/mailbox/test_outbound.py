"""Mail to customers: the acknowledgement of a new ticket and agents' replies, received by a real SMTP server."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dispatch.billing.services import approve_invoice
from dispatch.closure.models import DeliveryReceipt
from dispatch.desk import services as desk
from dispatch.desk.assignment.models import Queue
from dispatch.desk.mailbox import outbound
from dispatch.enums import Channel, MessageKind
from dispatch.errors import Conflict, Invalid
from dispatch.extensions import db
from dispatch.mail import OutboxMail
from dispatch.portal.services import token_for
from dispatch.storage import storage
from tests.desk.mailbox.support import acknowledgement_of, eml, events, placeholders, receive
from tests.support.pages import draft_invoice
from tests.support.tasks import wait_for_tasks


def delivered(mail_server, count: int = 1):
    db.session.commit()
    wait_for_tasks()
    return mail_server.wait_for(count)


def test_a_new_ticket_is_acknowledged_with_its_reference_and_next_steps(make, mail_server):
    customer = make.customer(name="Anna Smit", email="anna@example.nl", language="en")
    ticket = make.ticket(customer, subject="Radiator cold", acknowledge=True)
    [mail] = mail_server.wait_for(1)

    assert mail["To"] == "anna@example.nl" and mail["From"] == "Service desk <service@example.com>"
    assert mail["Subject"].strip() == f"[{ticket.reference}] We received your request: Radiator cold"
    assert mail["Auto-Submitted"] == "auto-replied" and mail["X-Auto-Response-Suppress"] == "All"
    assert mail["In-Reply-To"] is None  # a phone ticket answers no mail
    text = mail.get_content()
    assert "Dear Anna Smit," in text and f"under reference {ticket.reference}" in text
    assert "What happens next" in text and f"keep [{ticket.reference}] in the subject" in text
    assert f"Follow your request online: http://127.0.0.1:5000/support/t/{token_for(ticket)}" in text
    assert events(ticket, "ticket.acknowledged") == [{"to": "anna@example.nl",
                                                     "outbox_mail_id": acknowledgement_of(ticket).id}]


@pytest.mark.parametrize(("email", "reason"), [(None, "no_address"), ("noreply@example.org", "ignored_sender"),
                                               ("service@example.com", "ignored_sender")])
def test_no_acknowledgement_to_nobody_machines_or_ourselves(make, mail_server, email, reason):
    ticket = make.ticket(make.customer(email=email), acknowledge=True)
    assert events(ticket, "ticket.acknowledgement_skipped") == [{"reason": reason, "to": email}]
    assert mail_server.wait_for(1, timeout=0.5) == []


def test_a_reply_goes_out_threaded_on_the_customers_mail_with_the_tickets_documents(make, mail_server):
    make.company()
    customer = make.customer(name="Jan Bakker", email="jan.bakker@gmail.com", language="en")
    inbound = receive(eml("unknown_reference.eml"))
    ticket = desk.get_ticket(inbound.ticket_id)
    ticket.queue = Queue(name="Service", email_address="service@example.com")
    job = make.job(ticket)
    invoice = approve_invoice(draft_invoice(make, job), None)
    receipt = DeliveryReceipt(job_id=job.id, pdf_key=storage().put(b"%PDF-1.7 receipt", prefix="receipts"),
                              content_hash="0" * 64)
    db.session.add(receipt)
    db.session.commit()
    mail_server.wait_for(1)
    mail_server.clear()
    agent = make.user("agent")

    documents = outbound.reply_panel(ticket)["documents"]
    assert [d["key"] for d in documents] == [f"receipt-{receipt.id}", f"invoice-{invoice.id}"]
    message = outbound.send_reply(ticket, "The technician comes on Thursday.", agent.id,
                                  attachments=[f"invoice-{invoice.id}", f"receipt-{receipt.id}"])
    [mail] = delivered(mail_server)

    assert message.kind == MessageKind.REPLY and message.channel == Channel.EMAIL and message.author_id == agent.id
    outbox = db.session.scalars(select(OutboxMail).where(OutboxMail.message_id == message.email_message_id)).one()
    assert (outbox.related_type, outbox.related_id) == ("ticket_messages", message.id)
    assert mail["Message-ID"] == message.email_message_id and mail["To"] == customer.email
    assert mail["Subject"].strip() == f"Re: [{ticket.reference}] {ticket.subject}"
    assert mail["In-Reply-To"] == "<CAF7qJ4unknownref@mail.gmail.com>"
    assert mail["References"] == "<CAF7qJ4unknownref@mail.gmail.com>"
    assert mail["Reply-To"] == "service@example.com" and mail["Auto-Submitted"] is None
    assert sorted(a.get_filename() for a in mail.iter_attachments()) == [f"{invoice.number}.pdf",
                                                                          f"receipt-{job.number}.pdf"]
    db.session.refresh(ticket)
    assert ticket.first_responded_at is not None
    assert events(ticket, "ticket.reply_mailed")[0]["attachments"] == [f"{invoice.number}.pdf",
                                                                       f"receipt-{job.number}.pdf"]

    # The next reply carries the whole thread in References.
    outbound.send_reply(ticket, "Reminder: Thursday.", agent.id)
    [_first, second] = delivered(mail_server, 2)
    assert second["In-Reply-To"] == message.email_message_id
    assert second["References"] == f"<CAF7qJ4unknownref@mail.gmail.com> {message.email_message_id}"


def test_a_reply_refuses_empty_text_foreign_documents_and_tickets_without_an_address(make):
    ticket = make.ticket()
    other_job = make.job()
    receipt = DeliveryReceipt(job_id=other_job.id, pdf_key="receipts/x.pdf", content_hash="0" * 64)
    db.session.add(receipt)
    db.session.commit()
    with pytest.raises(Invalid) as empty:
        outbound.send_reply(ticket, "   ", None)
    assert list(empty.value.errors) == ["body"]
    with pytest.raises(Invalid) as foreign:
        outbound.send_reply(ticket, "Here is your receipt", None, attachments=[f"receipt-{receipt.id}"])
    assert list(foreign.value.errors) == ["attachments"]
    with pytest.raises(Conflict):
        outbound.send_reply(make.ticket(make.customer(email=None)), "Hello", None)


def test_the_reply_panel_says_when_the_customers_address_is_unknown(make):
    inbound = receive(eml("hostile_html.eml", placeholders("T-0000-000000")))
    panel = outbound.reply_panel(desk.get_ticket(inbound.ticket_id))
    assert panel["address_unknown"] is True and panel["recipient"] == "promo@example.org"
    assert panel["documents"] == []
    assert outbound.reply_panel(make.ticket())["address_unknown"] is False
