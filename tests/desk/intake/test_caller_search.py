"""The intake's caller search: customers and contact persons by name, e-mail or phone however it is written,
bounded and in two queries."""

from __future__ import annotations

import pytest

from dispatch.desk.intake.services import find_callers, phone_digits
from tests.support.queries import recorded_statements
from tests.views.helpers import text_of


@pytest.mark.parametrize(("written", "digits"), [
    ("06-1234 5678", "612345678"), ("+31 6 12345678", "612345678"), ("0031 (0)6 1234 5678", "612345678"),
    ("+32 470 12 34 56", "470123456"), ("0049 30 1234567", "301234567"), ("+44 20 7946 0958", "442079460958"),
    ("", ""), (None, ""),
])
def test_phone_numbers_compare_on_their_significant_digits(written, digits):
    assert phone_digits(written) == digits


def test_a_local_number_finds_the_international_one_of_a_customer_and_a_contact(app, make):
    household = make.customer(name="Familie Jansen", phone="+31 6 12345678")
    company = make.customer(name="Bakker BV", phone="+31 20 555 0000", is_company=True)
    contact = make.contact(company, name="Piet Bakker", phone="+31 (0)6-1234-5678", email="piet@bakker.example")
    make.customer(name="Someone Else", phone="+31 6 87654321")
    hits = find_callers("06-1234 5678", 10)
    assert [(hit.customer.id, hit.contact.id if hit.contact else None) for hit in hits] == [
        (household.id, None), (company.id, contact.id)]
    assert [hit.key for hit in find_callers("piet@bakker", 10)] == [f"contact:{contact.id}"]
    assert {hit.customer.name for hit in find_callers("bakker", 10)} == {"Bakker BV"}


def test_the_search_is_bounded_and_costs_two_queries(app, make):
    for n in range(6):
        company = make.customer(name=f"Van Dijk {n}", phone=f"+31 10 000 000{n}")
        make.contact(company, name=f"Van Dijk contact {n}")
    with recorded_statements() as statements:
        hits = find_callers("van dijk", 4)
        assert {hit.customer.name for hit in hits}  # customers of contacts are loaded with them
    assert len(hits) == 8 and len(statements) == 2
    assert find_callers("", 4) == [] and find_callers("   ", 4) == []


def test_wildcards_in_the_search_are_text(app, make):
    make.customer(name="Percent Shop")
    assert find_callers("%", 10) == [] and find_callers("_", 10) == []


def test_the_fragment_lists_contacts_with_their_company(pages, client, make):
    pages.login_as("agent")
    company = make.customer(name="Installatiebedrijf Noord", is_company=True)
    make.contact(company, name="Kees de Wit", phone="06 11 22 33 44")
    page = text_of(client.get("/tickets/new/customers?q=0611223344"))
    assert "Kees de Wit" in page and "contact at Installatiebedrijf Noord" in page
