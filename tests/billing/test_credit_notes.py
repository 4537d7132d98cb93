"""Credit notes: the only correction of an approved invoice, never larger than what it still bills."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dispatch.audit import events_for
from dispatch.billing.models import CreditNote
from dispatch.extensions import db
from dispatch.mail import OutboxMail
from dispatch.numbering import DocumentCounter
from tests.billing.helpers import approved, billing_state, draft
from tests.support.mailserver import attaching
from tests.support.tasks import wait_for_tasks

YEAR = datetime.now(ZoneInfo("Europe/Amsterdam")).year


@pytest.fixture
def billing(api, make):
    make.company()
    return api.as_user(make.user("billing"))


def test_a_full_credit_by_default_takes_back_every_line(billing, make):
    invoice = approved(make, work=[(0, 90)])
    response = billing.post(f"invoices/{invoice.id}/credit-notes", {"reason": "Billed the wrong customer"})
    assert response.status_code == 201, response.json
    note = response.json
    assert (note["status"], note["number"], note["invoice_number"]) == ("draft", None, invoice.number)
    assert [(line["description"], line["quantity"], line["net_amount"], line["credited_line_id"])
            for line in note["lines"]] == [(line.description, f"{line.quantity:.3f}", f"{line.net_amount:.2f}",
                                            line.id) for line in invoice.lines]
    assert (note["net_total"], note["vat_total"], note["gross_total"]) == (
        str(invoice.net_total), str(invoice.vat_total), str(invoice.gross_total))
    assert note["currency"] == invoice.currency
    actions = [event.action for event in events_for(db.session.get(CreditNote, note["id"]))]
    assert actions == ["credit_note.created"]
    assert events_for(invoice)[-1].action == "invoice.credited"


def test_approval_gives_its_own_gapless_series_and_the_note_never_changes(billing, make):
    first, second = approved(make), approved(make)
    notes = [billing.post(f"invoices/{invoice.id}/credit-notes", {"reason": "Goodwill"}).json
             for invoice in (first, second)]
    numbers = [billing.post(f"credit-notes/{note['id']}/approve").json["number"] for note in reversed(notes)]
    assert numbers == [f"CN-{YEAR}-000001", f"CN-{YEAR}-000002"]
    assert db.session.get(DocumentCounter, ("INV", YEAR)).last_number == 2  # invoices count on their own
    detail = billing.get(f"credit-notes/{notes[0]['id']}").json
    assert detail["status"] == "approved" and detail["issued_on"]
    pdf = billing.get(f"credit-notes/{notes[0]['id']}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert f'filename="CN-{YEAR}-000002.pdf"' in pdf.headers["Content-Disposition"]

    before = billing_state()
    again = billing.post(f"credit-notes/{notes[0]['id']}/approve")
    assert again.status_code == 409 and again.json["code"] == "already_approved"
    discard = billing.delete(f"credit-notes/{notes[0]['id']}")
    assert discard.status_code == 409 and discard.json["code"] == "credit_note_not_draft"
    assert billing_state() == before


def test_company_series_setting_names_the_credit_notes(billing, make):
    make.company(credit_note_series="CR")
    invoice = approved(make)
    note = billing.post(f"invoices/{invoice.id}/credit-notes", {"reason": "Goodwill"}).json
    assert billing.post(f"credit-notes/{note['id']}/approve").json["number"] == f"CR-{YEAR}-000001"


def test_a_partial_credit_leaves_the_rest_creditable(billing, make):
    invoice = approved(make, work=[(0, 120)])  # 2 h labour and the call-out
    labour, callout = invoice.lines
    partial = billing.post(f"invoices/{invoice.id}/credit-notes", {
        "reason": "Half an hour too much", "lines": [{"line_id": labour.id, "quantity": "0.5"}]})
    assert partial.status_code == 201, partial.json
    assert partial.json["lines"][0]["net_amount"] == "32.50"
    rest = billing.post(f"invoices/{invoice.id}/credit-notes", {"reason": "Cancel the rest"})
    assert rest.status_code == 201, rest.json
    assert [(line["credited_line_id"], line["quantity"]) for line in rest.json["lines"]] == [
        (labour.id, "1.500"), (callout.id, "1.000")]
    nets = Decimal(partial.json["net_total"]) + Decimal(rest.json["net_total"])
    assert nets == invoice.net_total
    # EN 16931 rounds VAT once per document (BR-CO-17): two credit notes may differ from one by a cent.
    gross = Decimal(partial.json["gross_total"]) + Decimal(rest.json["gross_total"])
    assert abs(gross - invoice.gross_total) <= Decimal("0.01")


@pytest.mark.parametrize(("lines", "field", "words"), [
    ([{"line_id": "first", "quantity": "3"}], "lines.0.quantity", "At most 2 of this line can still be credited."),
    ([{"line_id": "first", "quantity": "1.5"}, {"line_id": "first", "quantity": "1"}], "lines.1.quantity",
     "At most 0.5 of this line"),
    ([{"line_id": "first", "quantity": "0"}], "lines.0.quantity", "greater than 0"),
    ([{"line_id": 999999}], "lines.0.line_id", "has no line 999999"),
    ([{"description": "Goodwill", "quantity": "1", "unit": "C62", "unit_price": "1000", "vat_rate": "21"}],
     "lines", "is larger than what remains creditable"),
    ([{"description": "Goodwill", "quantity": "1", "unit": "C62", "vat_rate": "21"}], "lines.0.unit_price",
     "Fill in this field."),
], ids=["more-than-the-line", "twice-the-same-line", "zero", "other-line", "free-line-too-large", "incomplete"])
def test_a_credit_larger_than_what_remains_is_422_naming_the_field(billing, make, lines, field, words):
    invoice = approved(make, work=[(0, 120)])
    for line in lines:
        if line.get("line_id") == "first":
            line["line_id"] = invoice.lines[0].id
    before = billing_state()
    response = billing.post(f"invoices/{invoice.id}/credit-notes", {"reason": "Too much", "lines": lines})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert words in response.json["errors"][field][0]
    assert billing_state() == before


def test_nothing_left_to_credit_and_a_missing_reason_are_422(billing, make):
    invoice = approved(make)
    assert billing.post(f"invoices/{invoice.id}/credit-notes", {"reason": "All of it"}).status_code == 201
    before = billing_state()
    nothing = billing.post(f"invoices/{invoice.id}/credit-notes", {"reason": "Again"})
    assert nothing.status_code == 422 and "credited already" in nothing.json["errors"]["lines"][0]
    blank = billing.post(f"invoices/{invoice.id}/credit-notes", {"reason": "  "})
    assert blank.status_code == 422 and "reason" in blank.json["errors"]
    missing = billing.post(f"invoices/{invoice.id}/credit-notes", {})
    assert missing.status_code == 422 and "reason" in missing.json["errors"]
    assert billing_state() == before


def test_discarding_a_draft_frees_what_it_would_have_credited(billing, make):
    invoice = approved(make)
    note = billing.post(f"invoices/{invoice.id}/credit-notes", {"reason": "Oops"}).json
    assert billing.delete(f"credit-notes/{note['id']}").status_code == 204
    assert billing.get(f"credit-notes/{note['id']}").status_code == 404
    assert billing.post(f"invoices/{invoice.id}/credit-notes", {"reason": "Right one"}).status_code == 201


def test_a_draft_invoice_is_not_credited(billing, make):
    invoice = draft(make)
    before = billing_state()
    response = billing.post(f"invoices/{invoice.id}/credit-notes", {"reason": "Nope"})
    assert response.status_code == 409 and response.json["code"] == "invoice_not_approved"
    assert billing.post("invoices/4242/credit-notes", {"reason": "Nope"}).status_code == 404
    assert billing_state() == before


def test_list_by_invoice_pages_newest_first(billing, make):
    first, second = approved(make), approved(make)
    ids = [billing.post(f"invoices/{invoice.id}/credit-notes", {
        "reason": "Goodwill", "lines": [{"line_id": invoice.lines[0].id, "quantity": "0.5"}]}).json["id"]
        for invoice in (first, second, first)]
    assert [item["id"] for item in billing.get("credit-notes").json["items"]] == ids[::-1]
    page = billing.get(f"credit-notes?invoice_id={first.id}&limit=1").json
    assert [item["id"] for item in page["items"]] == [ids[2]]
    following = billing.get(f"credit-notes?invoice_id={first.id}&limit=1&cursor={page['next_cursor']}").json
    assert [item["id"] for item in following["items"]] == [ids[0]] and following["next_cursor"] is None


def test_sending_an_approved_credit_note_mails_it(billing, make, mail_server):
    invoice = approved(make, customer=make.customer(language="de", email="kunde@example.de"))
    note = billing.post(f"invoices/{invoice.id}/credit-notes", {"reason": "Kulanz"}).json
    before = billing_state()
    assert billing.post(f"credit-notes/{note['id']}/send").status_code == 409  # a draft is not sent
    assert billing_state() == before
    number = billing.post(f"credit-notes/{note['id']}/approve").json["number"]
    response = billing.post(f"credit-notes/{note['id']}/send")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "sent" and response.json["sent_at"]
    wait_for_tasks()
    [message] = attaching(mail_server.wait_for(2), number)
    body = message.get_body(("plain",)).get_content()
    assert message["To"] == "kunde@example.de"
    assert number in message["Subject"] and invoice.number in body and "Kulanz" in body
    files = [part.get_filename() for part in message.iter_attachments()]
    assert f"{number}.pdf" in files
    assert db.session.scalar(select(func.count()).select_from(OutboxMail).where(
        OutboxMail.related_type == CreditNote.__tablename__)) == 1
    assert events_for(db.session.get(CreditNote, note["id"]))[-1].action == "credit_note.sent"
