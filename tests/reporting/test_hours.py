"""Hours per technician, job, customer or ticket: work vs travel, billable vs covered, in the company's days."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from dispatch.enums import Role, TimeKind
from dispatch.extensions import db
from dispatch.reporting.hours import hours_report
from dispatch.reporting.services import Period
from tests.reporting.conftest import DAY, entry, local
from tests.support.queries import recorded_statements

MEASURES = ("work", "travel", "billable", "covered", "undecided", "total")


def table(report) -> dict[str, tuple[str, ...]]:
    return {row.label: tuple(str(row.hours(m)) for m in MEASURES) for row in report.rows}


def test_hours_per_technician_split_by_kind_and_coverage(workload):
    report = hours_report(Period(DAY, DAY), "technician")
    assert table(report) == {
        "Daan Bakker": ("2.50", "0.50", "2.00", "1.00", "0.00", "3.00"),
        "Sanne Visser": ("1.25", "0.25", "0.25", "0.75", "0.50", "1.50"),
    }
    assert tuple(str(report.totals.hours(m)) for m in MEASURES) == ("3.75", "0.75", "2.25", "1.75", "0.50", "4.50")


def test_hours_per_customer_job_and_ticket(workload):
    by_customer = hours_report(Period(DAY, DAY), "customer")
    assert table(by_customer) == {"Jansen": ("2.50", "0.50", "2.00", "1.00", "0.00", "3.00"),
                                  "Pieters": ("1.25", "0.25", "0.25", "0.75", "0.50", "1.50")}
    by_job = hours_report(Period(DAY, DAY), "job")
    rows = {row.label: row for row in by_job.rows}
    assert rows[workload.partly.number].detail == "Pieters"
    assert str(rows[workload.covered.number].hours("covered")) == "1.00"
    assert str(rows[workload.chargeable.number].hours("billable")) == "2.00"
    by_ticket = hours_report(Period(DAY, DAY), "ticket")
    assert {row.label for row in by_ticket.rows} == {job.ticket.reference for job in
                                                     (workload.chargeable, workload.covered, workload.partly,
                                                      workload.undecided)}
    assert by_ticket.totals.seconds == hours_report(Period(DAY, DAY), "technician").totals.seconds


def test_the_period_is_in_company_days(workload):
    two_days = hours_report(Period(DAY, DAY + timedelta(days=1)), "technician")
    assert str(two_days.totals.hours("undecided")) == "1.50"  # the 00:30 entry of the next day joins
    assert str(hours_report(Period(DAY - timedelta(days=1), DAY - timedelta(days=1)), "technician")
               .totals.hours("total")) == "1.00"


def test_one_query_however_many_jobs(workload, make):
    hours_report(Period(DAY, DAY), "job")  # the company's zone is read once per app context, before either count
    with recorded_statements() as few:
        hours_report(Period(DAY, DAY), "job")
    for _ in range(6):
        technician = make.user("technician")
        job = make.job()
        entry(job, technician, TimeKind.WORK, local(DAY, 10), 20)
    db.session.commit()
    for group in ("technician", "job", "customer", "ticket"):
        with recorded_statements() as many:
            report = hours_report(Period(DAY, DAY), group)
        assert len(many) == len(few), group
    assert report.totals.hours("undecided") == Decimal("2.50")


def test_api_answers_hours_as_strings(api, workload, make):
    client = api.as_user(make.user(Role.AGENT))
    response = client.get("reports/hours", query_string={"from": "2026-03-10", "to": "2026-03-10",
                                                         "group_by": "customer"})
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["from"], body["to"], body["group_by"]) == ("2026-03-10", "2026-03-10", "customer")
    assert [row["label"] for row in body["rows"]] == ["Jansen", "Pieters"]
    assert body["rows"][0]["billable"] == "2.00" and body["totals"]["total"] == "4.50"


def test_hours_csv_has_a_total_row(api, workload, make):
    client = api.as_user(make.user(Role.BILLING))
    response = client.get("reports/hours.csv", query_string={"from": "2026-03-10", "to": "2026-03-10",
                                                             "style": "standard"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="hours-by-technician_2026-03-10_2026-03-10.csv"' in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "Technician,Details,Work (h),Travel (h),Billable (h),Covered (h),Undecided (h),Total (h)"
    assert lines[1] == "Daan Bakker,,2.50,0.50,2.00,1.00,0.00,3.00"
    assert lines[-1] == "Total,,3.75,0.75,2.25,1.75,0.50,4.50"
    excel = client.get("reports/hours.csv", query_string={"from": "2026-03-10", "to": "2026-03-10"})
    assert excel.data.startswith("\ufeff".encode()) and "Daan Bakker;;2,50;0,50" in excel.get_data(as_text=True)


@pytest.mark.parametrize(("query", "field"), [
    ({"to": "2026-03-10"}, "from"),
    ({"from": "2026-03-10"}, "to"),
    ({"from": "2026-03-11", "to": "2026-03-10"}, "to"),
    ({"from": "10-03-2026", "to": "2026-03-10"}, "from"),
    ({"from": "2020-01-01", "to": "2026-03-10"}, "to"),
    ({"from": "2026-03-10", "to": "2026-03-10", "group_by": "colour"}, "group_by"),
    ({"from": "2026-03-10", "to": "2026-03-10", "style": "xlsx"}, "style"),
])
def test_bad_periods_and_groupings_are_422_naming_the_field(api, make, query, field):
    client = api.as_user(make.user(Role.ADMIN))
    path = "reports/hours.csv" if "style" in query else "reports/hours"
    response = client.get(path, query_string=query)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in response.json["errors"], response.json


@pytest.mark.parametrize(("role", "expected"), [(Role.ADMIN, 200), (Role.AGENT, 200), (Role.BILLING, 200),
                                                (Role.TECHNICIAN, 404)])
def test_who_may_read_hours_through_the_api(api, make, role, expected):
    client = api.as_user(make.user(role))
    query = {"from": "2026-03-01", "to": "2026-03-31"}
    assert client.get("reports/hours", query_string=query).status_code == expected
    assert client.get("reports/hours.csv", query_string=query).status_code == expected


@pytest.mark.parametrize(("role", "expected"), [(Role.ADMIN, 200), (Role.AGENT, 200), (Role.BILLING, 200),
                                                (Role.TECHNICIAN, 403)])
def test_the_hours_page(client, auth, workload, make, role, expected):
    make.user(role, email="reader@example.com")
    auth.login("reader@example.com")
    response = client.get("/reports/hours?from=2026-03-10&to=2026-03-10&group_by=technician")
    assert response.status_code == expected
    if expected != 200:
        return
    page = response.get_data(as_text=True)
    assert "<caption" in page and '<th scope="row">Daan Bakker' in page and '<th scope="col"' in page
    assert "<tfoot>" in page and "4.50" in page and "/api/v1/reports/hours.csv?" in page
    assert response.headers["Content-Security-Policy"]


def test_the_hours_page_shows_a_wrong_period_on_its_field(client, auth, make):
    make.user(Role.AGENT, email="agent@example.com")
    auth.login("agent@example.com")
    response = client.get("/reports/hours?from=2026-03-11&to=2026-03-10")
    assert response.status_code == 422
    assert "The last day comes before the first day." in response.get_data(as_text=True)
    assert client.get("/reports/hours").status_code == 200  # this month so far by default
