"""The back office in headless Chromium: an agent takes a call through to a scheduled job, billing
approves an invoice, and the ticket list fits a 360 px phone. Locators are by role and label, which
also proves that every control has an accessible name."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dispatch.desk.models import Ticket
from dispatch.enums import InvoiceStatus, JobStatus
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from tests.browser.backoffice_support import DESKTOP, Problems, shoot, sign_in, sticking_out
from tests.support.pages import draft_invoice

pytestmark = pytest.mark.browser


def test_agent_takes_a_call_through_to_a_scheduled_job(page, live_server, make):
    page.set_viewport_size(DESKTOP)
    problems = Problems(page)
    agent = make.user("agent", name="Anouk Agent")
    make.user("technician", name="Tom Technician", skills=["boiler"])

    sign_in(page, live_server, agent.email)
    expect(page.get_by_role("heading", name="Tickets", level=1)).to_be_visible()
    shoot(page, "01-tickets-empty")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New ticket").click()

    page.get_by_role("radio", name="New customer").check()
    expect(page.get_by_label("Find a customer")).to_be_hidden()
    page.get_by_label("Customer name").fill("Familie Visser")
    page.get_by_label("Customer e-mail").fill("visser@example.nl")
    page.get_by_label("Phone", exact=True).fill("+31 6 1111 2222")
    page.get_by_label("Street and number").fill("Oudegracht 12")
    page.get_by_label("Postal code").fill("3511 AR")
    page.get_by_label("City").fill("Utrecht")
    page.get_by_text("Register a new asset").click()
    page.get_by_label("Product").fill("Intergas Xtreme 30")
    page.get_by_label("Serial number").fill("IX30-4455")
    page.get_by_label("Purchase date").fill("2021-06-15")
    page.get_by_label("Warranty (months)").fill("24")
    page.get_by_label("Subject").fill("Boiler leaks water")
    page.get_by_label("Description").fill("Puddle under the boiler since last night.")
    page.get_by_label("Priority").select_option(label="High")
    shoot(page, "02-new-ticket")
    page.get_by_role("button", name="Create ticket").click()

    expect(page.get_by_role("heading", name="Boiler leaks water", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Ticket T-\d{4}-\d{6} created\."))
    sidebar = page.get_by_role("complementary", name="Customer sidebar")
    expect(sidebar).to_contain_text("Familie Visser")
    expect(sidebar).to_contain_text("IX30-4455")
    expect(sidebar).to_contain_text("expired")  # bought 2021 with 24 months of warranty

    page.get_by_label("Kind of work").select_option(label="Repair")
    page.get_by_label("Estimated duration (minutes)").fill("90")
    page.get_by_label("Required skills").fill("boiler")
    page.get_by_label("Instructions for the technician").fill("Bring a spare pump.")
    shoot(page, "03-ticket")
    page.get_by_role("button", name="Create job").click()

    expect(page.get_by_role("status")).to_contain_text("Schedule a technician below.")
    expect(page.get_by_role("heading", name="Schedule a technician")).to_be_visible()
    shoot(page, "04-job-unscheduled")
    page.get_by_role("button", name="Schedule Tom Technician").click()

    expect(page.get_by_role("status")).to_contain_text("scheduled for Tom Technician")
    expect(page.locator(".page-head")).to_contain_text("Scheduled")
    expect(page.locator(".page-head")).to_contain_text("Tom Technician")
    shoot(page, "05-job-scheduled")

    ticket = db.session.scalar(select(Ticket).where(Ticket.subject == "Boiler leaks water"))
    job = db.session.scalar(select(Job).where(Job.ticket_id == ticket.id))
    assert job.status == JobStatus.SCHEDULED and job.technician.name == "Tom Technician"
    assert (job.scheduled_end - job.scheduled_start).total_seconds() == 90 * 60
    problems.assert_none()


def test_agent_finds_an_existing_customer_as_they_type(page, live_server, make):
    page.set_viewport_size(DESKTOP)
    problems = Problems(page)
    agent = make.user("agent")
    customer = make.customer(name="Bakkerij Mulder")
    make.asset(customer, product="Vaillant ecoTEC", serial_number="VT-777")
    make.customer(name="Garage Jansen")

    sign_in(page, live_server, agent.email)
    page.goto(f"{live_server.url}/tickets/new")
    page.get_by_label("Find a customer").press_sequentially("mulder", delay=30)
    choice = page.get_by_role("radio", name=re.compile("Bakkerij Mulder"))
    expect(choice).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile("Garage Jansen"))).to_have_count(0)
    choice.check()
    asset = page.get_by_label("Asset", exact=True)
    expect(asset.locator("option", has_text="VT-777")).to_have_count(1)
    asset.select_option(label="Vaillant ecoTEC · VT-777")
    page.get_by_label("Subject").fill("Yearly maintenance")
    page.get_by_label("Description").fill("Customer asks for the yearly service.")
    page.get_by_role("button", name="Create ticket").click()

    expect(page.get_by_role("heading", name="Yearly maintenance", level=1)).to_be_visible()
    ticket = db.session.scalar(select(Ticket).where(Ticket.subject == "Yearly maintenance"))
    assert ticket.customer_id == customer.id and ticket.asset.serial_number == "VT-777"
    problems.assert_none()


def test_billing_approves_a_draft_invoice(page, live_server, make):
    page.set_viewport_size(DESKTOP)
    problems = Problems(page)
    invoice = draft_invoice(make)
    clerk = make.user("billing", name="Bea Billing")

    sign_in(page, live_server, clerk.email)
    expect(page.get_by_role("heading", name="Invoices", level=1)).to_be_visible()
    shoot(page, "06-invoices")
    page.get_by_role("link", name=f"Draft {invoice.id}").click()
    expect(page.get_by_role("heading", name=f"Draft invoice {invoice.id}")).to_be_visible()
    pdf_link = page.get_by_role("link", name="PDF")
    expect(pdf_link).to_have_attribute("href", f"/api/v1/invoices/{invoice.id}/pdf")
    shoot(page, "07-invoice-draft")
    page.get_by_role("button", name="Approve invoice").click()

    expect(page.get_by_role("status")).to_contain_text("Invoice approved with number")
    db.session.expire_all()
    db.session.refresh(invoice)
    assert invoice.status == InvoiceStatus.APPROVED and invoice.number
    expect(page.get_by_role("heading", level=1)).to_have_text(invoice.number)
    expect(page.get_by_role("button", name="Approve invoice")).to_have_count(0)
    shoot(page, "08-invoice-approved")
    problems.assert_none()


def test_ticket_list_fits_a_phone_without_sideways_scrolling(page, live_server, make):
    page.set_viewport_size({"width": 360, "height": 640})
    problems = Problems(page)
    agent = make.user("agent")
    customer = make.customer(name="Stichting Woningcorporatie Amsterdam-Noord en Omstreken")
    for n in range(3):
        make.ticket(customer, subject=f"Centrale verwarming in trappenhuis blok {n} valt telkens uit")

    sign_in(page, live_server, agent.email)
    expect(page.get_by_role("heading", name="Tickets", level=1)).to_be_visible()
    shoot(page, "09-tickets-phone")
    assert sticking_out(page) == []
    expect(page.get_by_role("link", name="New ticket").first).to_be_visible()
    problems.assert_none()


def test_ticket_filters_update_the_list_as_the_agent_types(page, live_server, make):
    page.set_viewport_size(DESKTOP)
    problems = Problems(page)
    agent = make.user("agent")
    pump = make.ticket(subject="Circulation pump noisy", priority="low")
    leak = make.ticket(subject="Leak at the expansion vessel", priority="urgent")

    sign_in(page, live_server, agent.email)
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(3)  # header and two tickets
    page.get_by_role("searchbox", name="Search").press_sequentially("pump", delay=30)
    expect(rows).to_have_count(2)
    expect(page.get_by_role("link", name=pump.reference)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/tickets\?.*q=pump"))  # the filter is in the address, for sharing
    page.get_by_role("searchbox", name="Search").fill("")
    page.get_by_label("Priority").select_option(label="Urgent")
    expect(page.get_by_role("link", name=leak.reference)).to_be_visible()
    expect(page.get_by_role("link", name=pump.reference)).to_have_count(0)
    problems.assert_none()
