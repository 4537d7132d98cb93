"""Phone intake: a new or existing customer, their asset, the ticket; refusals change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from dispatch.customers.models import Asset, Customer
from dispatch.desk.models import Ticket
from dispatch.extensions import db
from tests.support.csrf import csrf_token_from
from tests.support.queries import count
from tests.views.helpers import text_of

NEW_CUSTOMER = {
    "customer_mode": "new", "customer-name": "Familie de Vries", "customer-email": "devries@example.nl",
    "customer-phone": "+31 6 2222 3333", "customer-street": "Prinsengracht 263",
    "customer-postal_code": "1016 GV", "customer-city": "Amsterdam", "customer-country": "NL",
    "customer-language": "nl",
    "subject": "No hot water", "description": "Boiler shows error E10 since this morning.",
    "priority": "high", "channel": "phone", "category": "heating",
}


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


def test_a_new_company_with_its_caller_queue_and_custom_fields(pages, client, make):
    agent = pages.login_as("agent")
    queue = make.queue(name="Service")
    make.intake_custom_field("meter_reading", "number", required=True)
    make.intake_custom_field("gas_smell", "checkbox")
    make.intake_custom_field("visit_day", "choice", choices=["morning", "afternoon"])
    data = NEW_CUSTOMER | {
        "csrf_token": pages.token("/tickets/new"), "customer_kind": "company", "customer-name": "Bakker BV",
        "contact-name": "Piet Bakker", "contact-email": "piet@bakker.example", "contact-phone": "06 9999 0000",
        "queue_id": queue.id, "subcategory": "boiler", "custom-meter_reading": "12,5", "custom-gas_smell": "y",
        "custom-visit_day": "morning"}
    response = client.post("/tickets/new", data=data)
    assert response.status_code == 303, text_of(response)
    ticket = db.session.scalar(select(Ticket).where(Ticket.subject == "No hot water"))
    assert (ticket.customer.name, ticket.customer.is_company) == ("Bakker BV", True)
    assert (ticket.contact.name, ticket.contact.customer_id) == ("Piet Bakker", ticket.customer_id)
    assert (ticket.email, ticket.phone) == ("piet@bakker.example", "06 9999 0000")  # the caller's
    assert (ticket.queue_id, ticket.category, ticket.subcategory) == (queue.id, "heating", "boiler")
    assert ticket.custom_fields == {"meter_reading": 12.5, "gas_smell": True, "visit_day": "morning"}
    assert ticket.created_by_id == agent.id


def test_picking_a_contact_person_logs_the_ticket_for_their_company(pages, client, make):
    pages.login_as("agent")
    company = make.customer(name="Smit Techniek", is_company=True)
    contact = make.contact(company, name="Els Smit", email="els@smit.example", phone="+31 6 5555 1111")
    make.asset(company, serial_number="SMIT-BOILER")
    page = client.get("/tickets/new?q=0655551111").get_data(as_text=True)
    assert f'value="contact:{contact.id}"' in page
    assets = client.get(f"/tickets/new/assets?caller=contact:{contact.id}").get_data(as_text=True)
    assert "SMIT-BOILER" in assets  # the asset select follows the picked caller's company
    response = client.post("/tickets/new", data={
        "csrf_token": pages.token("/tickets/new"), "customer_mode": "existing", "caller": f"contact:{contact.id}",
        "subject": "Leak", "description": "Water under the boiler.", "priority": "high", "channel": "phone",
        "phone": "+31 6 0000 2222"})
    assert response.status_code == 303
    ticket = db.session.scalar(select(Ticket).where(Ticket.subject == "Leak"))
    assert (ticket.customer_id, ticket.contact_id) == (company.id, contact.id)
    assert (ticket.email, ticket.phone) == ("els@smit.example", "+31 6 0000 2222")  # typed phone wins


def test_bad_custom_values_and_unknown_callers_are_422_and_change_nothing(pages, client, make):
    pages.login_as("agent")
    make.intake_custom_field("meter_reading", "number", required=True)
    make.intake_custom_field("visit_day", "choice", choices=["morning"])
    other_company_contact = make.contact()
    customer = make.customer()
    before = (count(Ticket), count(Customer))
    token = pages.token("/tickets/new")
    base = {"csrf_token": token, "customer_mode": "existing", "subject": "X", "description": "Y",
            "priority": "low", "channel": "phone"}
    response = client.post("/tickets/new", data=base | {
        "caller": f"customer:{customer.id}", "custom-meter_reading": "lots", "custom-visit_day": "midnight"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="custom-meter_reading-error"' in page and 'id="custom-visit_day-error"' in page
    assert "Not a number." in text_of(response)
    response = client.post("/tickets/new", data=base | {"caller": f"customer:{customer.id}"})
    assert response.status_code == 422 and "This field is required." in text_of(response)
    for caller in ("contact:999999", "customer:abc", "robot:1"):
        response = client.post("/tickets/new", data=base | {"caller": caller, "custom-meter_reading": "1"})
        assert response.status_code == 422, caller
    # A contact person names their own company: an id of another customer sent along does not win.
    response = client.post("/tickets/new", data=base | {"customer_id": customer.id, "custom-meter_reading": "1",
                                                         "caller": f"contact:{other_company_contact.id}"})
    assert response.status_code == 303
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()).limit(1))
    assert (ticket.customer_id, ticket.contact_id) == (other_company_contact.customer_id, other_company_contact.id)
    assert count(Customer) == before[1] and count(Ticket) == before[0] + 1


INTAKE_PAGES = ("/tickets/new", "/tickets/new/customers?q=Jansen", "/tickets/new/assets?customer_id={customer}")


@pytest.mark.parametrize("role", ["technician", "billing"])
def test_technicians_and_billing_get_403_from_intake_and_log_nothing(pages, client, make, role):
    customer = make.customer(name="Jansen Installatie")
    make.asset(customer, serial_number="SN-HIDDEN-1")
    pages.login_as(role)
    for path in INTAKE_PAGES:
        response = client.get(path.format(customer=customer.id))
        assert response.status_code == 403, path
        assert b"Jansen Installatie" not in response.data and b"SN-HIDDEN-1" not in response.data
    before = (count(Ticket), count(Customer))
    response = client.post("/tickets/new", data=NEW_CUSTOMER | {"csrf_token": pages.token("/tickets/new")})
    assert response.status_code == 403
    assert (count(Ticket), count(Customer)) == before


def test_anonymous_is_sent_to_sign_in_from_intake_and_logs_nothing(client, make):
    customer = make.customer(name="Jansen Installatie")
    for path in INTAKE_PAGES:
        response = client.get(path.format(customer=customer.id))
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path
    before = (count(Ticket), count(Customer))
    response = client.post("/tickets/new", data=NEW_CUSTOMER | {"csrf_token": csrf_token_from(client.get("/login"))})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert (count(Ticket), count(Customer)) == before


def test_fragments_take_odd_input_without_failing(pages, client, make):
    pages.login_as("agent")
    customer = make.customer(name="Jansen Installatie")
    for path in ("/tickets/new/customers?q=" + "%" * 300, "/tickets/new/customers?q=%00%E2%80%AE",
                 "/tickets/new/assets?customer_id=abc", "/tickets/new/assets?caller=contact:abc",
                 "/tickets/new/assets?caller=customer:999999", f"/tickets/new?customer_id={customer.id}x"):
        response = client.get(path)
        assert response.status_code == 200, path
    assets = client.get("/tickets/new/assets?customer_id=999999").get_data(as_text=True)
    assert 'name="asset_id"' in assets and "SN-" not in assets  # nobody's assets: only "no asset"


def test_a_nul_character_in_a_page_form_is_400_and_saves_nothing(pages, client):
    pages.login_as("agent")
    before = (count(Ticket), count(Customer))
    response = client.post("/tickets/new", data=NEW_CUSTOMER | {"subject": "Boiler\x00 noise",
                                                                "csrf_token": pages.token("/tickets/new")})
    assert response.status_code == 400
    assert (count(Ticket), count(Customer)) == before
