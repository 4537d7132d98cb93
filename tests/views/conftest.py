"""Shared data for the back-office page tests: one of everything along the path, made through services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dispatch.billing.drafts import create_draft_for_job
from dispatch.billing.models import Invoice
from dispatch.closure.services import decide_automatically
from dispatch.customers.models import Customer
from dispatch.desk.models import Ticket
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from tests.support.csrf import csrf_token_from


@dataclass
class World:
    customer: Customer
    ticket: Ticket
    job: Job
    invoice: Invoice


def draft_invoice(make, job: Job | None = None) -> Invoice:
    """A draft invoice for a job whose asset's warranty has ended (chargeable: call-out at least)."""
    make.company()
    if job is None:
        customer = make.customer(name="Bakker Installaties")
        asset = make.asset(customer, purchased_on=date.today() - timedelta(days=900),
                           parts_warranty_until=date.today() - timedelta(days=100),
                           labour_warranty_until=date.today() - timedelta(days=100))
        job = make.job(make.ticket(asset=asset))
    decision = decide_automatically(job)
    invoice = create_draft_for_job(job, decision)
    db.session.commit()
    return invoice


@pytest.fixture
def world(make) -> World:
    invoice = draft_invoice(make)
    job = db.session.scalar(select(Job).where(Job.invoice_id == invoice.id))
    return World(customer=job.ticket.customer, ticket=job.ticket, job=job, invoice=invoice)


class Pages:
    """Sign in as a role and read CSRF tokens, as a browser would."""

    def __init__(self, client, auth, make) -> None:
        self.client, self.auth, self.make = client, auth, make

    def login_as(self, role: str):
        user = self.make.user(role)
        response = self.auth.login(user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    def token(self, path: str) -> str:
        return csrf_token_from(self.client.get(path))


@pytest.fixture
def pages(client, auth, make) -> Pages:
    return Pages(client, auth, make)
