"""The ticket page's customer sidebar: contact, assets, contracts, and the customer's history (tickets, jobs,
receipts, invoices), each a bounded query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from dispatch.billing.services import recent_invoices_for_customer
from dispatch.closure.models import DeliveryReceipt
from dispatch.customers.services import customer_summary
from dispatch.desk.models import Ticket
from dispatch.desk.services import recent_tickets_for_customer
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from dispatch.scheduling.services import recent_jobs_for_customer

RECENT = 8


def customer_sidebar(ticket: Ticket) -> dict[str, Any]:
    """Everything the sidebar shows about the ticket's customer (eight queries whatever the history)."""
    summary = customer_summary(ticket.customer)
    jobs = recent_jobs_for_customer(ticket.customer_id, RECENT)
    receipts = list(db.session.execute(
        select(DeliveryReceipt.job_id, Job.number, DeliveryReceipt.created_at)
        .join(Job, Job.id == DeliveryReceipt.job_id)
        .where(DeliveryReceipt.job_id.in_([job.id for job in jobs]))
        .order_by(DeliveryReceipt.created_at.desc())).all()) if jobs else []
    history = [other for other in recent_tickets_for_customer(ticket.customer_id, RECENT + 1) if other.id != ticket.id]
    return summary | {"tickets": history[:RECENT], "jobs": jobs, "receipts": receipts,
                      "invoices": recent_invoices_for_customer(ticket.customer_id, RECENT)}
