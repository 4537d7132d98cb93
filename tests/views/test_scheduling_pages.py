"""Scheduling pages: the job list, scheduling in local time with 409 conflicts, suggestions, evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dispatch.closure import services as closure
from dispatch.closure.models import CoverageDecision
from dispatch.enums import JobStatus, TimeKind
from dispatch.extensions import db
from dispatch.field import photos as field_photos
from dispatch.field import services as field
from tests.support.factories import next_weekday_at
from tests.support.tasks import wait_for_tasks
from tests.views.helpers import hidden_fields, jpeg, signature_data_url, text_of

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _local_day(days_ahead: int = 2):
    return next_weekday_at(9, days_ahead=days_ahead).astimezone(AMSTERDAM).date()


def _schedule(client, pages, job, technician, on, start, end, **extra):
    data = {"csrf_token": pages.token(f"/jobs/{job.id}"), "day": on.isoformat(), "start": start, "end": end,
            "technician_id": technician.id if technician else ""} | extra
    return client.post(f"/jobs/{job.id}/schedule", data=data)


@pytest.mark.parametrize("role", ["agent", "admin"])  # admins may do what the desk does
def test_schedule_in_local_time_stores_utc(pages, client, make, role):
    pages.login_as(role)
    technician = make.user("technician", name="Piet Monteur")
    job = make.job()
    day = _local_day()
    response = _schedule(client, pages, job, technician, day, "10:00", "11:30")
    assert response.status_code == 303
    db.session.refresh(job)
    assert job.status == JobStatus.SCHEDULED and job.technician_id == technician.id
    assert job.scheduled_start == datetime.combine(day, time(10), AMSTERDAM).astimezone(UTC)
    assert job.scheduled_end == datetime.combine(day, time(11, 30), AMSTERDAM).astimezone(UTC)
    page = text_of(client.get(response.headers["Location"]))
    assert f"Job {job.number} scheduled for Piet Monteur." in page
    assert "Scheduled" in page and "10:00" in page


def test_overlap_is_a_409_naming_the_conflict_and_changes_nothing(pages, client, make):
    pages.login_as("agent")
    technician = make.user("technician")
    day = _local_day()
    other = make.scheduled_job(technician, start=datetime.combine(day, time(10), AMSTERDAM).astimezone(UTC))
    job = make.job()
    response = _schedule(client, pages, job, technician, day, "10:30", "11:30")
    assert response.status_code == 409
    page = text_of(response)
    assert "Not scheduled: this clashes with the planning." in page
    assert f"Overlaps job {other.number}." in page
    db.session.refresh(job)
    assert job.status == JobStatus.UNSCHEDULED and job.technician_id is None and job.scheduled_start is None


def test_outside_working_hours_is_a_409(pages, client, make):
    pages.login_as("agent")
    technician = make.user("technician", name="Late Larry")
    job = make.job()
    response = _schedule(client, pages, job, technician, _local_day(), "20:00", "21:00")
    assert response.status_code == 409
    assert "Outside Late Larry's working hours." in text_of(response)


def test_schedule_bad_input_is_422_naming_the_field(pages, client, make):
    pages.login_as("agent")
    technician = make.user("technician")
    job = make.job()
    day = _local_day()
    response = _schedule(client, pages, job, technician, day, "11:00", "10:00")
    assert response.status_code == 422
    assert "End time: The end must be after the start." in text_of(response)
    response = _schedule(client, pages, job, None, day, "10:00", "11:00", technician_id="999999")
    assert response.status_code == 422
    assert "Technician: Not a valid choice." in text_of(response)
    response = _schedule(client, pages, job, technician, day, "10:00", "11:00", day="31-02-2026")
    assert response.status_code == 422
    assert "Date:" in text_of(response)
    response = client.post(f"/jobs/{job.id}/schedule", data={"technician_id": technician.id,
                                                              "day": day.isoformat(), "start": "10:00",
                                                              "end": "11:00"})
    assert response.status_code == 400
    db.session.refresh(job)
    assert job.status == JobStatus.UNSCHEDULED and job.technician_id is None


def test_one_click_schedule_from_a_suggestion(pages, client, make):
    pages.login_as("agent")
    skilled = make.user("technician", name="Anna Skilled", skills=["boiler"])
    make.user("technician", name="Bob Unskilled", skills=["ventilation"])
    job = make.job(duration_minutes=90)
    day = _local_day(3)
    body = client.get(f"/jobs/{job.id}?day={day.isoformat()}&from=13:00").get_data(as_text=True)
    assert "Schedule Anna Skilled" in body and "Schedule Bob Unskilled" not in body
    form_html = body.split("Schedule Anna Skilled", 1)[0].rsplit("<form", 1)[1]
    fields = hidden_fields(form_html)
    assert fields["technician_id"] == str(skilled.id)
    assert (fields["day"], fields["start"], fields["end"]) == (day.isoformat(), "13:00", "14:30")
    response = client.post(f"/jobs/{job.id}/schedule", data=fields)
    assert response.status_code == 303
    db.session.refresh(job)
    assert job.technician_id == skilled.id
    assert job.scheduled_start == datetime.combine(day, time(13), AMSTERDAM).astimezone(UTC)


def test_job_list_puts_unscheduled_first(pages, client, make):
    pages.login_as("agent")
    technician = make.user("technician")
    scheduled = make.scheduled_job(technician, start=next_weekday_at(9))
    unscheduled = make.job()
    page = text_of(client.get("/jobs"))
    assert page.index(unscheduled.number) < page.index(scheduled.number)
    page = text_of(client.get("/jobs?status=scheduled"))
    assert scheduled.number in page and unscheduled.number not in page


def test_billing_reads_the_job_but_cannot_schedule(pages, client, make):
    technician = make.user("technician")
    job = make.job()
    pages.login_as("billing")
    body = text_of(client.get(f"/jobs/{job.id}"))
    assert "Evidence from the field" in body and "Schedule a technician" not in body
    response = _schedule(client, pages, job, technician, _local_day(), "10:00", "11:00")
    assert response.status_code == 403


def test_job_page_shows_the_evidence_receipt_coverage_and_invoice(pages, client, make):
    """The technician's real work through the field services; closure runs as after a real completion."""
    make.company()
    technician = make.user("technician", name="Tess Technician")
    product = make.product(name="Pressure valve", sku="PV-3")
    expired = date.today() - timedelta(days=30)
    asset = make.asset(purchased_on=expired - timedelta(days=800), parts_warranty_until=expired,
                       labour_warranty_until=expired)
    job = make.scheduled_job(technician, make.ticket(asset=asset), start=next_weekday_at(9, days_ahead=1))
    now = datetime.now(UTC)
    field.report_status(job, JobStatus.ON_SITE, technician.id)
    field.add_time_entry(job, technician.id, {
        "kind": TimeKind.WORK, "started_at": now - timedelta(minutes=50),
        "ended_at": now - timedelta(minutes=5), "note": "Replaced valve"})
    field.add_part(job, technician.id, {"product_id": product.id, "quantity": Decimal("2")})
    photo = field_photos.add_photo(job, technician.id, jpeg(), "Old valve")
    field.sign(job, {"signer_name": "Mrs Jansen", "image": signature_data_url()}, technician.id)
    field.complete(job, {"summary": "Valve replaced, pressure ok."}, technician.id)
    db.session.commit()
    wait_for_tasks()

    pages.login_as("agent")
    response = client.get(f"/jobs/{job.id}")
    body = response.get_data(as_text=True)
    page = text_of(response)
    for expected in ("Replaced valve", "45", "Pressure valve", "PV-3", "Signed by Mrs Jansen",
                     "Valve replaced, pressure ok.", "Chargeable", "warranty ended"):
        assert expected in page, expected
    assert f'src="/api/v1/photos/{photo.id}/thumbnail"' in body
    assert f'href="/api/v1/jobs/{job.id}/receipt.pdf"' in body
    db.session.refresh(job)
    assert job.invoice_id is not None
    assert "Draft invoice" in page
    thumbnail = client.get(f"/api/v1/photos/{photo.id}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"
    receipt = client.get(f"/api/v1/jobs/{job.id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")


def _job_that_needs_review(make):
    """A job done on site, signed and completed without a known asset: closure leaves it to an agent."""
    make.company()
    technician = make.user("technician")
    job = make.scheduled_job(technician, start=next_weekday_at(9, days_ahead=1))  # no asset: needs review
    now = datetime.now(UTC)
    field.report_status(job, JobStatus.ON_SITE, technician.id)
    field.add_time_entry(job, technician.id, {
        "kind": TimeKind.WORK, "started_at": now - timedelta(minutes=40),
        "ended_at": now - timedelta(minutes=10)})
    field.sign(job, {"signer_name": "Mr Bos", "image": signature_data_url()}, technician.id)
    field.complete(job, {"summary": "Done"}, technician.id)
    db.session.commit()
    wait_for_tasks()
    return job


def _decisions(job) -> list[tuple[str, int | None]]:
    """The job's coverage decisions as committed: (outcome, deciding agent)."""
    db.session.expire_all()
    return [(d.outcome.value, d.decided_by_id) for d in db.session.scalars(
        select(CoverageDecision).where(CoverageDecision.job_id == job.id).order_by(CoverageDecision.id))]


@pytest.mark.parametrize("role", ["agent", "admin"])  # admins may do what the desk does
def test_agent_decides_coverage_of_a_job_that_needs_review(pages, client, make, role):
    job = _job_that_needs_review(make)
    pages.login_as(role)
    page = text_of(client.get(f"/jobs/{job.id}"))
    assert "Needs review" in page and "Decide coverage" in page
    token = pages.token(f"/jobs/{job.id}")
    response = client.post(f"/jobs/{job.id}/coverage", data={"csrf_token": token, "outcome": "chargeable",
                                                              "reason": ""})
    assert response.status_code == 422 and "Reason: This field is required." in text_of(response)
    db.session.refresh(job)
    assert job.status == JobStatus.COMPLETED and job.invoice_id is None
    response = client.post(f"/jobs/{job.id}/coverage", data={
        "csrf_token": token, "outcome": "chargeable", "reason": "Not our installation, agreed by phone."})
    assert response.status_code == 303
    db.session.refresh(job)
    assert job.status == JobStatus.CLOSED and job.invoice_id is not None
    page = text_of(client.get(f"/jobs/{job.id}"))
    assert "Chargeable" in page and "Not our installation, agreed by phone." in page
    assert "Decided by an agent" in page


def test_coverage_decided_meanwhile_is_a_409_saying_so_and_changes_nothing(pages, client, make):
    job = _job_that_needs_review(make)
    agent = pages.login_as("agent")
    token = pages.token(f"/jobs/{job.id}")  # the page still offers the decision form
    closure.decide_manually(job, "covered", ["Goodwill, decided by a colleague."], agent.id)
    db.session.commit()
    before = _decisions(job)
    response = client.post(f"/jobs/{job.id}/coverage", data={"csrf_token": token, "outcome": "chargeable",
                                                              "reason": "Not our installation."})
    assert response.status_code == 409
    page = text_of(response)
    assert f"Error: Job {job.number} is closed; only a completed job awaits a coverage decision." in page
    assert "Not scheduled: this clashes with the planning." not in page
    assert _decisions(job) == before and before[-1] == ("covered", agent.id)


def test_coverage_bad_input_is_422_and_changes_nothing(pages, client, make):
    job = _job_that_needs_review(make)
    pages.login_as("agent")
    token = pages.token(f"/jobs/{job.id}")
    before = _decisions(job)
    response = client.post(f"/jobs/{job.id}/coverage", data={"csrf_token": token, "outcome": "needs_review",
                                                              "reason": "Unsure."})
    assert response.status_code == 422 and "Decision: Not a valid choice." in text_of(response)
    response = client.post(f"/jobs/{job.id}/coverage", data={"csrf_token": token, "outcome": "partly_covered",
                                                              "reason": "Parts only."})
    assert response.status_code == 422
    assert "For a partly covered job, list what is covered" in text_of(response)
    assert client.post("/jobs/424242/coverage", data={"csrf_token": token, "outcome": "covered",
                                                      "reason": "Goodwill."}).status_code == 404
    assert _decisions(job) == before
    db.session.refresh(job)
    assert job.status == JobStatus.COMPLETED and job.invoice_id is None


def test_schedule_on_an_unknown_job_is_404_and_a_finished_job_409(pages, client, make):
    pages.login_as("agent")
    technician = make.user("technician")
    job = make.job()
    job.status = JobStatus.CANCELLED
    db.session.commit()
    day = _local_day()
    token = pages.token("/jobs")
    response = client.post("/jobs/424242/schedule", data={"csrf_token": token, "technician_id": technician.id,
                                                          "day": day.isoformat(), "start": "10:00", "end": "11:00"})
    assert response.status_code == 404
    response = _schedule(client, pages, job, technician, day, "10:00", "11:00")
    assert response.status_code == 409 and "A cancelled job cannot be scheduled." in text_of(response)
    db.session.refresh(job)
    assert job.status == JobStatus.CANCELLED and job.technician_id is None and job.scheduled_start is None


def test_job_list_ignores_an_unknown_status_and_page(pages, client, make):
    pages.login_as("agent")
    job = make.job()
    for query in ("status=teleported", "page=abc", "page=-3", "status=&page=0"):
        response = client.get(f"/jobs?{query}")
        assert response.status_code == 200, query
        assert job.number in text_of(response), query


def test_unknown_job_is_a_404_page(pages, client):
    pages.login_as("agent")
    assert client.get("/jobs/424242").status_code == 404


def test_job_page_for_billing_links_invoice(pages, client, world):
    pages.login_as("billing")
    body = client.get(f"/jobs/{world.job.id}").get_data(as_text=True)
    assert f'href="/invoices/{world.invoice.id}"' in body
