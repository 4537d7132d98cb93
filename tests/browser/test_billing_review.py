"""Bulk approval in Chromium: keyboard only, a progress bar that follows each invoice, and a refused
invoice that neither stops the others nor goes unexplained."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dispatch.billing.models import Invoice
from dispatch.enums import InvoiceStatus
from dispatch.extensions import db
from tests.browser.backoffice_support import DESKTOP, Problems, shoot, sign_in, sticking_out
from tests.support.pages import draft_invoice

pytestmark = pytest.mark.browser


def test_billing_approves_a_page_of_drafts_with_a_progress_bar(page, live_server, make):
    page.set_viewport_size(DESKTOP)
    problems = Problems(page)
    drafts = [draft_invoice(make) for _ in range(4)]
    drafts[2].buyer_vat_number = "NL000000000B00"
    db.session.commit()
    sign_in(page, live_server, make.user("billing").email)
    page.goto(f"{live_server.url}/invoices?status=draft")

    select_all = page.get_by_label("Select all drafts on this page")
    select_all.focus()
    page.keyboard.press("Space")
    for draft in drafts:
        expect(page.get_by_role("checkbox", name=f"Select Draft {draft.id},")).to_be_checked()
    page.get_by_role("button", name="Approve selected").focus()
    page.keyboard.press("Enter")

    summary = page.get_by_role("status").filter(has_text="approved")
    expect(summary).to_contain_text("3 of 4 approved, 1 not approved.")
    progress = page.get_by_label("Approval progress")
    expect(progress).to_have_attribute("max", "4")
    assert progress.evaluate("bar => bar.value") == 4
    refused = summary.get_by_role("listitem")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text(f"Draft {drafts[2].id}: The customer's VAT number NL000000000B00 is not valid")
    expect(refused.get_by_role("link", name=f"Draft {drafts[2].id}")).to_have_attribute(
        "href", f"/invoices/{drafts[2].id}")
    expect(summary).to_be_focused()
    shoot(page, "20-bulk-approve")

    db.session.expire_all()
    invoices = [db.session.get(Invoice, draft.id) for draft in drafts]
    assert [invoice.status for invoice in invoices] == [InvoiceStatus.APPROVED] * 2 + [InvoiceStatus.DRAFT,
                                                                                         InvoiceStatus.APPROVED]
    for invoice in invoices:
        if invoice.number:  # the row shows the number it got, without a reload
            expect(page.get_by_role("link", name=invoice.number)).to_be_visible()
    assert sorted(invoice.sequence for invoice in invoices if invoice.sequence) == [1, 2, 3]
    page.get_by_role("link", name=f"Draft {drafts[2].id}").first.click()
    expect(page.get_by_role("heading", name="Before this invoice can be approved:")).to_be_visible()
    shoot(page, "21-invoice-with-approval-errors")
    problems.assert_none()


def test_billing_edits_sends_credits_and_marks_paid_on_a_phone(page, live_server, make):
    problems = Problems(page)
    invoice = draft_invoice(make)
    sign_in(page, live_server, make.user("billing").email)
    page.goto(f"{live_server.url}/invoices/{invoice.id}")
    page.get_by_role("link", name="Add a line").click()
    page.get_by_label("Description").fill("Thermostat battery")
    page.get_by_label("Quantity").fill("2,5")
    page.get_by_label("Unit price, without VAT").fill("x")
    page.get_by_role("button", name="Add line").click()
    expect(page.get_by_label("Unit price, without VAT")).to_have_attribute("aria-invalid", "true")
    shoot(page, "22-line-error-phone")
    page.get_by_label("Unit price, without VAT").fill("4")
    page.get_by_role("button", name="Add line").click()
    expect(page.locator("td", has_text="Thermostat battery").first).to_be_visible()
    page.get_by_role("button", name="Approve invoice").click()
    page.get_by_role("button", name="Send by e-mail").click()
    expect(page.get_by_role("status")).to_contain_text("The invoice is on its way to")
    page.get_by_role("link", name="Issue a credit note").click()
    page.get_by_label("Reason (printed on the credit note)").fill("Battery was not needed")
    for field in page.locator('input[name^="line-"]').all():
        field.fill("")
    page.get_by_label("Quantity of “Thermostat battery” to credit").fill("2.5")
    shoot(page, "23-credit-note-form-phone")
    page.get_by_role("button", name="Create draft credit note").click()
    page.get_by_role("button", name="Approve credit note").click()
    expect(page.get_by_role("status")).to_contain_text("Credit note approved with number CN-")
    shoot(page, "24-credit-note-phone")
    page.get_by_role("link", name=re.compile(r"INV-")).first.click()
    page.get_by_role("button", name="Mark paid").click()
    expect(page.get_by_role("status")).to_contain_text("marked paid")
    shoot(page, "25-invoice-paid-phone")
    assert page.viewport_size["width"] == 360 and sticking_out(page) == []
    problems.seen.remove(f"422 {live_server.url}/invoices/{invoice.id}/lines/new")  # the refused line, on purpose
    problems.assert_none()
