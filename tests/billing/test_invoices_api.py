"""/api/v1/invoices: who may do what, the representation, approval and its refusals, gapless numbers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dispatch.audit import AuditEvent
from dispatch.billing.models import Invoice
from dispatch.enums import InvoiceStatus
from dispatch.extensions import db
from dispatch.numbering import DocumentCounter
from tests.billing.helpers import draft
from tests.support.queries import statements_for

YEAR = datetime.now(ZoneInfo("Europe/Amsterdam")).year
ENDPOINTS = [("get", "invoices"), ("get", "invoices/{id}"), ("post", "invoices/{id}/approve"),
             ("get", "invoices/{id}/pdf")]
ROLES = [(None, 401), ("agent", 403), ("technician", 404), ("billing", 200), ("admin", 200)]


def state() -> tuple:
    """What a refused request must leave as it was."""
    db.session.expire_all()
    invoices = db.session.execute(
        select(Invoice.id, Invoice.status, Invoice.number).order_by(Invoice.id)).all()
    counter = db.session.get(DocumentCounter, ("INV", YEAR))
    return (invoices, counter.last_number if counter else None,
            db.session.scalar(select(func.count()).select_from(AuditEvent)))


def call(client, method: str, path: str):
    return client.post(path) if method == "post" else client.get(path)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=[f"{m}-{p}" for m, p in ENDPOINTS])
@pytest.mark.parametrize(("role", "status"), ROLES, ids=[str(role) for role, _ in ROLES])
def test_who_may_do_what(api, make, method, path, role, status):
    make.company()
    invoice = draft(make)
    client = api.as_user(make.user(role)) if role else api
    before = state()
    response = call(client, method, path.format(id=invoice.id))
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if status >= 400:
        assert response.mimetype == "application/problem+json"
        assert state() == before


def test_invoice_representation(api, make):
    make.company()
    invoice = draft(make, work=[(0, 80)], customer=make.customer(vat_number="BE0403170701"))
    response = api.as_user(make.user("billing")).get(f"invoices/{invoice.id}")
    assert response.status_code == 200
    body = response.json
    assert {key: body[key] for key in ("id", "number", "status", "customer_id", "job_ids", "currency")} == {
        "id": invoice.id, "number": None, "status": "draft", "customer_id": invoice.customer_id,
        "job_ids": [invoice.lines[0].job_id], "currency": "EUR"}
    assert body["lines"][0] | {"description": None} == {
        "id": invoice.lines[0].id, "position": 1, "kind": "labour", "job_id": invoice.lines[0].job_id,
        "description": None,
        "quantity": "1.500", "unit": "HUR", "unit_price": "65.0000", "vat_rate": "21.00",
        "net_amount": "97.50"}
    assert body["lines"][1]["net_amount"] == "45.00"  # call-out
    assert (body["net_total"], body["vat_total"], body["gross_total"]) == ("142.50", "29.93", "172.43")
    assert body["vat_breakdown"] == [{"rate": "21.00", "base": "142.50", "amount": "29.93"}]
    assert body["buyer_vat_number"] == "BE0403170701"
    assert body["payment_reference"].startswith("RF")
    assert body["issued_on"] is None and body["due_on"] is None


def test_approve_assigns_the_number_and_answers_with_the_invoice(api, make):
    make.company(payment_terms_days=14)
    invoice = draft(make)
    response = api.as_user(make.user("billing")).post(f"invoices/{invoice.id}/approve")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "approved"
    assert response.json["number"] == f"INV-{YEAR}-000001"
    assert response.json["issued_on"] and response.json["due_on"]
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).status == InvoiceStatus.APPROVED


def test_approving_twice_is_409_and_changes_nothing(api, make):
    make.company()
    invoice = draft(make)
    client = api.as_user(make.user("billing"))
    assert client.post(f"invoices/{invoice.id}/approve").status_code == 200
    before = state()
    again = client.post(f"invoices/{invoice.id}/approve")
    assert again.status_code == 409
    assert again.json["code"] == "already_approved"
    assert state() == before


def test_a_replayed_approval_returns_the_stored_answer(api, make):
    make.company()
    invoice = draft(make)
    client = api.as_user(make.user("billing"))
    first = client.post(f"invoices/{invoice.id}/approve", idempotency_key="approve-1")
    replay = client.post(f"invoices/{invoice.id}/approve", idempotency_key="approve-1")
    assert (first.status_code, replay.status_code) == (200, 200)
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json["number"] == first.json["number"]
    assert state()[1] == 1


@pytest.mark.parametrize(("settings", "customer", "field"), [
    ({}, {"vat_number": "NL123456789B99"}, "buyer_vat_number"),
    ({"iban": "DE00 1234"}, {}, "iban"),
], ids=["bad-vat-number", "bad-iban"])
def test_invalid_vat_number_or_iban_is_422_and_changes_nothing(api, make, settings, customer, field):
    make.company(**settings)
    invoice = draft(make, customer=make.customer(**customer))
    before = state()
    response = api.as_user(make.user("billing")).post(f"invoices/{invoice.id}/approve")
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]
    assert "not valid" in response.json["errors"][field][0]
    assert state() == before


@pytest.mark.parametrize(("method", "path"), ENDPOINTS[1:], ids=[p for _, p in ENDPOINTS[1:]])
def test_unknown_invoice_is_404(api, make, method, path):
    response = call(api.as_user(make.user("billing")), method, path.format(id=4242))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(("query", "field"), [("status=sent-ish", "status"), ("limit=0", "limit"),
                                              ("limit=abc", "limit"), ("cursor=%25%25", "cursor")])
def test_bad_list_arguments_are_422(api, make, query, field):
    response = api.as_user(make.user("billing")).get(f"invoices?{query}")
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_list_filters_by_status_and_pages_newest_first(api, make):
    make.company()
    drafts = [draft(make) for _ in range(3)]
    client = api.as_user(make.user("billing"))
    assert client.post(f"invoices/{drafts[0].id}/approve").status_code == 200

    page = client.get("invoices?status=draft&limit=1")
    assert [item["id"] for item in page.json["items"]] == [drafts[2].id]
    following = client.get(f"invoices?status=draft&limit=1&cursor={page.json['next_cursor']}")
    assert [item["id"] for item in following.json["items"]] == [drafts[1].id]
    assert following.json["next_cursor"] is None
    approved = client.get("invoices?status=approved").json["items"]
    assert [(item["id"], item["number"]) for item in approved] == [(drafts[0].id, f"INV-{YEAR}-000001")]
    assert len(client.get("invoices").json["items"]) == 3


def test_pdf_is_served_as_pdf(api, make):
    make.company()
    invoice = draft(make)
    response = api.as_user(make.user("admin")).get(f"invoices/{invoice.id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert f'filename="draft-{invoice.id}.pdf"' in response.headers["Content-Disposition"]


def test_numbers_stay_gapless_across_a_refused_approval(api, make):
    make.company()
    good = [draft(make) for _ in range(2)]
    bad = draft(make, customer=make.customer(vat_number="NL000000000B00"))
    more = [draft(make) for _ in range(2)]
    client = api.as_user(make.user("billing"))
    numbers = []
    for invoice in [good[0], bad, good[1], bad, *more]:
        response = client.post(f"invoices/{invoice.id}/approve")
        if invoice is bad:
            assert response.status_code == 422
            continue
        assert response.status_code == 200, response.json
        numbers.append(response.json["number"])
    assert numbers == [f"INV-{YEAR}-{n:06d}" for n in (1, 2, 3, 4)]
    assert state()[1] == 4


def test_the_list_costs_the_same_queries_however_many_invoices(api, make):
    make.company()
    client = api.as_user(make.user("billing"))
    draft(make)
    few, _response = statements_for(client, "/api/v1/invoices")
    for _ in range(3):
        draft(make)
    many, response = statements_for(client, "/api/v1/invoices")
    assert len(response.get_json()["items"]) == 4 and all(item["job_ids"] for item in response.get_json()["items"])
    assert many == few
