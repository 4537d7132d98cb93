"""The accountants' CSV files: approved documents of a period, per VAT rate, streamed in constant queries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from dispatch.billing.amounts import LineSpec, append_line, recalculate
from dispatch.billing.models import CreditNote, Invoice
from dispatch.enums import InvoiceStatus, LineKind, Role
from dispatch.extensions import db
from tests.support.queries import recorded_statements

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
_numbers = iter(range(1, 10_000))


def issued(customer, on: date, lines=(("21.00", "100.00"), ("9.00", "10.00")), status=InvoiceStatus.APPROVED,
           buyer_name: str | None = None) -> Invoice:
    n = next(_numbers)
    invoice = Invoice(series="INV", status=status, customer_id=customer.id, currency="EUR",
                      buyer_name=buyer_name or customer.name, buyer_address="Dorpsstraat 1\n1234 AB Utrecht",
                      buyer_country="NL", buyer_vat_number="NL004495445B01",
                      number=None if status == InvoiceStatus.DRAFT else f"INV-2026-{n:06d}",
                      issued_on=on, due_on=on + timedelta(days=14), payment_reference=f"RF18{n:08d}")
    for rate, price in lines:
        append_line(invoice, LineSpec(LineKind.LABOUR, "Labour", Decimal(1), "HUR", Decimal(price), Decimal(rate)))
    recalculate(invoice)
    db.session.add(invoice)
    db.session.commit()
    return invoice


def credit(invoice: Invoice, on: date, price: str = "50.00") -> CreditNote:
    note = CreditNote(series="CN", number=f"CN-2026-{next(_numbers):06d}", invoice_id=invoice.id,
                      status=InvoiceStatus.APPROVED, reason="Too many hours", issued_on=on, currency="EUR")
    append_line(note, LineSpec(LineKind.LABOUR, "Labour", Decimal(1), "HUR", Decimal(price), Decimal("21.00")))
    recalculate(note)
    db.session.add(note)
    db.session.commit()
    return note


@pytest.fixture
def billing_client(api, make):
    make.company()
    return api.as_user(make.user(Role.BILLING))


def rows(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    delimiter = ";" if text.startswith("\ufeff") else ","
    return [line.split(delimiter) for line in text.lstrip("\ufeff").splitlines()]


def test_invoices_of_the_period_one_row_per_vat_rate_in_excel_style(billing_client, make):
    customer = make.customer(name="Jansen")
    invoice = issued(customer, date(2026, 3, 10))
    issued(customer, date(2026, 2, 28))  # before the period
    issued(customer, date(2026, 3, 12), status=InvoiceStatus.DRAFT)  # never exported
    response = billing_client.get("exports/invoices.csv", query_string=MARCH)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf") and b"\r\n" in response.data
    assert 'filename="invoices_2026-03-01_2026-03-31.csv"' in response.headers["Content-Disposition"]
    header, *body = rows(response)
    assert header[:4] == ["Document type", "Number", "Issue date", "Due date"] and len(header) == 17
    assert body == [
        ["invoice", invoice.number, "2026-03-10", "2026-03-24", "", str(customer.id), "Jansen", "NL004495445B01",
         "NL", "EUR", "9,00", "10,00", "0,90", "10,90", invoice.payment_reference, "approved", ""],
        ["invoice", invoice.number, "2026-03-10", "2026-03-24", "", str(customer.id), "Jansen", "NL004495445B01",
         "NL", "EUR", "21,00", "100,00", "21,00", "121,00", invoice.payment_reference, "approved", ""],
    ]


def test_credit_notes_are_negative_and_name_their_invoice_in_standard_style(billing_client, make):
    invoice = issued(make.customer(name="Pieters"), date(2026, 2, 20))
    invoice.status, invoice.paid_on = InvoiceStatus.PAID, date(2026, 3, 2)
    db.session.commit()
    note = credit(invoice, date(2026, 3, 5))
    response = billing_client.get("exports/invoices.csv", query_string={**MARCH, "style": "standard"})
    header, *body = rows(response)
    assert not response.data.startswith(b"\xef\xbb\xbf")
    assert body == [["credit_note", note.number, "2026-03-05", "", invoice.number, str(invoice.customer_id), "Pieters",
                     "NL004495445B01", "NL", "EUR", "21.00", "-50.00", "-10.50", "-60.50",
                     invoice.payment_reference, "approved", ""]]
    february = billing_client.get("exports/invoices.csv", query_string={"from": "2026-02-01", "to": "2026-02-28",
                                                                        "style": "standard"})
    assert rows(february)[1][-2:] == ["paid", "2026-03-02"]


def test_lines_file_and_formula_injection_guard(billing_client, make):
    customer = make.customer(name="=HYPERLINK(\"http://evil\")")
    invoice = issued(customer, date(2026, 3, 3), lines=(("21.00", "99.95"),))
    excel = billing_client.get("exports/invoice-lines.csv", query_string=MARCH)
    header, line = rows(excel)
    assert header[:2] == ["Document type", "Number"] and len(header) == 15
    assert line[0:3] == ["invoice", invoice.number, "2026-03-03"]
    assert line[4].startswith("\"'=HYPERLINK")  # quoted by csv, disarmed by the leading apostrophe
    assert line[-3:] == ["21,00", "99,95", "EUR"]
    standard = billing_client.get("exports/invoice-lines.csv", query_string={**MARCH, "style": "standard"})
    assert rows(standard)[1][-3:] == ["21.00", "99.95", "EUR"]


def test_the_export_takes_the_same_queries_however_many_documents(billing_client, make):
    customer = make.customer()
    issued(customer, date(2026, 3, 2))
    with recorded_statements() as one:
        billing_client.get("exports/invoices.csv", query_string=MARCH)
        billing_client.get("exports/invoice-lines.csv", query_string=MARCH)
    for day in range(3, 28):
        credit(issued(customer, date(2026, 3, day)), date(2026, 3, day))
    with recorded_statements() as many:
        documents = billing_client.get("exports/invoices.csv", query_string=MARCH)
        lines = billing_client.get("exports/invoice-lines.csv", query_string=MARCH)
    assert len(many) == len(one)
    assert len(rows(documents)) == 1 + 26 * 2 + 25 and len(rows(lines)) == 1 + 26 * 2 + 25


@pytest.mark.parametrize(("query", "field"), [({"to": "2026-03-31"}, "from"), ({"from": "2026-03-31"}, "to"),
                                              ({"from": "2026-04-01", "to": "2026-03-31"}, "to"),
                                              ({**MARCH, "style": "xlsx"}, "style")])
def test_bad_periods_are_422(billing_client, query, field):
    response = billing_client.get("exports/invoices.csv", query_string=query)
    assert response.status_code == 422 and field in response.json["errors"]


@pytest.mark.parametrize(("role", "expected"), [(Role.ADMIN, 200), (Role.BILLING, 200), (Role.AGENT, 403),
                                                (Role.TECHNICIAN, 404)])
def test_who_may_export(api, make, role, expected):
    client = api.as_user(make.user(role))
    assert client.get("exports/invoices.csv", query_string=MARCH).status_code == expected
    assert client.get("exports/invoice-lines.csv", query_string=MARCH).status_code == expected


@pytest.mark.parametrize(("role", "expected"), [(Role.BILLING, 200), (Role.ADMIN, 200), (Role.AGENT, 403),
                                                (Role.TECHNICIAN, 403)])
def test_the_exports_page_links_the_files(client, auth, make, role, expected):
    make.user(role, email="clerk@example.com")
    auth.login("clerk@example.com")
    response = client.get("/reports/exports?from=2026-03-01&to=2026-03-31&style=standard")
    assert response.status_code == expected
    if expected == 200:
        page = response.get_data(as_text=True)
        assert "/api/v1/exports/invoices.csv?" in page and "style=standard" in page
        assert "/api/v1/exports/invoice-lines.csv?" in page


def test_the_exports_page_shows_a_wrong_period_on_its_field(client, auth, make):
    make.user(Role.BILLING, email="clerk@example.com")
    auth.login("clerk@example.com")
    response = client.get("/reports/exports?from=2026-04-01&to=2026-03-31")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "The last day comes before the first day." in page
    assert "/api/v1/exports/invoices.csv?" not in page
    assert client.get("/reports/exports?from=31-03-2026&to=2026-03-31").status_code == 422
    assert client.get("/reports/exports").status_code == 200  # last month by default
