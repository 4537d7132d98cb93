"""Billing pages: the invoice list with totals, an invoice with VAT and evidence, approval with its errors."""

from __future__ import annotations

from sqlalchemy import select

from dispatch.enums import InvoiceStatus
from dispatch.extensions import db
from dispatch.numbering import DocumentCounter
from tests.support.pages import draft_invoice
from tests.support.queries import count
from tests.views.helpers import text_of


def test_invoice_list_filters_by_status_and_totals_the_selection(pages, client, make):
    first = draft_invoice(make)
    second = draft_invoice(make)
    pages.login_as("billing")
    page = text_of(client.get("/invoices"))
    assert f"Draft {first.id}" in page and f"Draft {second.id}" in page
    assert "Totals of this selection" in page
    total = first.gross_total + second.gross_total
    assert f"€{total:,.2f}" in page.replace("\xa0", "")
    assert "No invoices." in text_of(client.get("/invoices?status=paid"))
    assert f"Draft {first.id}" in text_of(client.get("/invoices?status=draft"))


def test_invoice_page_shows_lines_vat_customer_jobs_and_pdf(pages, client, world):
    pages.login_as("billing")
    response = client.get(f"/invoices/{world.invoice.id}")
    body, page = response.get_data(as_text=True), text_of(response)
    for line in world.invoice.lines:
        assert line.description in page
    assert "VAT 21 % on" in page and "Total due" in page
    assert world.customer.name in page and world.job.number in page
    assert f'href="/api/v1/invoices/{world.invoice.id}/pdf"' in body
    assert "Approve invoice" in page
    pdf = client.get(f"/api/v1/invoices/{world.invoice.id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_approve_assigns_the_number_and_shows_it(pages, client, world):
    user = pages.login_as("billing")
    response = client.post(f"/invoices/{world.invoice.id}/approve",
                           data={"csrf_token": pages.token(f"/invoices/{world.invoice.id}")})
    assert response.status_code == 303
    db.session.refresh(world.invoice)
    assert world.invoice.status == InvoiceStatus.APPROVED and world.invoice.approved_by_id == user.id
    assert world.invoice.number
    page = text_of(client.get(response.headers["Location"]))
    assert f"Invoice approved with number {world.invoice.number}." in page
    assert "Approve invoice" not in page
    again = client.post(f"/invoices/{world.invoice.id}/approve",
                        data={"csrf_token": pages.token(f"/invoices/{world.invoice.id}")})
    assert again.status_code == 409 and "already approved" in text_of(again)


def test_approve_without_csrf_changes_nothing(pages, client, world):
    pages.login_as("billing")
    response = client.post(f"/invoices/{world.invoice.id}/approve")
    assert response.status_code == 400
    db.session.refresh(world.invoice)
    assert world.invoice.status == InvoiceStatus.DRAFT and world.invoice.number is None
    assert count(DocumentCounter) == len(db.session.scalars(select(DocumentCounter)).all())


def test_approval_errors_are_shown_by_field_and_nothing_changes(pages, client, make, world):
    make.company(iban="NL00BANK0000000000")
    counters = [(c.series, c.year, c.last_number) for c in db.session.scalars(select(DocumentCounter))]
    pages.login_as("billing")
    response = client.post(f"/invoices/{world.invoice.id}/approve",
                           data={"csrf_token": pages.token(f"/invoices/{world.invoice.id}")})
    assert response.status_code == 422
    page = text_of(response)
    assert "The invoice was not approved:" in page and "IBAN:" in page
    db.session.expire_all()
    assert world.invoice.status == InvoiceStatus.DRAFT and world.invoice.number is None
    after = [(c.series, c.year, c.last_number) for c in db.session.scalars(select(DocumentCounter))]
    assert after == counters


def test_money_is_written_in_the_readers_language(pages, client, world):
    user = pages.login_as("billing")
    user.language = "nl"
    db.session.commit()
    page = text_of(client.get(f"/invoices/{world.invoice.id}")).replace("\xa0", " ")
    amount = f"{world.invoice.gross_total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert f"€ {amount}" in page
