"""Test state for billing and closure: a finished job with time, parts and a coverage decision.

The job is moved through its life cycle with the scheduling service; time entries and parts are rows
as the field API stores them, so billing can be tested without going through the technician's phone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from dispatch.audit import AuditEvent
from dispatch.billing.models import CreditNote, Invoice, InvoiceLine
from dispatch.closure.models import CoverageDecision
from dispatch.enums import CoverageOutcome, JobStatus, TimeKind
from dispatch.extensions import db
from dispatch.field.models import PartUsage, TimeEntry
from dispatch.mail import OutboxMail
from dispatch.numbering import DocumentCounter
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job
from tests.support.factories import next_weekday_at


def finished_job(make: Any, *, technician: Any = None, customer: Any = None, asset: Any = None,
                 work: list[tuple[int, int]] = ((0, 80),), travel: list[tuple[int, int]] = (),
                 parts: list[tuple[Any, str]] = (), flags: list[str] = (), start: datetime | None = None,
                 completed_at: datetime | None = None) -> Job:
    """A completed job; ``work``/``travel`` are (minutes after start, duration in minutes) pairs."""
    technician = technician or make.user("technician")
    ticket = make.ticket(customer=customer, asset=asset)
    start = start or next_weekday_at(9)
    job = make.scheduled_job(technician, ticket, start=start)
    scheduling.change_status(job, JobStatus.EN_ROUTE, technician.id, at=start)
    scheduling.change_status(job, JobStatus.ON_SITE, technician.id, at=start + timedelta(minutes=1))
    for kind, spans in ((TimeKind.WORK, work), (TimeKind.TRAVEL, travel)):
        for offset, minutes in spans:
            began = start + timedelta(minutes=offset)
            db.session.add(TimeEntry(job_id=job.id, technician_id=technician.id, kind=kind, started_at=began,
                                     ended_at=began + timedelta(minutes=minutes)))
    for product, quantity in parts:
        db.session.add(PartUsage(job_id=job.id, technician_id=technician.id, product_id=product.id,
                                 quantity=Decimal(quantity)))
    finished = completed_at or start + timedelta(hours=2)
    scheduling.change_status(job, JobStatus.COMPLETED, technician.id, at=finished)
    job.completed_at = finished
    job.summary = "Replaced the diverter valve and bled the radiators."
    job.technician_flags = list(flags)
    db.session.commit()
    return job


def decision_for(job: Job, outcome: CoverageOutcome = CoverageOutcome.CHARGEABLE, *, labour: bool = False,
                 parts: bool = False, callout: bool = False) -> CoverageDecision:
    """A recorded coverage decision for ``job``."""
    decision = CoverageDecision(job_id=job.id, outcome=outcome, covers_labour=labour, covers_parts=parts,
                                covers_callout=callout, reasons=["test"])
    db.session.add(decision)
    db.session.flush()
    return decision


def draft(make: Any, **job_options: Any):
    """A chargeable job's draft invoice, committed."""
    from dispatch.billing.drafts import create_draft_for_job

    job = finished_job(make, **job_options)
    invoice = create_draft_for_job(job, decision_for(job))
    db.session.commit()
    return invoice


def approve(invoice):
    """``invoice`` approved (numbered and frozen) by the system, committed."""
    from dispatch.billing.services import approve_invoice

    approve_invoice(invoice, None)
    db.session.commit()
    return invoice


def approved(make: Any, **job_options: Any):
    """A chargeable job's invoice, approved and committed."""
    return approve(draft(make, **job_options))


def billing_state() -> tuple:
    """Everything a refused billing request must leave as it was: documents, lines, counters, audit, mail."""
    db.session.expire_all()
    return (
        db.session.execute(select(Invoice.id, Invoice.status, Invoice.number, Invoice.gross_total, Invoice.sent_at,
                                  Invoice.paid_on).order_by(Invoice.id)).all(),
        db.session.execute(select(InvoiceLine.id, InvoiceLine.description, InvoiceLine.quantity,
                                  InvoiceLine.net_amount).order_by(InvoiceLine.id)).all(),
        db.session.execute(select(CreditNote.id, CreditNote.status, CreditNote.number, CreditNote.gross_total)
                           .order_by(CreditNote.id)).all(),
        db.session.execute(select(DocumentCounter.series, DocumentCounter.last_number)
                           .order_by(DocumentCounter.series)).all(),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
        db.session.scalar(select(func.count()).select_from(OutboxMail)),
    )
