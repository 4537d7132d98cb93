"""Shared data for the back-office page tests: one of everything along the path, made through services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from dispatch.billing.models import Invoice
from dispatch.customers.models import Customer
from dispatch.desk.models import Ticket
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from tests.support.pages import draft_invoice


@dataclass
class World:
    customer: Customer
    ticket: Ticket
    job: Job
    invoice: Invoice


@pytest.fixture
def world(make) -> World:
    invoice = draft_invoice(make)
    job = db.session.scalar(select(Job).where(Job.invoice_id == invoice.id))
    return World(customer=job.ticket.customer, ticket=job.ticket, job=job, invoice=invoice)
