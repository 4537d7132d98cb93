"""Billing review in the back office: line edits with plain-language errors beside the field, sending,
payment, credit notes and bulk approval (the server side; the progress bar is tested in Chromium)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dispatch.billing import services
from dispatch.billing.models import CreditNote, Invoice
from dispatch.enums import InvoiceStatus
from dispatch.extensions import db
from dispatch.mail import OutboxMail
from tests.billing.helpers import approve, billing_state
from tests.support.pages import draft_invoice
from tests.views.helpers import text_of

TODAY = datetime.now(ZoneInfo("Europe/Amsterdam")).date()


def field_error(page_html: str, field_id: str) -> str:
    """The error text shown beside a control, which must also point at it (aria-describedby)."""
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', page_html, re.S)
    assert match, f"no error beside {field_id}"
    assert re.search(rf'id="{field_id}"[^>]*aria-describedby="[^"]*{field_id}-error', page_html) or \
        re.search(rf'aria-describedby="[^"]*{field_id}-error[^"]*"[^>]*id="{field_id}"', page_html)
    return match.group(1)


def test_a_clerk_adds_a_line_typing_a_dutch_decimal_comma(pages, client, make):
    invoice = draft_invoice(make)
    pages.login_as("billing")
    path = f"/invoices/{invoice.id}/lines/new"
    form = client.get(path)
    assert form.status_code == 200 and 'value="21"' in form.get_data(as_text=True)  # the company's VAT rate
    response = client.post(path, data={"csrf_token": pages.token(path), "description": "Expansion vessel 8 l",
                                       "quantity": "2,5", "unit": "C62", "unit_price": "40,00", "vat_rate": "21"})
    assert response.status_code == 303, text_of(response)
    db.session.expire_all()
    line = db.session.get(Invoice, invoice.id).lines[-1]
    assert (line.description, str(line.quantity), str(line.net_amount)) == ("Expansion vessel 8 l", "2.500", "100.00")
    assert "Line added." in text_of(client.get(response.headers["Location"]))


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"quantity": "1.234,5"}, "quantity", "without thousands separators"),
    ({"quantity": "zero"}, "quantity", "Enter a number such as 2.5 or 2,5"),
    ({"unit_price": "-3"}, "unit_price", "Enter a number from 0"),
    ({"vat_rate": "210"}, "vat_rate", "from 0 to 100"),
    ({"description": ""}, "description", "Describe what the line bills."),
], ids=["thousands", "words", "negative", "vat", "blank"])
def test_bad_line_values_are_shown_beside_their_field_and_nothing_changes(pages, client, make, values, field, words):
    invoice = draft_invoice(make)
    pages.login_as("billing")
    path = f"/invoices/{invoice.id}/lines/new"
    before = billing_state()
    data = {"csrf_token": pages.token(path), "description": "Seal", "quantity": "1", "unit": "C62",
            "unit_price": "2", "vat_rate": "21"} | values
    response = client.post(path, data=data)
    assert response.status_code == 422
    assert words in field_error(response.get_data(as_text=True), field)
    assert "Please correct the following:" in text_of(response)
    assert billing_state() == before


def test_a_line_is_changed_and_removed(pages, client, make):
    invoice = draft_invoice(make)
    line = invoice.lines[0]
    pages.login_as("billing")
    path = f"/invoices/{invoice.id}/lines/{line.id}"
    form = client.get(path).get_data(as_text=True)
    assert f'value="{line.description}"' in form
    response = client.post(path, data={"csrf_token": pages.token(path), "description": "Call-out, evening",
                                       "quantity": "1", "unit": "C62", "unit_price": "60", "vat_rate": "21"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (line.description, str(line.net_amount)) == ("Call-out, evening", "60.00")
    page = client.get(f"/invoices/{invoice.id}")
    assert "Call-out, evening" in text_of(page)
    line_id = line.id
    removed = client.post(f"/invoices/{invoice.id}/lines/{line_id}/remove",
                          data={"csrf_token": pages.token(f"/invoices/{invoice.id}")})
    assert removed.status_code == 303
    db.session.expire_all()
    assert line_id not in [item.id for item in db.session.get(Invoice, invoice.id).lines]


def test_an_approved_invoice_offers_no_edits_and_refuses_them(pages, client, make):
    invoice = approve(draft_invoice(make))
    pages.login_as("billing")
    page = client.get(f"/invoices/{invoice.id}")
    body = page.get_data(as_text=True)
    assert "Add a line" not in text_of(page) and "/remove" not in body
    token = pages.token(f"/invoices/{invoice.id}")
    before = billing_state()
    line = invoice.lines[0].id
    assert client.get(f"/invoices/{invoice.id}/lines/{line}").status_code == 409
    edited = client.post(f"/invoices/{invoice.id}/lines/{line}", data={"csrf_token": token, "quantity": "9"})
    assert edited.status_code == 409 and "credit note" in text_of(edited)
    assert client.post(f"/invoices/{invoice.id}/lines/{line}/remove", data={"csrf_token": token}).status_code == 409
    assert client.post(f"/invoices/{invoice.id}/lines/{line}/remove").status_code == 400  # no CSRF token
    assert billing_state() == before


def test_what_blocks_approval_is_shown_beside_its_field_before_and_after_trying(pages, client, make):
    invoice = draft_invoice(make)
    make.company(iban="NL91ABNA0417164301")
    invoice.buyer_vat_number = "NL123456789B99"
    db.session.commit()
    pages.login_as("billing")
    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "Before this invoice can be approved:" in page
    iban = re.search(r'id="error-iban">(.*?)</p>', page).group(1)
    assert "The company&#39;s IBAN NL91ABNA0417164301 is not valid" in iban
    vat = re.search(r'id="error-buyer_vat_number">(.*?)</p>', page).group(1)
    assert "VAT number NL123456789B99 is not valid" in vat
    assert 'href="#error-iban"' in page
    before = billing_state()
    refused = client.post(f"/invoices/{invoice.id}/approve",
                          data={"csrf_token": pages.token(f"/invoices/{invoice.id}")})
    assert refused.status_code == 422
    assert "correct what is marked below" in text_of(refused) and 'id="error-iban"' in refused.get_data(as_text=True)
    assert billing_state() == before


def test_send_and_resend_by_e_mail(pages, client, make):
    invoice = approve(draft_invoice(make))
    pages.login_as("billing")
    path = f"/invoices/{invoice.id}"
    assert "Send by e-mail" in text_of(client.get(path))
    response = client.post(f"{path}/send", data={"csrf_token": pages.token(path)})
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert "The invoice is on its way to" in page and "Send again by e-mail" in page
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).status == InvoiceStatus.SENT
    assert client.post(f"{path}/send", data={"csrf_token": pages.token(path)}).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 2


def test_sending_to_a_customer_without_e_mail_says_so_beside_the_address(pages, client, make):
    invoice = approve(draft_invoice(make))
    invoice_customer = services.get_invoice(invoice.id).customer_id
    from dispatch.customers.models import Customer

    db.session.get(Customer, invoice_customer).email = None
    db.session.commit()
    pages.login_as("billing")
    before = billing_state()
    response = client.post(f"/invoices/{invoice.id}/send", data={"csrf_token": pages.token(f"/invoices/{invoice.id}")})
    assert response.status_code == 422
    assert "no e-mail address" in re.search(r'id="error-email">(.*?)</p>', response.get_data(as_text=True)).group(1)
    assert billing_state() == before


def test_mark_paid_with_a_date_checked_beside_the_field(pages, client, make):
    invoice = approve(draft_invoice(make))
    pages.login_as("billing")
    path = f"/invoices/{invoice.id}"
    before = billing_state()
    future = client.post(f"{path}/paid", data={"csrf_token": pages.token(path),
                                               "paid_on": (TODAY + timedelta(days=2)).isoformat()})
    assert future.status_code == 422
    assert "cannot be in the future" in field_error(future.get_data(as_text=True), "paid_on")
    missing = client.post(f"{path}/paid", data={"csrf_token": pages.token(path), "paid_on": ""})
    assert missing.status_code == 422 and "Enter the day the payment arrived." in text_of(missing)
    assert billing_state() == before
    paid = client.post(f"{path}/paid", data={"csrf_token": pages.token(path), "paid_on": TODAY.isoformat()})
    assert paid.status_code == 303
    db.session.expire_all()
    assert (invoice.status, invoice.paid_on) == (InvoiceStatus.PAID, TODAY)
    assert "Mark paid" not in text_of(client.get(path))


def test_a_credit_note_is_made_approved_and_listed_from_the_pages(pages, client, make):
    invoice = approve(draft_invoice(make))
    pages.login_as("billing")
    path = f"/invoices/{invoice.id}/credit-notes/new"
    form = client.get(path)
    first = invoice.lines[0]
    assert f'name="line-{first.id}"' in form.get_data(as_text=True)
    before = billing_state()
    too_much = client.post(path, data={"csrf_token": pages.token(path), "reason": "Too much",
                                       f"line-{first.id}": "5"})
    assert too_much.status_code == 422
    assert "can still be credited" in field_error(too_much.get_data(as_text=True), f"line-{first.id}")
    no_reason = client.post(path, data={"csrf_token": pages.token(path), "reason": ""})
    assert no_reason.status_code == 422 and "Say why the invoice is credited" in text_of(no_reason)
    assert billing_state() == before

    created = client.post(path, data={"csrf_token": pages.token(path), "reason": "Goodwill",
                                      **{f"line-{line.id}": "" for line in invoice.lines}, f"line-{first.id}": "1"})
    assert created.status_code == 303, text_of(created)
    note_path = created.headers["Location"]
    assert "Draft credit note" in text_of(client.get(note_path))
    approved = client.post(f"{note_path}/approve", data={"csrf_token": pages.token(note_path)})
    assert approved.status_code == 303
    note = db.session.scalars(select(CreditNote)).one()
    assert note.number and note.number.startswith("CN-")
    assert note.number in text_of(client.get(f"/invoices/{invoice.id}"))
    assert note.number in text_of(client.get("/credit-notes"))
    sent = client.post(f"{note_path}/send", data={"csrf_token": pages.token(note_path)})
    assert sent.status_code == 303 and db.session.scalar(select(func.count()).select_from(OutboxMail)) == 1
    assert client.post(f"{note_path}/discard", data={"csrf_token": pages.token(note_path)}).status_code == 409


def test_bulk_approval_without_script_approves_the_rest_and_lists_refusals(pages, client, make):
    drafts = [draft_invoice(make) for _ in range(3)]
    drafts[1].buyer_vat_number = "NL000000000B00"
    db.session.commit()
    pages.login_as("billing")
    listing = client.get("/invoices?status=draft")
    body = listing.get_data(as_text=True)
    assert "Select all drafts on this page" in body and "<progress" in body and "js/bulk-approve.js" in body
    assert f'aria-label="Select Draft {drafts[0].id}, ' in body
    response = client.post("/invoices/approve", data={"csrf_token": pages.token("/invoices"),
                                                      "invoice_id": [draft.id for draft in drafts]})
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    db.session.expire_all()
    numbers = [db.session.get(Invoice, draft.id).number for draft in drafts]
    assert numbers[1] is None and numbers[0] and numbers[2]
    assert int(numbers[2][-6:]) == int(numbers[0][-6:]) + 1  # gapless despite the refusal between them
    assert f"2 invoices approved: {numbers[0]}, {numbers[2]}." in page
    assert f"Draft {drafts[1].id} was not approved: VAT number:" in page


@pytest.mark.parametrize("role", ["agent", "technician"])
def test_other_roles_cannot_open_or_use_the_review_pages(pages, client, make, role):
    invoice = approve(draft_invoice(make))
    pages.login_as(role)
    before = billing_state()
    for path in ("/credit-notes", f"/invoices/{invoice.id}/credit-notes/new", f"/invoices/{invoice.id}/lines/new"):
        assert client.get(path).status_code == 403, path
    assert client.post("/invoices/approve", data={"invoice_id": invoice.id}).status_code in (400, 403)
    assert billing_state() == before
