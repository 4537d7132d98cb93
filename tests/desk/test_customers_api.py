"""Customers, assets and contracts through the API."""

from datetime import date

from sqlalchemy import select

from dispatch.audit import AuditEvent
from dispatch.customers.models import Asset, Contract, Customer, Site
from dispatch.extensions import db
from tests.support.queries import count

ADDRESS = {"street": "Grote Markt 7", "postal_code": "2000", "city": "Antwerpen", "country": "be"}


def test_customer_with_address_gets_a_site(api, make):
    response = api.as_user(make.user("agent")).post("customers", {
        "name": "Peeters BV", "vat_number": "BE0403019261", "language": "nl", "address": ADDRESS,
        "latitude": 51.22, "longitude": 4.40})
    assert response.status_code == 201
    body = response.json
    assert body["address"]["country"] == "BE"
    assert body["sites"][0]["city"] == "Antwerpen" and body["sites"][0]["latitude"] == 51.22
    assert response.headers["Location"].endswith(f"/api/v1/customers/{body['id']}")
    assert db.session.scalar(select(AuditEvent.action)) == "customer.created"


def test_invalid_vat_number_and_email_are_named(api, make):
    response = api.as_user(make.user("agent")).post("customers", {
        "name": "X", "vat_number": "BE0123", "email": "not-an-email", "address": ADDRESS})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"vat_number", "email"}
    assert count(Customer) == 0 and count(Site) == 0


def test_asset_with_warranty_months(api, make):
    customer = make.customer()
    response = api.as_user(make.user("agent")).post(f"customers/{customer.id}/assets", {
        "product": "Heat pump", "serial_number": "HP-1", "purchased_on": "2024-01-31", "warranty_months": 25})
    assert response.status_code == 201
    assert response.json["parts_warranty_until"] == "2026-02-28"
    assert response.json["site_id"] == customer.sites[0].id


def test_asset_warranty_before_purchase_is_refused(api, make):
    customer = make.customer()
    response = api.as_user(make.user("agent")).post(f"customers/{customer.id}/assets", {
        "product": "Boiler", "serial_number": "B-1", "purchased_on": "2025-05-01",
        "parts_warranty_until": "2025-01-01"})
    assert response.status_code == 422 and "parts_warranty_until" in response.json["errors"]
    assert count(Asset) == 0


def test_asset_for_unknown_customer_is_404(api, make):
    response = api.as_user(make.user("agent")).post("customers/4242/assets", {
        "product": "Boiler", "serial_number": "B-1", "purchased_on": "2025-05-01"})
    assert response.status_code == 404


def test_asset_on_another_customers_site_is_refused(api, make):
    customer, other = make.customer(), make.customer()
    response = api.as_user(make.user("agent")).post(f"customers/{customer.id}/assets", {
        "product": "Boiler", "serial_number": "B-1", "purchased_on": "2025-05-01", "site_id": other.sites[0].id})
    assert response.status_code == 422 and "site_id" in response.json["errors"]


def test_contract_over_own_assets(api, make):
    customer = make.customer()
    asset = make.asset(customer)
    response = api.as_user(make.user("agent")).post("contracts", {
        "customer_id": customer.id, "asset_ids": [asset.id], "starts_on": "2026-01-01", "ends_on": "2026-12-31",
        "covers": ["labour", "callout"], "included_visits": 2})
    assert response.status_code == 201
    assert response.json["covers"] == ["labour", "callout"] and response.json["asset_ids"] == [asset.id]


def test_contract_refuses_foreign_assets_bad_dates_and_unknown_cover(api, make):
    customer, other = make.customer(), make.customer()
    foreign = make.asset(other)
    client = api.as_user(make.user("agent"))
    cases = [
        ({"asset_ids": [foreign.id]}, "asset_ids"),
        ({"ends_on": "2025-01-01"}, "ends_on"),
        ({"covers": ["coffee"]}, "covers.0"),
        ({"customer_id": 999999}, "customer_id"),
    ]
    for change, field in cases:
        body = {"customer_id": customer.id, "asset_ids": [], "starts_on": "2026-01-01", "ends_on": "2026-12-31",
                "covers": ["labour"]} | change
        response = client.post("contracts", body)
        assert response.status_code == 422, change
        assert field in response.json["errors"], (change, response.json)
    assert count(Contract) == 0


def test_customer_overview_lists_everything(api, make):
    customer = make.customer()
    asset = make.asset(customer, purchased_on=date(2025, 3, 1))
    make.contract(customer, [asset], ["parts"])
    ticket = make.ticket(asset=asset)
    make.job(ticket)
    response = api.as_user(make.user("billing")).get(f"customers/{customer.id}")
    assert response.status_code == 200
    body = response.json
    assert body["customer"]["id"] == customer.id
    assert [a["id"] for a in body["assets"]] == [asset.id]
    assert body["contracts"][0]["covers"] == ["parts"]
    assert body["tickets"][0]["reference"] == ticket.reference
    assert len(body["jobs"]) == 1 and body["invoices"] == []


def test_unknown_customer_is_404(api, make):
    assert api.as_user(make.user("agent")).get("customers/31337").status_code == 404
