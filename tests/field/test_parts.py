"""POST /jobs/{id}/parts: parts used, by catalogue id or SKU, with exact decimal quantities."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dispatch.extensions import db
from dispatch.field.models import PartUsage
from tests.field.support import NOT_BEING_WORKED_ON, row_counts, set_status


@pytest.fixture
def valve(make):
    return make.product(sku="VALVE-15", name="Valve 15 mm", unit_price="8.7500")


def test_by_product_id(tapi, job, valve, tech):
    r = tapi.post(f"jobs/{job.id}/parts", {"product_id": valve.id, "quantity": 2})
    assert r.status_code == 201, r.json
    assert r.json == {
        "id": r.json["id"],
        "job_id": job.id,
        "product_id": valve.id,
        "sku": "VALVE-15",
        "name": "Valve 15 mm",
        "unit": "C62",
        "unit_price": "8.7500",
        "quantity": "2.000",
    }
    stored = db.session.get(PartUsage, r.json["id"])
    assert stored.quantity == Decimal("2.000") and stored.technician_id == tech.id


@pytest.mark.parametrize(
    ("quantity", "stored"),
    [
        ("1.5", "1.500"),
        (0.1, "0.100"),
        ("0.001", "0.001"),
        (10000, "10000.000"),
        (" 3 ", "3.000"),
        ("2.50", "2.500"),
    ],
)
def test_quantities_are_exact(tapi, job, valve, quantity, stored):
    r = tapi.post(f"jobs/{job.id}/parts", {"sku": "VALVE-15", "quantity": quantity})
    assert r.status_code == 201, r.json
    assert r.json["quantity"] == stored
    assert db.session.get(PartUsage, r.json["id"]).quantity == Decimal(stored)


@pytest.mark.parametrize(
    "quantity",
    [
        0,
        -1,
        "0.000",
        "10000.001",
        10001,
        "1.2345",
        0.0001,
        "abc",
        "NaN",
        "Infinity",
        True,
        None,
        [],
        {"value": 1},
        "",
    ],
)
def test_bad_quantities_are_422(tapi, job, valve, quantity):
    before = row_counts()
    r = tapi.post(f"jobs/{job.id}/parts", {"sku": "VALVE-15", "quantity": quantity})
    assert r.status_code == 422, r.json
    assert list(r.json["errors"]) == ["quantity"]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": 1}, "product_id"),  # neither
        ({"product_id": 1, "sku": "VALVE-15", "quantity": 1}, "product_id"),  # both
        ({"product_id": 999999, "quantity": 1}, "product_id"),  # unknown
        ({"sku": "NOPE", "quantity": 1}, "sku"),
        ({"product_id": "1", "quantity": 1}, "product_id"),  # strings are not ids
        ({"sku": "VALVE-15"}, "quantity"),
        ({"sku": "", "quantity": 1}, "sku"),
    ],
)
def test_bad_products_are_422_naming_the_field(tapi, job, valve, body, field):
    before = row_counts()
    r = tapi.post(f"jobs/{job.id}/parts", body)
    assert r.status_code == 422, r.json
    assert field in r.json["errors"], r.json
    assert row_counts() == before


def test_inactive_products_are_not_offered(tapi, job, make):
    retired = make.product(sku="OLD-1", active=False)
    r = tapi.post(f"jobs/{job.id}/parts", {"product_id": retired.id, "quantity": 1})
    assert r.status_code == 422
    assert "product_id" in r.json["errors"]


@pytest.mark.parametrize(("statuses", "code"), NOT_BEING_WORKED_ON)
def test_same_state_rule_as_time_entries(tapi, job, valve, statuses, code):
    set_status(job, *statuses)
    before = row_counts()
    r = tapi.post(f"jobs/{job.id}/parts", {"sku": "VALVE-15", "quantity": 1})
    assert r.status_code == 409
    assert r.json["code"] == code
    assert row_counts() == before


def test_malformed_json_is_400(tapi, job):
    r = tapi.post(f"jobs/{job.id}/parts", data=b"\xff\xfe", content_type="application/json")
    assert r.status_code == 400
