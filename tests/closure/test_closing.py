"""Closing a completed job in the background: receipt, e-mail, coverage, draft invoice, closed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from dispatch.audit import AuditEvent, events_for
from dispatch.billing.models import Invoice, InvoiceLine
from dispatch.closure import services as closure
from dispatch.closure.models import CoverageDecision, DeliveryReceipt
from dispatch.closure.tasks import close_job
from dispatch.enums import CoverageOutcome, JobStatus, LineKind
from dispatch.extensions import db
from dispatch.field.models import Signature
from dispatch.mail import OutboxMail
from dispatch.scheduling.models import Job
from dispatch.storage import storage
from tests.closure.helpers import signed_job
from tests.support.mailserver import attaching
from tests.support.pdf import pdf_text
from tests.support.tasks import wait_for_tasks

EXPIRED = date.today() - timedelta(days=10)


def counts() -> dict[str, int]:
    models = (Invoice, InvoiceLine, CoverageDecision, DeliveryReceipt, OutboxMail, AuditEvent)
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in models}


def test_chargeable_job_is_closed_with_receipt_mail_and_exact_draft(make, mail_server):
    make.company()  # 65.00 an hour, call-out 45.00, 21 % VAT
    customer = make.customer(name="Jansen Installaties", email="jansen@example.nl", language="nl")
    asset = make.asset(customer, parts_warranty_until=EXPIRED, labour_warranty_until=EXPIRED)
    valve = make.product(name="Diverter valve 22 mm", sku="VAL-22", unit_price="84.50")
    job = signed_job(make, asset=asset, work_minutes=80, parts=[(valve, "1")])
    wait_for_tasks()
    db.session.expire_all()

    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.CLOSED and job.closed_at is not None
    decision = closure.current_decision(job.id)
    assert decision.outcome == CoverageOutcome.CHARGEABLE and decision.decided_by_id is None
    assert any("warranty ended on" in reason for reason in decision.reasons), decision.reasons
    assert {"coverage.decided", "receipt.built"} <= {event.action for event in events_for(job)}

    signature = db.session.scalar(select(Signature).where(Signature.job_id == job.id))
    receipt = closure.receipt_for(job.id)
    assert receipt.content_hash == signature.signed_content_hash
    text = pdf_text(storage().read(receipt.pdf_key))
    for expected in (signature.signed_content_hash, "Jan de Vries", job.number, job.ticket.reference,
                     "Jansen Installaties", "Diverter valve 22 mm", "Warmte & Co B.V.", "Europe/Amsterdam",
                     "Replaced the diverter valve"):
        assert expected in text, expected

    [message] = attaching(mail_server.wait_for(2), "receipt-")
    assert message["To"] == "jansen@example.nl"
    assert job.number in message["Subject"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"receipt-{job.number}.pdf"
    assert attachment.get_content() == storage().read(receipt.pdf_key)

    invoice = db.session.get(Invoice, job.invoice_id)
    assert [(line.kind, line.quantity, line.unit_price, line.net_amount) for line in invoice.lines] == [
        (LineKind.LABOUR, Decimal("1.50"), Decimal("65.00"), Decimal("97.50")),
        (LineKind.CALLOUT, Decimal("1"), Decimal("45.00"), Decimal("45.00")),
        (LineKind.PART, Decimal("1"), Decimal("84.50"), Decimal("84.50")),
    ]
    # 227.00 net, 21 % = 47.67
    assert (str(invoice.net_total), str(invoice.vat_total), str(invoice.gross_total)) == (
        "227.00", "47.67", "274.67")

    before = counts()
    close_job(job.id)  # a rerun (a retried task) changes nothing
    db.session.commit()
    assert counts() == before
    assert len(attaching(mail_server.wait_for(3, timeout=0.5), "receipt-")) == 1


def test_job_in_warranty_is_covered_and_closed_without_invoice(make, mail_server):
    make.company()
    future = date.today() + timedelta(days=300)
    asset = make.asset(parts_warranty_until=future, labour_warranty_until=future)
    job = signed_job(make, asset=asset, parts=[(make.product(), "1")])
    wait_for_tasks()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.CLOSED and job.invoice_id is None
    assert closure.current_decision(job.id).outcome == CoverageOutcome.COVERED
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 0


def test_labour_contract_gives_partly_covered_draft_with_zero_labour(make):
    make.company()
    customer = make.customer()
    asset = make.asset(customer, parts_warranty_until=EXPIRED, labour_warranty_until=EXPIRED)
    make.contract(customer, [asset], ["labour", "callout"])
    job = signed_job(make, asset=asset, parts=[(make.product(unit_price="10.00"), "2")])
    wait_for_tasks()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert closure.current_decision(job.id).outcome == CoverageOutcome.PARTLY_COVERED
    invoice = db.session.get(Invoice, job.invoice_id)
    assert [(line.kind, str(line.net_amount)) for line in invoice.lines] == [
        (LineKind.LABOUR, "0.00"), (LineKind.CALLOUT, "0.00"), (LineKind.PART, "20.00")]
    assert str(invoice.gross_total) == "24.20"


def test_damage_flag_needs_review_until_an_agent_decides(make, mail_server):
    make.company()
    agent = make.user("agent")
    future = date.today() + timedelta(days=300)
    asset = make.asset(parts_warranty_until=future, labour_warranty_until=future)
    job = signed_job(make, asset=asset, flags=["damage"])
    wait_for_tasks()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.COMPLETED and job.invoice_id is None
    decision = closure.current_decision(job.id)
    assert decision.outcome == CoverageOutcome.NEEDS_REVIEW
    assert any("damage" in reason for reason in decision.reasons)
    assert closure.receipt_for(job.id) is not None  # the receipt does not wait for the decision
    assert len(attaching(mail_server.wait_for(2), "receipt-")) == 1

    before = counts()
    close_job(job.id)  # rerun: still waiting, nothing new
    db.session.commit()
    assert counts() == before

    closure.decide_manually(job, CoverageOutcome.CHARGEABLE, ["Frost damage: the pipe burst."], agent.id)
    db.session.commit()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.CLOSED and job.invoice_id is not None
    decision = closure.current_decision(job.id)
    assert (decision.outcome, decision.decided_by_id, decision.reasons) == (
        CoverageOutcome.CHARGEABLE, agent.id, ["Frost damage: the pipe burst."])
    decided = [event for event in events_for(job) if event.action == "coverage.decided"]
    assert [(event.actor_id, event.data["outcome"]) for event in decided] == [
        (None, "needs_review"), (agent.id, "chargeable")]


def test_unknown_asset_needs_review_and_customer_without_email_gets_no_mail(make, mail_server):
    make.company()
    customer = make.customer(email=None)
    job = signed_job(make, customer=customer)
    wait_for_tasks()
    db.session.expire_all()
    assert closure.current_decision(job.id).outcome == CoverageOutcome.NEEDS_REVIEW
    assert "The asset is unknown" in closure.current_decision(job.id).reasons[0]
    assert closure.receipt_for(job.id) is not None
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0
    assert mail_server.wait_for(1, timeout=0.3) == []


def test_close_job_ignores_jobs_that_are_not_completed(make):
    make.company()
    job = signed_job(make, complete=False)  # signed, still on site
    before = counts()
    close_job(job.id)
    close_job(999_999)
    db.session.commit()
    assert counts() == before
    assert db.session.get(Job, job.id).status == JobStatus.ON_SITE
