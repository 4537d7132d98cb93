"""Desk pages: the ticket list, phone intake with a new or existing customer, the ticket and its jobs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dispatch.customers.models import Asset, Customer
from dispatch.desk.models import Ticket
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from tests.support.queries import count, recorded_statements
from tests.views.helpers import text_of

NEW_CUSTOMER = {
    "customer_mode": "new", "customer-name": "Familie de Vries", "customer-email": "devries@example.nl",
    "customer-phone": "+31 6 2222 3333", "customer-street": "Prinsengracht 263",
    "customer-postal_code": "1016 GV", "customer-city": "Amsterdam", "customer-country": "NL",
    "customer-language": "nl",
    "subject": "No hot water", "description": "Boiler shows error E10 since this morning.",
    "priority": "high", "channel": "phone", "category": "heating",
}


def test_ticket_list_newest_first_with_light_in_words(pages, client, make):
    pages.login_as("agent")
    older = make.ticket(subject="Older ticket")
    newer = make.ticket(subject="Newer ticket", priority="urgent")
    page = text_of(client.get("/tickets"))
    assert page.index(newer.reference) < page.index(older.reference)
    assert "On track" in page  # the light is written out, not only a colour


def test_ticket_list_filters_by_priority_status_and_text(pages, client, make):
    pages.login_as("agent")
    leak = make.ticket(subject="Leak under sink", priority="urgent")
    noise = make.ticket(subject="Noisy pump", priority="low")
    page = text_of(client.get("/tickets?priority=urgent"))
    assert leak.reference in page and noise.reference not in page
    page = text_of(client.get("/tickets?q=pump"))
    assert noise.reference in page and leak.reference not in page
    page = text_of(client.get("/tickets?status=resolved"))
    assert "No tickets match these filters." in page
    page = text_of(client.get("/tickets?status=new"))
    assert leak.reference in page and noise.reference in page


def test_ticket_list_pages_with_a_cursor(pages, client, make):
    pages.login_as("agent")
    customer = make.customer()
    references = [make.ticket(customer, subject=f"Ticket {n}").reference for n in range(27)]
    first = client.get("/tickets").get_data(as_text=True)
    assert references[-1] in first and references[0] not in first
    cursor = first.split("cursor=", 1)[1].split('"', 1)[0].replace("&amp;", "&")
    second = text_of(client.get(f"/tickets?cursor={cursor}"))
    assert references[0] in second and references[-1] not in second


def test_bad_cursor_is_a_422_page_not_a_500(pages, client):
    pages.login_as("agent")
    response = client.get("/tickets?cursor=not-a-cursor")
    assert response.status_code == 422
    assert "cursor" in text_of(response)


def test_ticket_subject_is_escaped_everywhere(pages, client, make):
    pages.login_as("agent")
    ticket = make.ticket(subject="<script>alert(1)</script>", description="<img src=x onerror=alert(2)>")
    for path in ("/tickets", f"/tickets/{ticket.id}", f"/customers/{ticket.customer_id}"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, path
        assert "<img src=x" not in body, path


def test_new_ticket_for_a_new_customer_with_an_asset(pages, client):
    agent = pages.login_as("agent")
    data = NEW_CUSTOMER | {"csrf_token": pages.token("/tickets/new"), "asset-product": "Remeha Tzerra",
                           "asset-serial_number": "RT-998877", "asset-purchased_on": "2024-03-01",
                           "asset-warranty_months": "24"}
    response = client.post("/tickets/new", data=data)
    assert response.status_code == 303
    ticket = db.session.scalar(select(Ticket).where(Ticket.subject == "No hot water"))
    assert response.headers["Location"].endswith(f"/tickets/{ticket.id}")
    assert ticket.customer.name == "Familie de Vries" and ticket.customer.city == "Amsterdam"
    assert ticket.priority.value == "high" and ticket.created_by_id == agent.id
    assert ticket.asset.serial_number == "RT-998877"
    assert ticket.asset.parts_warranty_until == date(2026, 3, 1)
    page = text_of(client.get(response.headers["Location"]))
    assert f"Ticket {ticket.reference} created." in page
    assert "Familie de Vries" in page and "RT-998877" in page


@pytest.mark.parametrize("role", ["agent", "admin"])  # admins may do what the desk does
def test_new_ticket_for_an_existing_customer_and_asset(pages, client, make, role):
    pages.login_as(role)
    customer = make.customer(name="Jansen Loodgieters")
    asset = make.asset(customer, serial_number="SN-EXIST-1")
    form = client.get(f"/tickets/new?customer_id={customer.id}").get_data(as_text=True)
    assert "SN-EXIST-1" in form  # the customer's assets are offered
    response = client.post("/tickets/new", data={
        "csrf_token": pages.token("/tickets/new"), "customer_mode": "existing", "customer_id": customer.id,
        "asset_id": asset.id, "subject": "Annual service", "description": "Please plan the service.",
        "priority": "low", "channel": "email"})
    assert response.status_code == 303
    ticket = db.session.scalar(select(Ticket).where(Ticket.subject == "Annual service"))
    assert ticket.customer_id == customer.id and ticket.asset_id == asset.id
    assert ticket.channel.value == "email"


def test_customer_search_and_asset_fragments(pages, client, make):
    pages.login_as("agent")
    customer = make.customer(name="Van Dijk Techniek", email="info@vandijk.example")
    make.asset(customer, serial_number="VD-42")
    make.customer(name="Someone Else")
    found = text_of(client.get("/tickets/new/customers?q=vandijk"))
    assert "Van Dijk Techniek" in found and "Someone Else" not in found
    assets = client.get(f"/tickets/new/assets?customer_id={customer.id}").get_data(as_text=True)
    assert "VD-42" in assets and 'name="asset_id"' in assets
    page = text_of(client.get("/tickets/new?q=Dijk"))
    assert "Van Dijk Techniek" in page


def test_new_ticket_without_csrf_is_refused_and_changes_nothing(pages, client):
    pages.login_as("agent")
    before = (count(Ticket), count(Customer))
    response = client.post("/tickets/new", data=NEW_CUSTOMER)
    assert response.status_code == 400
    assert (count(Ticket), count(Customer)) == before


def test_new_ticket_missing_fields_is_422_naming_them(pages, client):
    pages.login_as("agent")
    before = (count(Ticket), count(Customer))
    data = NEW_CUSTOMER | {"csrf_token": pages.token("/tickets/new"), "subject": "", "customer-name": "",
                           "customer-email": "not-an-address"}
    response = client.post("/tickets/new", data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert "Subject: This field is required." in page
    assert "Customer name: This field is required." in page
    assert "Customer e-mail: Not a valid e-mail address." in page
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert (count(Ticket), count(Customer)) == before


def test_existing_mode_needs_a_customer(pages, client):
    pages.login_as("agent")
    response = client.post("/tickets/new", data={
        "csrf_token": pages.token("/tickets/new"), "customer_mode": "existing", "subject": "X",
        "description": "Y", "priority": "low", "channel": "phone"})
    assert response.status_code == 422
    assert "Choose a customer or create a new one." in text_of(response)


def test_service_refusal_rolls_back_the_new_customer(pages, client):
    """The asset's warranty ending before its purchase is refused by the service after the customer was
    flushed: the 422 must leave neither customer nor asset behind."""
    pages.login_as("agent")
    before = (count(Ticket), count(Customer), count(Asset))
    data = NEW_CUSTOMER | {"csrf_token": pages.token("/tickets/new"), "asset-product": "Boiler",
                           "asset-serial_number": "B-1", "asset-purchased_on": "2025-01-01",
                           "asset-parts_warranty_until": "2024-01-01"}
    response = client.post("/tickets/new", data=data)
    assert response.status_code == 422
    assert "Must not be before purchased_on." in text_of(response)
    assert (count(Ticket), count(Customer), count(Asset)) == before


def test_ticket_page_shows_customer_sidebar_messages_and_jobs(pages, client, make):
    pages.login_as("agent")
    customer = make.customer(name="Smit BV", phone="+31 20 123 4567")
    asset = make.asset(customer, serial_number="SMIT-1",
                       parts_warranty_until=date.today() + timedelta(days=30))
    make.contract(customer, [asset], ["labour"])
    ticket = make.ticket(asset=asset, description="Radiator stays cold.")
    job = make.job(ticket)
    page = text_of(client.get(f"/tickets/{ticket.id}"))
    for expected in ("Smit BV", "+31 20 123 4567", "SMIT-1", "Radiator stays cold.", job.number, "active",
                     "Covers: labour", "Unscheduled", "Create a job"):
        assert expected in page, expected


def test_ticket_page_costs_the_same_queries_for_2_and_12_assets_contracts_and_jobs(pages, client, make):
    pages.login_as("agent")
    counts = {}
    for number in (2, 12):
        customer = make.customer()
        assets = [make.asset(customer) for _ in range(number)]
        for asset in assets:
            make.contract(customer, [asset], ["labour"])
        ticket = make.ticket(asset=assets[0])
        for _ in range(number):
            make.job(ticket)
        path = f"/tickets/{ticket.id}"
        db.session.expunge_all()  # nothing read from memory
        with recorded_statements() as statements:
            response = client.get(path)
        assert response.status_code == 200
        counts[number] = len(statements)
        # The sidebar shows assets and contracts, not the customer's other tickets, jobs or invoices.
        assert not any("FROM invoices" in statement for statement in statements)
        assert sum("FROM assets" in statement for statement in statements) == 1
    assert counts[2] == counts[12], counts


@pytest.mark.parametrize("role", ["agent", "admin"])  # admins may do what the desk does
def test_create_job_from_the_ticket(pages, client, make, role):
    pages.login_as(role)
    asset = make.asset(serial_number="JOB-ASSET")
    ticket = make.ticket(asset=asset)
    response = client.post(f"/tickets/{ticket.id}/jobs", data={
        "csrf_token": pages.token(f"/tickets/{ticket.id}"), "kind": "maintenance", "duration_minutes": "90",
        "required_skills": "boiler, gas", "asset_id": asset.id, "instructions": "Key at the neighbours."})
    assert response.status_code == 303
    job = db.session.scalar(select(Job).where(Job.ticket_id == ticket.id))
    assert response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert (job.kind.value, job.duration_minutes) == ("maintenance", 90)
    assert job.required_skills == ["boiler", "gas"]
    assert job.instructions == "Key at the neighbours." and job.status.value == "unscheduled"


def test_create_job_bad_input_is_422_and_changes_nothing(pages, client, make):
    pages.login_as("agent")
    ticket = make.ticket()
    token = pages.token(f"/tickets/{ticket.id}")
    response = client.post(f"/tickets/{ticket.id}/jobs", data={
        "csrf_token": token, "kind": "repair", "duration_minutes": "0",
        "required_skills": "boiler; drop table"})
    assert response.status_code == 422
    page = text_of(response)
    assert "Estimated duration (minutes):" in page and "Required skills:" in page
    response = client.post(f"/tickets/{ticket.id}/jobs", data={"csrf_token": token, "kind": "teleport",
                                                                "duration_minutes": "60"})
    assert response.status_code == 422 and "Kind of work: Not a valid choice." in text_of(response)
    other_asset = make.asset(serial_number="NOT-THEIRS")
    response = client.post(f"/tickets/{ticket.id}/jobs", data={
        "csrf_token": token, "kind": "repair", "duration_minutes": "60", "asset_id": other_asset.id})
    assert response.status_code == 422 and "Asset: Not a valid choice." in text_of(response)
    response = client.post(f"/tickets/{ticket.id}/jobs", data={"kind": "repair", "duration_minutes": "60"})
    assert response.status_code == 400
    assert count(Job) == 0


def test_unknown_ticket_is_a_404_page(pages, client):
    pages.login_as("agent")
    response = client.get("/tickets/999999")
    assert response.status_code == 404
    assert "404" in text_of(response)
