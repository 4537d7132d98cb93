"""The business changes emit their webhooks: a closed job, an approved invoice."""

from __future__ import annotations

from datetime import date, timedelta

from dispatch.billing import services as billing
from dispatch.enums import Role
from dispatch.extensions import db
from dispatch.integrations import webhooks
from tests.billing.helpers import draft
from tests.closure.helpers import signed_job
from tests.integrations.helpers import endpoint
from tests.integrations.receiver import Receiver
from tests.support.tasks import wait_for_tasks

EXPIRED = date.today() - timedelta(days=10)


def test_closing_a_job_sends_job_closed(make):
    make.company()
    with Receiver() as erp:
        _, secret = endpoint(erp.url, [webhooks.JOB_CLOSED])
        asset = make.asset(parts_warranty_until=EXPIRED, labour_warranty_until=EXPIRED)
        job = signed_job(make, asset=asset, work_minutes=60)
        wait_for_tasks()
        [request] = erp.received
    assert request.signature_valid(secret)
    data = request.json["data"]
    assert request.json["type"] == "job.closed"
    assert data["job_id"] == job.id and data["job_number"] == job.number
    assert data["coverage_outcome"] == "chargeable" and isinstance(data["invoice_id"], int)
    assert data["closed_at"].endswith("Z") and data["customer_id"] == asset.customer_id


def test_approving_an_invoice_sends_invoice_approved_with_totals_as_strings(api, make):
    make.company()
    invoice = draft(make)
    with Receiver() as erp:
        endpoint(erp.url, [webhooks.INVOICE_APPROVED])
        response = api.as_user(make.user(Role.BILLING)).post(f"invoices/{invoice.id}/approve")
        assert response.status_code == 200, response.json
        wait_for_tasks()
        [request] = erp.received
    data = request.json["data"]
    db.session.expire_all()
    invoice = billing.get_invoice(invoice.id)
    assert data["number"] == invoice.number and data["invoice_id"] == invoice.id
    assert data["gross_total"] == str(invoice.gross_total) and "." in data["gross_total"]
    assert data["issued_on"] == invoice.issued_on.isoformat() and data["approved_at"].endswith("Z")
    assert data["currency"] == "EUR" and data["payment_reference"] == invoice.payment_reference
