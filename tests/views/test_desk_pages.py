"""Desk pages: the ticket list, the ticket and its jobs (phone intake: tests/desk/intake)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.scheduling.models import Job
from tests.support.queries import count, recorded_statements
from tests.views.helpers import text_of


def test_ticket_list_newest_first_with_light_in_words(pages, client, make):
    pages.login_as("agent")
    older = make.ticket(subject="Older ticket")
    newer = make.ticket(subject="Newer ticket", priority="urgent")
    page = text_of(client.get("/tickets"))
    assert page.index(newer.reference) < page.index(older.reference)
    assert "On track" in page  # the light is written out, not only a colour


def test_ticket_list_filters_by_priority_status_and_text(pages, client, make):
    pages.login_as("agent")
    leak = make.ticket(subject="Leak under sink", priority="urgent")
    noise = make.ticket(subject="Noisy pump", priority="low")
    page = text_of(client.get("/tickets?priority=urgent"))
    assert leak.reference in page and noise.reference not in page
    page = text_of(client.get("/tickets?q=pump"))
    assert noise.reference in page and leak.reference not in page
    page = text_of(client.get("/tickets?status=resolved"))
    assert "No tickets match these filters." in page
    page = text_of(client.get("/tickets?status=new"))
    assert leak.reference in page and noise.reference in page


def test_ticket_list_pages_with_a_cursor(pages, client, make):
    pages.login_as("agent")
    customer = make.customer()
    references = [make.ticket(customer, subject=f"Ticket {n}").reference for n in range(27)]
    first = client.get("/tickets?sort=newest").get_data(as_text=True)
    assert references[-1] in first and references[0] not in first
    cursor = first.split("cursor=", 1)[1].split('"', 1)[0].replace("&amp;", "&")
    second = text_of(client.get(f"/tickets?sort=newest&cursor={cursor}"))
    assert references[0] in second and references[-1] not in second


def test_bad_cursor_is_a_422_page_not_a_500(pages, client):
    pages.login_as("agent")
    response = client.get("/tickets?cursor=not-a-cursor")
    assert response.status_code == 422
    assert "cursor" in text_of(response)


def test_ticket_subject_is_escaped_everywhere(pages, client, make):
    pages.login_as("agent")
    ticket = make.ticket(subject="<script>alert(1)</script>", description="<img src=x onerror=alert(2)>")
    for path in ("/tickets", f"/tickets/{ticket.id}", f"/customers/{ticket.customer_id}"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, path
        assert "<img src=x" not in body, path


def test_ticket_page_shows_customer_sidebar_messages_and_jobs(pages, client, make):
    pages.login_as("agent")
    customer = make.customer(name="Smit BV", phone="+31 20 123 4567")
    asset = make.asset(customer, serial_number="SMIT-1",
                       parts_warranty_until=date.today() + timedelta(days=30))
    make.contract(customer, [asset], ["labour"])
    ticket = make.ticket(asset=asset, description="Radiator stays cold.")
    job = make.job(ticket)
    page = text_of(client.get(f"/tickets/{ticket.id}"))
    for expected in ("Smit BV", "+31 20 123 4567", "SMIT-1", "Radiator stays cold.", job.number, "active",
                     "Covers: labour", "Unscheduled", "Create a job"):
        assert expected in page, expected


def test_ticket_page_costs_the_same_queries_for_2_and_12_assets_contracts_and_jobs(pages, client, make):
    pages.login_as("agent")
    counts = {}
    for number in (2, 12):
        customer = make.customer()
        assets = [make.asset(customer) for _ in range(number)]
        for asset in assets:
            make.contract(customer, [asset], ["labour"])
        ticket = make.ticket(asset=assets[0])
        for _ in range(number):
            make.job(ticket)
        path = f"/tickets/{ticket.id}"
        db.session.expunge_all()  # nothing read from memory
        with recorded_statements() as statements:
            response = client.get(path)
        assert response.status_code == 200
        counts[number] = len(statements)
        # The sidebar reads the assets once, however many there are.
        assert sum("FROM assets" in statement for statement in statements) == 1
    assert counts[2] == counts[12], counts


@pytest.mark.parametrize("role", ["agent", "admin"])  # admins may do what the desk does
def test_create_job_from_the_ticket(pages, client, make, role):
    pages.login_as(role)
    asset = make.asset(serial_number="JOB-ASSET")
    ticket = make.ticket(asset=asset)
    response = client.post(f"/tickets/{ticket.id}/jobs", data={
        "csrf_token": pages.token(f"/tickets/{ticket.id}"), "kind": "maintenance", "duration_minutes": "90",
        "required_skills": "boiler, gas", "asset_id": asset.id, "instructions": "Key at the neighbours."})
    assert response.status_code == 303
    job = db.session.scalar(select(Job).where(Job.ticket_id == ticket.id))
    assert response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert (job.kind.value, job.duration_minutes) == ("maintenance", 90)
    assert job.required_skills == ["boiler", "gas"]
    assert job.instructions == "Key at the neighbours." and job.status.value == "unscheduled"


def test_create_job_bad_input_is_422_and_changes_nothing(pages, client, make):
    pages.login_as("agent")
    ticket = make.ticket()
    token = pages.token(f"/tickets/{ticket.id}")
    response = client.post(f"/tickets/{ticket.id}/jobs", data={
        "csrf_token": token, "kind": "repair", "duration_minutes": "0",
        "required_skills": "boiler; drop table"})
    assert response.status_code == 422
    page = text_of(response)
    assert "Estimated duration (minutes):" in page and "Required skills:" in page
    response = client.post(f"/tickets/{ticket.id}/jobs", data={"csrf_token": token, "kind": "teleport",
                                                                "duration_minutes": "60"})
    assert response.status_code == 422 and "Kind of work: Not a valid choice." in text_of(response)
    other_asset = make.asset(serial_number="NOT-THEIRS")
    response = client.post(f"/tickets/{ticket.id}/jobs", data={
        "csrf_token": token, "kind": "repair", "duration_minutes": "60", "asset_id": other_asset.id})
    assert response.status_code == 422 and "Asset: Not a valid choice." in text_of(response)
    response = client.post(f"/tickets/{ticket.id}/jobs", data={"kind": "repair", "duration_minutes": "60"})
    assert response.status_code == 400
    assert count(Job) == 0


def test_unknown_ticket_is_a_404_page(pages, client):
    pages.login_as("agent")
    response = client.get("/tickets/999999")
    assert response.status_code == 404
    assert "404" in text_of(response)
