"""Customer pages: search, the customer's whole picture, adding an asset."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dispatch.customers.models import Asset
from dispatch.extensions import db
from tests.support.queries import count, statements_for
from tests.views.helpers import text_of


def test_customer_list_searches_name_email_phone_and_city(pages, client, make):
    pages.login_as("billing")
    make.customer(name="Hendriks Bakkerij", email="bakker@hendriks.example")
    make.customer(name="Other Person", address={"street": "Markt 1", "postal_code": "5611 EB",
                                                 "city": "Eindhoven", "country": "NL"})
    page = text_of(client.get("/customers?q=hendriks"))
    assert "Hendriks Bakkerij" in page and "Other Person" not in page
    page = text_of(client.get("/customers?q=Eindhoven"))
    assert "Other Person" in page and "Hendriks Bakkerij" not in page
    assert "No customer matches" in text_of(client.get("/customers?q=zzzz"))


def test_customer_search_takes_percent_and_underscore_as_typed(pages, client, make):
    pages.login_as("agent")
    make.customer(name="Van_Dijk 100% Installatie")
    make.customer(name="Van Dijk Loodgieters")
    page = text_of(client.get("/customers", query_string={"q": "Van_Dijk"}))
    assert "Van_Dijk 100% Installatie" in page and "Van Dijk Loodgieters" not in page
    assert "Van Dijk Loodgieters" not in text_of(client.get("/customers", query_string={"q": "%"}))


def test_customer_page_shows_assets_contracts_tickets_jobs_invoices(pages, client, make, world):
    asset = make.asset(world.customer, serial_number="CONTRACT-1",
                       parts_warranty_until=date.today() + timedelta(days=200))
    make.contract(world.customer, [asset], ["labour", "parts"], included_visits=2)
    pages.login_as("agent")
    page = text_of(client.get(f"/customers/{world.customer.id}"))
    for expected in (world.customer.name, "CONTRACT-1", "Covers: labour, parts", "2 visits included",
                     world.ticket.reference, world.job.number, "Draft", "Add an asset"):
        assert expected in page, expected


def test_customer_page_costs_the_same_queries_for_2_and_12_of_everything(pages, client, make):
    pages.login_as("agent")
    counts = {}
    for number in (2, 12):
        customer = make.customer()
        for _ in range(number):
            asset = make.asset(customer)
            make.contract(customer, [asset], ["labour"])
            make.job(make.ticket(asset=asset))
        counts[number], response = statements_for(client, f"/customers/{customer.id}")
        assert response.status_code == 200
    assert counts[2] == counts[12], counts


def test_billing_reads_customers_without_the_asset_form(pages, client, world):
    pages.login_as("billing")
    page = text_of(client.get(f"/customers/{world.customer.id}"))
    assert world.customer.name in page and "Add an asset" not in page
    token = pages.token(f"/customers/{world.customer.id}")
    response = client.post(f"/customers/{world.customer.id}/assets", data={
        "csrf_token": token, "asset-product": "X", "asset-serial_number": "Y",
        "asset-purchased_on": "2025-01-01"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["agent", "admin"])  # admins may do what the desk does
def test_add_asset(pages, client, make, role):
    pages.login_as(role)
    customer = make.customer()
    response = client.post(f"/customers/{customer.id}/assets", data={
        "csrf_token": pages.token(f"/customers/{customer.id}"), "asset-product": "Daikin Altherma",
        "asset-model": "EHBH08", "asset-serial_number": "DA-123", "asset-supplier": "Technische Unie",
        "asset-purchased_on": "2025-05-01", "asset-warranty_months": "60"})
    assert response.status_code == 303
    asset = db.session.scalar(select(Asset).where(Asset.serial_number == "DA-123"))
    assert asset.customer_id == customer.id and asset.labour_warranty_until == date(2030, 5, 1)
    page = text_of(client.get(response.headers["Location"]))
    assert "Asset Daikin Altherma (DA-123) added." in page and "Technische Unie" in page


def test_add_asset_bad_input_is_422_and_changes_nothing(pages, client, make):
    pages.login_as("agent")
    customer = make.customer()
    token = pages.token(f"/customers/{customer.id}")
    before = count(Asset)
    response = client.post(f"/customers/{customer.id}/assets", data={
        "csrf_token": token, "asset-product": "Boiler", "asset-purchased_on": "not a date"})
    assert response.status_code == 422
    page = text_of(response)
    assert "Serial number: This field is required." in page and "Purchase date:" in page
    response = client.post(f"/customers/{customer.id}/assets", data={
        "csrf_token": token, "asset-product": "Boiler", "asset-serial_number": "S",
        "asset-purchased_on": "2025-01-01", "asset-labour_warranty_until": "2024-12-31"})
    assert response.status_code == 422
    assert "Labour warranty until: Must not be before purchased_on." in text_of(response)
    response = client.post(f"/customers/{customer.id}/assets", data={
        "asset-product": "Boiler", "asset-serial_number": "S", "asset-purchased_on": "2025-01-01"})
    assert response.status_code == 400
    assert count(Asset) == before


def test_unknown_customer_is_404(pages, client):
    pages.login_as("agent")
    assert client.get("/customers/987654").status_code == 404
