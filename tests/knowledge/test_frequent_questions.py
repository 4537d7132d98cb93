"""The most frequent questions of a period: by category and by recurring subject word, covered or not."""

import csv
import io
from datetime import date, timedelta

import pytest

from dispatch.enums import Role
from dispatch.extensions import db
from dispatch.knowledge.questions import frequent_questions
from dispatch.reporting.services import Period, company_today


def tickets(make, rows):
    customer = make.customer()
    for subject, category, subcategory in rows:
        make.ticket(customer, subject=subject, category=category, subcategory=subcategory)


@pytest.fixture
def asked(make):
    tickets(make, [
        ("De ketel lekt", "heating", "leak"), ("Ketel lekt water", "heating", "leak"),
        ("Kessel verliert Wasser", "heating", "leak"), ("The boiler is leaking", "heating", None),
        ("Factuur klopt niet", "billing", None), ("Thermostat battery", None, None),
        ("Thermostat display is blank", None, None),
    ])
    make.article(slug="billing", title="Your invoice explained", category="billing")
    make.article(slug="thermo", title="Thermostat battery change", category="devices")
    make.article(slug="ketel", title="Ketel lekt", category="heating", status="draft")


def test_categories_are_counted_and_marked_covered(app, asked):
    today = company_today()
    report = frequent_questions(Period(today, today))
    assert report.tickets == 7
    by = {(row.category, row.subcategory): (row.tickets, row.covered) for row in report.categories}
    assert by == {("heating", "leak"): (3, False), ("heating", None): (1, False), ("billing", None): (1, True),
                  (None, None): (2, False)}
    assert report.categories[0].category == "heating"  # most tickets first


def test_recurring_words_without_stop_words_and_covered_by_articles(app, asked):
    today = company_today()
    words = {row.word: (row.tickets, row.covered) for row in frequent_questions(Period(today, today)).words}
    assert words == {"ketel": (2, False), "lekt": (2, False), "thermostat": (2, True)}  # the ketel article is a draft


def test_tickets_outside_the_period_do_not_count(app, asked):
    yesterday = company_today() - timedelta(days=1)
    report = frequent_questions(Period(yesterday - timedelta(days=30), yesterday))
    assert report.tickets == 0 and report.categories == [] and report.words == []


def test_the_page_and_the_csv_file(client, pages, asked):
    pages.login_as("agent")
    today = company_today().isoformat()
    page = client.get(f"/knowledge/questions?from={today}&to={today}")
    assert page.status_code == 200 and "thermostat" in page.get_data(as_text=True)
    response = client.get(f"/api/v1/reports/frequent-questions.csv?from={today}&to={today}&style=standard")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Kind", "Category", "Subcategory", "Word", "Tickets", "Covered by an article"]
    assert ["category", "heating", "leak", "", "3", "no"] in rows
    assert ["word", "", "", "thermostat", "2", "yes"] in rows


def test_csv_cells_never_start_a_formula(client, pages, make):
    tickets(make, [("=HYPERLINK(1) x", "=cmd|calc", None), ("=HYPERLINK(1) y", "=cmd|calc", None)])
    pages.login_as("agent")
    today = company_today().isoformat()
    text = client.get(f"/api/v1/reports/frequent-questions.csv?from={today}&to={today}").get_data(as_text=True)
    assert "'=cmd|calc" in text and "\n=" not in text and ";=" not in text


@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-13-01&to=2026-01-01", "from"), ("from=2026-02-01&to=2026-01-01", "to"), ("to=2026-01-01", "from"),
    ("from=2020-01-01&to=2026-01-01", "to"), ("from=2026-01-01&to=2026-01-02&style=xls", "style"),
])
def test_bad_periods_are_refused_naming_the_field(api, make, query, field):
    client = api.as_user(make.user(Role.AGENT))
    for path in ("reports/frequent-questions", "reports/frequent-questions.csv"):
        if "style" in query and not path.endswith(".csv"):
            continue
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
        assert field in response.json["errors"] or field in str(response.json["errors"])


def test_the_page_refuses_a_reversed_period(client, pages):
    pages.login_as("agent")
    assert client.get("/knowledge/questions?from=2026-02-01&to=2026-01-01").status_code == 422


@pytest.mark.parametrize(("role", "status"), [(Role.AGENT, 200), (Role.ADMIN, 200), (Role.BILLING, 403),
                                              (Role.TECHNICIAN, 404)])
def test_who_may_read_the_report(api, make, role, status):
    day = date(2026, 11, 1).isoformat()
    client = api.as_user(make.user(role))
    assert client.get(f"reports/frequent-questions?from={day}&to={day}").status_code == status
    assert client.get(f"reports/frequent-questions.csv?from={day}&to={day}").status_code == status
    db.session.rollback()


def test_anonymous_callers_may_not_read_the_report(client):
    day = date(2026, 11, 1).isoformat()
    for path in (f"/api/v1/reports/frequent-questions?from={day}&to={day}",
                 f"/api/v1/reports/frequent-questions.csv?from={day}&to={day}"):
        response = client.get(path)
        assert response.status_code == 401 and response.mimetype == "application/problem+json", path


def test_the_page_names_a_wrong_day(client, pages):
    pages.login_as("agent")
    response = client.get("/knowledge/questions?from=2026-13-01&to=2026-01-01")
    assert response.status_code == 422 and 'id="from-error"' in response.get_data(as_text=True)
