"""/api/v1/jobs/{id}/coverage (an agent decides) and /api/v1/jobs/{id}/receipt.pdf."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from dispatch.audit import AuditEvent
from dispatch.billing.models import Invoice
from dispatch.closure import services as closure
from dispatch.closure.models import CoverageDecision
from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from dispatch.storage import storage
from tests.closure.helpers import signed_job
from tests.support.tasks import wait_for_tasks

DECISION = {"outcome": "chargeable", "reason": "Frost damage; not covered by the warranty."}


def review_job(make, **options):
    """A completed job that needs review (no asset known), with its receipt built."""
    make.company()
    job = signed_job(make, **options)
    wait_for_tasks()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.COMPLETED
    return job


def state(job_id: int) -> tuple:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    return (job.status, job.invoice_id, *(db.session.scalar(select(func.count()).select_from(model))
                                          for model in (CoverageDecision, Invoice, AuditEvent)))


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("technician", 404), ("billing", 403),
                                              ("agent", 200), ("admin", 200)],
                         ids=["anonymous", "technician", "billing", "agent", "admin"])
def test_who_may_decide(api, make, role, status):
    technician = make.user("technician")
    job = review_job(make, technician=technician)
    user = technician if role == "technician" else (make.user(role) if role else None)
    client = api.as_user(user) if user else api
    before = state(job.id)
    response = client.post(f"jobs/{job.id}/coverage", DECISION)
    assert response.status_code == status, response.json
    if status != 200:
        assert state(job.id) == before


def test_agent_decision_bills_and_closes_the_job(api, make):
    job = review_job(make)
    agent = make.user("agent")
    response = api.as_user(agent).post(f"jobs/{job.id}/coverage", DECISION)
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["outcome"], body["job_status"], body["decided_by_id"], body["covers"]) == (
        "chargeable", "closed", agent.id, [])
    assert body["reasons"] == [DECISION["reason"]]
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.status, job.invoice_id) == (JobStatus.CLOSED, body["invoice_id"])
    invoice = db.session.get(Invoice, job.invoice_id)
    assert str(invoice.gross_total) == "172.43"  # 1.5 h x 65.00 + call-out 45.00, 21 % VAT
    assert api.as_user(agent).get(f"jobs/{job.id}").json["coverage"]["outcome"] == "chargeable"


def test_partly_covered_names_what_is_covered(api, make):
    job = review_job(make)
    response = api.as_user(make.user("agent")).post(
        f"jobs/{job.id}/coverage", {"outcome": "partly_covered", "reason": "Goodwill", "covers": ["labour"]})
    assert response.status_code == 200, response.json
    assert response.json["covers"] == ["labour"]
    invoice = db.session.get(Invoice, response.json["invoice_id"])
    assert [str(line.net_amount) for line in invoice.lines] == ["0.00", "45.00"]


def test_covered_closes_without_invoice(api, make):
    job = review_job(make)
    response = api.as_user(make.user("admin")).post(f"jobs/{job.id}/coverage",
                                                    {"outcome": "covered", "reason": "Goodwill"})
    assert response.status_code == 200
    assert (response.json["job_status"], response.json["invoice_id"]) == ("closed", None)


@pytest.mark.parametrize(("body", "field"), [
    ({"outcome": "needs_review", "reason": "Hm"}, "outcome"),
    ({"outcome": "free", "reason": "Hm"}, "outcome"),
    ({"reason": "Hm"}, "outcome"),
    ({"outcome": "chargeable"}, "reason"),
    ({"outcome": "chargeable", "reason": ""}, "reason"),
    ({"outcome": "chargeable", "reason": "   "}, "reason"),
    ({"outcome": "partly_covered", "reason": "Hm"}, "covers"),
    ({"outcome": "partly_covered", "reason": "Hm", "covers": ["labour", "parts", "callout"]}, "covers"),
    ({"outcome": "partly_covered", "reason": "Hm", "covers": ["travel"]}, "covers.0"),
], ids=["needs-review", "unknown-outcome", "no-outcome", "no-reason", "empty-reason", "blank-reason",
        "partly-without-covers", "partly-covering-all", "unknown-component"])
def test_bad_decisions_are_422_naming_the_field(api, make, body, field):
    job = review_job(make)
    before = state(job.id)
    response = api.as_user(make.user("agent")).post(f"jobs/{job.id}/coverage", body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert state(job.id) == before


def test_malformed_json_is_400(api, make):
    job = review_job(make)
    before = state(job.id)
    response = api.as_user(make.user("agent")).post(f"jobs/{job.id}/coverage", data="{outcome:",
                                                    content_type="application/json")
    assert response.status_code == 400
    assert state(job.id) == before


def test_deciding_a_closed_or_unfinished_job_is_409(api, make):
    make.company()
    future = date.today() + timedelta(days=100)
    closed = signed_job(make, asset=make.asset(parts_warranty_until=future, labour_warranty_until=future))
    on_site = signed_job(make, complete=False)
    wait_for_tasks()
    client = api.as_user(make.user("agent"))
    for job in (closed, on_site):
        before = state(job.id)
        response = client.post(f"jobs/{job.id}/coverage", DECISION)
        assert response.status_code == 409, response.json
        assert state(job.id) == before
    assert client.post("jobs/424242/coverage", DECISION).status_code == 404


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("own-technician", 200), ("technician", 404),
                                              ("agent", 200), ("admin", 200), ("billing", 200)])
def test_who_may_read_the_receipt(api, make, role, status):
    technician = make.user("technician")
    job = review_job(make, technician=technician)
    user = technician if role == "own-technician" else (make.user(role) if role else None)
    response = (api.as_user(user) if user else api).get(f"jobs/{job.id}/receipt.pdf")
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "application/pdf"
        assert response.data == storage().read(closure.receipt_for(job.id).pdf_key)
        assert f'receipt-{job.number}.pdf' in response.headers["Content-Disposition"]
    else:
        assert response.mimetype == "application/problem+json"


def test_receipt_not_built_yet_is_404(api, make):
    make.company()
    job = signed_job(make, complete=False)
    response = api.as_user(make.user("agent")).get(f"jobs/{job.id}/receipt.pdf")
    assert response.status_code == 404
    assert response.json["code"] == "receipt_not_ready"
    assert api.as_user(make.user("agent")).get("jobs/424242/receipt.pdf").status_code == 404
