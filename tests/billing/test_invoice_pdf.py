"""The invoice PDF: readable text, the right figures, logo, EPC QR code, embedded fonts, a watermark on drafts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dispatch.billing import services
from dispatch.billing.documents import invoice_document
from dispatch.billing.epc import epc_payload
from dispatch.billing.pdf import render_invoice_pdf
from dispatch.extensions import db
from dispatch.storage import storage
from tests.billing.helpers import approved, draft
from tests.support.pdf import assert_fonts_embedded, image_sizes, pdf_text, png, qr_codes


def test_approved_invoice_pdf_shows_parties_totals_per_rate_and_payment(make):
    make.company()
    valve = make.product(name="Vanne à 3 voies — Größe 22", unit_price="84.50")
    manual = make.product(name="Handboek", unit_price="10.00", vat_rate="9.00")
    customer = make.customer(name="Bäckerei Müller & Söhne", vat_number="DE136695976", language="en")
    invoice = approved(make, parts=[(valve, "1"), (manual, "2")], customer=customer)

    pdf = render_invoice_pdf(invoice)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in (f"Invoice {invoice.number}", "Warmte & Co B.V.", "VAT number: NL004495445B01",
                     "VAT number: DE136695976", "Registration no. 12345678", "Bäckerei Müller & Söhne",
                     "Vanne à 3 voies — Größe 22", "IBAN: NL91 ABNA 0417 1643 00", "BIC: ABNANL2A",
                     f"Payment reference: {invoice.payment_reference}", f"EUR {invoice.gross_total}",
                     f"EUR {invoice.net_total}", "VAT 21% on EUR", "VAT 9% on EUR 20.00", "EUR 1.80",
                     "Total to pay"):
        assert expected in text, expected
    assert invoice.payment_reference.startswith("RF")
    assert "DRAFT" not in text
    assert_fonts_embedded(pdf)


def test_qr_code_carries_the_exact_sepa_transfer(make):
    make.company()
    invoice = approved(make)
    [code] = qr_codes(render_invoice_pdf(invoice))
    assert code.ec_level == "M"
    reference = invoice.payment_reference.replace(" ", "")
    assert code.text == ("BCD\n002\n1\nSCT\nABNANL2A\nWarmte & Co B.V.\nNL91ABNA0417164300\n"
                         f"EUR{invoice.gross_total}\n\n{reference}")


def test_belgian_structured_communication_goes_in_the_unstructured_remittance(make):
    make.company(bic=None)
    customer = make.customer(language="de", address={"street": "Kerkstraat 5", "postal_code": "2000",
                                                     "city": "Antwerpen", "country": "BE"})
    invoice = approved(make, customer=customer)
    assert invoice.payment_reference.startswith("+++")
    pdf = render_invoice_pdf(invoice)
    [code] = qr_codes(pdf)
    # version 002 leaves the BIC out; the purpose and the structured (RF) fields stay empty
    assert code.text == ("BCD\n002\n1\nSCT\n\nWarmte & Co B.V.\nNL91ABNA0417164300\n"
                         f"EUR{invoice.gross_total}\n\n\n{invoice.payment_reference}")
    text = pdf_text(pdf)
    assert f"Rechnung {invoice.number}" in text  # the customer reads German
    assert invoice.payment_reference in text
    assert_fonts_embedded(pdf)


def test_no_qr_code_on_drafts_without_iban_or_in_other_currencies(make):
    make.company()
    invoice = draft(make)
    pdf = render_invoice_pdf(invoice)
    assert "IBAN: NL91 ABNA 0417 1643 00" in pdf_text(pdf) and qr_codes(pdf) == []
    services.approve_invoice(invoice, None)
    db.session.commit()
    make.company(iban=None)
    assert qr_codes(render_invoice_pdf(invoice)) == []
    make.company(iban="NL91ABNA0417164300")
    invoice.currency = "CHF"
    assert qr_codes(render_invoice_pdf(invoice)) == []


def test_company_logo_is_printed_and_a_missing_one_is_left_out(make):
    key = storage().put(png(300, 100), prefix="logos", suffix=".png")
    make.company(logo_key=key)
    invoice = draft(make)
    pdf = render_invoice_pdf(invoice)
    assert image_sizes(pdf) == [(300, 100)]
    assert_fonts_embedded(pdf)

    make.company(logo_key=None)
    assert image_sizes(render_invoice_pdf(invoice)) == []
    storage().delete(key)
    make.company(logo_key=key)  # the file went missing: the invoice is still made
    assert "Warmte & Co B.V." in pdf_text(render_invoice_pdf(invoice))


def test_draft_pdf_is_watermarked_and_has_no_number(make):
    make.company()
    invoice = draft(make, customer=make.customer(language="nl"))
    text = pdf_text(render_invoice_pdf(invoice))
    assert "CONCEPT" in text  # the customer reads Dutch
    assert "DRAFT" not in text
    assert invoice_document(invoice).is_draft
    # amounts are written the customer's way: a decimal comma in Dutch
    assert f"EUR {invoice.gross_total}".replace(".", ",") in text


def test_approved_pdf_is_frozen_against_later_company_changes(make, api):
    make.company()
    invoice = approved(make)
    make.company(name="Renamed Holding B.V.")
    response = api.as_user(make.user("billing")).get(f"invoices/{invoice.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Warmte & Co B.V." in text and "Renamed Holding" not in text
    assert invoice.number in text


TRANSFER = {"name": "Warmte & Co B.V.", "iban": "NL91 ABNA 0417 1643 00", "bic": "ABNANL2A", "currency": "EUR"}


@pytest.mark.parametrize(("changes", "last_lines"), [
    ({"amount": Decimal("0.01"), "reference": "RF18 5390 0754 7034"}, "EUR0.01\n\nRF18539007547034"),
    ({"amount": Decimal("999999999.99")}, "EUR999999999.99"),
    ({"amount": Decimal("12.5"), "reference": "+++010/0000/62628+++"}, "EUR12.50\n\n\n+++010/0000/62628+++"),
    ({"amount": Decimal("12.5"), "reference": "0100000 62628"}, "EUR12.50\n\n\n+++010/0000/62628+++"),
    ({"amount": Decimal("7"), "text": "INV-2026-00001"}, "EUR7.00\n\n\nINV-2026-00001"),
])
def test_epc_payload_fields(changes, last_lines):
    payload = epc_payload(**TRANSFER | changes)
    assert payload == "BCD\n002\n1\nSCT\nABNANL2A\nWarmte & Co B.V.\nNL91ABNA0417164300\n" + last_lines
    assert not payload.endswith("\n")


@pytest.mark.parametrize("changes", [
    {"amount": Decimal("0.00")}, {"amount": Decimal("-5")}, {"amount": Decimal("1000000000.00")},
    {"currency": "CHF"}, {"iban": None}, {"iban": "NL91ABNA0417164301"}, {"name": "  "},
    {"name": "🔥" * 70, "text": "x" * 140},  # over the 331 bytes a version 13 code holds
])
def test_epc_payload_refuses_what_a_bank_would_refuse(changes):
    assert epc_payload(**TRANSFER | {"amount": Decimal("10")} | changes) is None


def test_epc_payload_cuts_name_and_text_to_their_maximum_length():
    payload = epc_payload(**TRANSFER | {"name": "N" * 90, "amount": Decimal("1"), "text": "t" * 200})
    lines = payload.split("\n")
    assert lines[5] == "N" * 70 and lines[10] == "t" * 140
    assert len(payload.encode()) <= 331
