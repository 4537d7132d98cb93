"""The public web form in headless Chromium at 360 px: help articles suggested while typing the subject, a photo
attached, the reference shown, and no script error or CSP violation on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dispatch.desk.models import Ticket, TicketAttachment
from dispatch.extensions import db
from tests.browser.backoffice_support import Problems, shoot, sticking_out
from tests.views.helpers import jpeg

pytestmark = pytest.mark.browser


def _fits_the_screen(page) -> bool:
    return sticking_out(page) == []


def test_a_customer_reports_a_problem_with_a_photo_on_a_phone(app, page, live_server, make):
    app.config["PORTAL_MIN_FILL_SECONDS"] = 0
    make.article(title="Low water pressure", summary="Top up the system to 1.5 bar.",
                 body="Check the gauge.", language="en")
    problems = Problems(page)

    page.goto(f"{live_server.url}/support?lang=en")
    expect(page.get_by_role("heading", name="Report a problem", level=1)).to_be_visible()
    assert _fits_the_screen(page)
    page.get_by_label("What is it about?").press_sequentially("water pressure", delay=20)
    suggestions = page.get_by_role("region", name="Help articles that may answer your question")
    expect(suggestions.get_by_role("link", name="Low water pressure")).to_be_visible()
    page.get_by_label("Describe the problem").fill("The pressure drops to 0.5 bar every day.")
    page.get_by_label("Kind of problem").select_option(label="Heating")
    page.get_by_label("Photos or documents").set_input_files(
        [{"name": "gauge.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    page.get_by_label("Your name").fill("Lotte Visser")
    page.get_by_label("E-mail address").fill("lotte@example.nl")
    page.get_by_label("Postcode").fill("3511 AR")
    page.get_by_label("House number").fill("12")
    page.get_by_label("City").fill("Utrecht")
    assert _fits_the_screen(page)
    shoot(page, "portal-01-form")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", name="Thank you, we received your request")).to_be_visible()
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"T-\d{4}-\d{6}", reference)
    assert _fits_the_screen(page)
    shoot(page, "portal-02-thanks")
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    assert (ticket.channel.value, ticket.customer.name) == ("web", "Lotte Visser")
    assert db.session.scalar(select(TicketAttachment.filename).where(TicketAttachment.ticket_id == ticket.id)) \
        == "gauge.jpg"

    page.get_by_role("link", name="Follow your ticket").last.click()
    expect(page.get_by_role("heading", name="water pressure", level=1)).to_be_visible()
    expect(page.get_by_text(reference).first).to_be_visible()
    expect(page.get_by_role("link", name="gauge.jpg")).to_be_visible()
    assert _fits_the_screen(page)
    problems.assert_none()


def test_the_form_works_without_javascript(app, browser, live_server):
    app.config["PORTAL_MIN_FILL_SECONDS"] = 0
    context = browser.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/support?lang=en")
        page.get_by_label("What is it about?").fill("No hot water")
        page.get_by_label("Describe the problem").fill("Cold since this morning.")
        page.get_by_label("Your name").fill("Jan Smit")
        page.get_by_label("E-mail address").fill("jan@example.nl")
        page.get_by_label("Postcode").fill("1000")
        page.get_by_label("Country").select_option("BE")
        page.get_by_label("House number").fill("3")
        page.get_by_label("City").fill("Brussel")
        page.get_by_role("button", name="Send").click()
        expect(page.locator("#reference")).to_have_text(re.compile(r"T-\d{4}-\d{6}"))
    finally:
        context.close()
