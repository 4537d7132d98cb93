"""The credit note PDF: laid out as the invoice, titled as a credit note, naming the invoice it corrects."""

from __future__ import annotations

from babel.dates import format_date

from dispatch.billing import credit_notes, services
from dispatch.billing.pdf import render_credit_note_pdf
from dispatch.extensions import db
from dispatch.storage import storage
from tests.billing.helpers import draft
from tests.support.pdf import assert_fonts_embedded, image_sizes, pdf_text, png, qr_codes


def credit_note(make, *, approve: bool = True, **job_options):
    """A credit note taking back the whole of an approved invoice."""
    invoice = draft(make, **job_options)
    services.approve_invoice(invoice, None)
    note = credit_notes.create_credit_note(invoice, "Valve returned unused <in its box>", None, None)
    if approve:
        credit_notes.approve_credit_note(note, None)
    db.session.commit()
    return invoice, note


def test_credit_note_names_the_invoice_it_corrects_with_positive_amounts(make):
    key = storage().put(png(240, 80), prefix="logos", suffix=".png")
    make.company(logo_key=key)
    valve = make.product(name="Diverter valve 22 mm", unit_price="84.50")
    manual = make.product(name="Handboek", unit_price="10.00", vat_rate="9.00")
    customer = make.customer(name="Bäckerei Müller & Söhne", vat_number="DE136695976", language="en")
    invoice, note = credit_note(make, parts=[(valve, "1"), (manual, "2")], customer=customer)
    assert note.gross_total == invoice.gross_total > 0

    pdf = render_credit_note_pdf(note)
    text = pdf_text(pdf)
    issued = format_date(invoice.issued_on, locale="en_GB")
    for expected in (f"Credit note {note.number}", "Corrects invoice", f"{invoice.number} of {issued}",
                     "Valve returned unused <in its box>", "VAT number: NL004495445B01", "VAT number: DE136695976",
                     "Registration no. 12345678", "Diverter valve 22 mm", f"EUR {note.net_total}",
                     "VAT 9% on EUR 20.00", "EUR 1.80", "VAT 21% on EUR", "Total credited", f"EUR {note.gross_total}"):
        assert expected in text, expected
    assert "-EUR" not in text and "EUR -" not in text and "EUR −" not in text
    assert "Total to pay" not in text and "Please transfer" not in text
    assert qr_codes(pdf) == []  # nothing to pay: no transfer to start
    assert image_sizes(pdf) == [(240, 80)]
    assert_fonts_embedded(pdf)


def test_draft_credit_note_is_watermarked_in_the_customers_language(make):
    make.company()
    _invoice, note = credit_note(make, approve=False, customer=make.customer(language="nl"))
    pdf = render_credit_note_pdf(note)
    text = pdf_text(pdf)
    assert "CONCEPT" in text and "Btw-nummer: NL004495445B01" in text  # the customer reads Dutch
    assert note.number is None
    assert f"EUR {note.gross_total}".replace(".", ",") in text
    assert qr_codes(pdf) == []
    assert_fonts_embedded(pdf)
