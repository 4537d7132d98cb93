"""The job page's planning forms as a browser sends them: suggestions, conflicts and overrides, the arrival
window, taking a job off the planning, who may do it, and a page that does not grow with the team."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from flask import Response
from sqlalchemy import select

from dispatch.audit import AuditEvent
from dispatch.enums import JobStatus
from dispatch.extensions import db
from tests.support.csrf import csrf_token_from
from tests.support.factories import next_weekday_at
from tests.support.queries import statements_for
from tests.views.helpers import hidden_fields, text_of

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _day(days_ahead: int = 2):
    return next_weekday_at(9, days_ahead=days_ahead).astimezone(AMSTERDAM).date()


def _utc(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), AMSTERDAM).astimezone(UTC)


def _schedule(client, pages, job, technician, day, start, end, **extra):
    data = {"csrf_token": pages.token(f"/jobs/{job.id}"), "technician_id": technician.id, "day": day.isoformat(),
            "start": start, "end": end} | extra
    return client.post(f"/jobs/{job.id}/schedule", data=data)


def _form_of(body: str, marker: str) -> str:
    """The HTML of the form that holds ``marker``."""
    before, after = body.split(marker, 1)
    return before.rsplit("<form", 1)[1] + after.split("</form>", 1)[0]


def _take_off(client, token, job, action, reason):
    return client.post(f"/jobs/{job.id}/{action}", data={f"{action}-csrf_token": token, f"{action}-reason": reason})


def _text(html: str) -> str:
    """The visible text of a piece of a page."""
    return text_of(Response(html))


def _overrides(job) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "job.schedule_overridden", AuditEvent.object_id == job.id)))


def test_the_schedule_at_button_of_a_suggestion_plans_the_job(pages, client, make):
    pages.login_as("agent")
    technician = make.user("technician", name="Sanne Suggested")
    job = make.job(duration_minutes=60)
    day = _day(3)
    body = client.get(f"/jobs/{job.id}?day={day.isoformat()}&from=10:00").get_data(as_text=True)
    assert "Schedule at 10:00" in body
    response = client.post(f"/jobs/{job.id}/schedule", data=hidden_fields(_form_of(body, "Schedule at 10:00")))
    assert response.status_code == 303
    db.session.refresh(job)
    assert job.status == JobStatus.SCHEDULED and job.technician_id == technician.id
    assert (job.scheduled_start, job.scheduled_end) == (_utc(day, 10), _utc(day, 11))


def test_a_clash_is_a_409_listing_the_conflicts_and_the_override_needs_a_reason(pages, client, make):
    pages.login_as("agent")
    technician = make.user("technician", name="Busy Bea")
    day = _day()
    other = make.scheduled_job(technician, start=_utc(day, 10))
    job = make.job()
    response = _schedule(client, pages, job, technician, day, "10:30", "11:30")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert f"Overlaps job {other.number}." in text_of(response)
    assert 'data-code="overlap"' in body
    db.session.refresh(job)
    assert job.status == JobStatus.UNSCHEDULED and job.technician_id is None and job.scheduled_start is None

    override = hidden_fields(_form_of(body, "Override and schedule"))
    refused = client.post(f"/jobs/{job.id}/schedule", data=override | {"override_reason": "  "})
    assert refused.status_code == 422
    assert "Reason to schedule anyway: Give the reason to schedule anyway." in text_of(refused)
    db.session.refresh(job)
    assert job.technician_id is None and _overrides(job) == []

    done = client.post(f"/jobs/{job.id}/schedule",
                       data=override | {"override_reason": "Customer agreed to a double booking."})
    assert done.status_code == 303
    db.session.refresh(job)
    assert job.technician_id == technician.id and job.scheduled_start == _utc(day, 10, 30)
    [event] = _overrides(job)
    assert event.data["reason"] == "Customer agreed to a double booking."
    assert event.data["conflict_codes"] == ["overlap"]


@pytest.mark.parametrize(("window", "field", "message"), [
    ({"window_start": "09:00", "window_end": ""}, "Arrival window until",
     "Give both ends of the arrival window, or neither."),
    ({"window_start": "", "window_end": "12:00"}, "Arrival window until",
     "Give both ends of the arrival window, or neither."),
    ({"window_start": "12:00", "window_end": "09:00"}, "Arrival window until", "The end must be after the start."),
    ({"window_start": "11:00", "window_end": "13:00"}, "Arrival window from",
     "The visit's start must lie inside the window."),
])
def test_a_wrong_arrival_window_is_a_422_on_its_field(pages, client, make, window, field, message):
    pages.login_as("agent")
    technician = make.user("technician")
    job = make.job()
    response = _schedule(client, pages, job, technician, _day(), "10:00", "11:00", **window)
    assert response.status_code == 422
    assert f"{field}: {message}" in text_of(response)
    db.session.refresh(job)
    assert job.technician_id is None and job.window_start is None and job.window_end is None


def test_an_arrival_window_is_stored_in_utc(pages, client, make):
    pages.login_as("agent")
    technician = make.user("technician")
    job = make.job()
    day = _day()
    response = _schedule(client, pages, job, technician, day, "10:00", "11:00", window_start="09:00",
                         window_end="12:00")
    assert response.status_code == 303
    db.session.refresh(job)
    assert (job.window_start, job.window_end) == (_utc(day, 9), _utc(day, 12))
    assert job.window_start.utcoffset() == UTC.utcoffset(None)
    assert "Arrival window" in text_of(client.get(f"/jobs/{job.id}"))


@pytest.mark.parametrize("role", ["agent", "admin"])
@pytest.mark.parametrize(("action", "reason", "status"), [
    ("unschedule", "", JobStatus.UNSCHEDULED),
    ("postpone", "Part not delivered yet.", JobStatus.POSTPONED),
    ("cancel", "Customer fixed it himself.", JobStatus.CANCELLED),
])
def test_taking_a_job_off_the_planning(pages, client, make, role, action, reason, status):
    pages.login_as(role)
    technician = make.user("technician")
    job = make.scheduled_job(technician)
    page = client.get(f"/jobs/{job.id}")
    assert f'action="/jobs/{job.id}/{action}#take-off"' in page.get_data(as_text=True)
    response = _take_off(client, csrf_token_from(page), job, action, reason)
    assert response.status_code == 303
    db.session.refresh(job)
    assert job.status == status
    if action == "unschedule":
        assert job.technician_id is None and job.scheduled_start is None and job.scheduled_end is None
    if action == "postpone":
        assert job.postponed_reason == reason


@pytest.mark.parametrize(("action", "label"), [("postpone", "Reason for postponing"),
                                               ("cancel", "Reason for cancelling")])
def test_a_missing_reason_is_a_422_beside_the_field(pages, client, make, action, label):
    pages.login_as("agent")
    job = make.scheduled_job(make.user("technician"))
    response = _take_off(client, pages.token(f"/jobs/{job.id}"), job, action, "   ")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'id="{action}-reason-error"' in body and f'aria-describedby="{action}-reason-error"' in body
    field = _form_of(body, f'id="{action}-reason-error"')
    assert label in _text(field) and "This field is required." in _text(field)
    db.session.refresh(job)
    assert job.status == JobStatus.SCHEDULED and job.technician_id is not None


@pytest.mark.parametrize(("action", "start"), [("unschedule", JobStatus.UNSCHEDULED),
                                               ("postpone", JobStatus.UNSCHEDULED),
                                               ("cancel", JobStatus.CANCELLED)])
def test_a_transition_not_allowed_is_a_409_saying_so(pages, client, make, action, start):
    pages.login_as("agent")
    job = make.job()
    job.status = start
    db.session.commit()
    response = _take_off(client, pages.token(f"/jobs/{job.id}"), job, action, "Because.")
    assert response.status_code == 409
    target = {"unschedule": "unscheduled", "postpone": "postponed", "cancel": "cancelled"}[action]
    message = f"A {start.value} job cannot become {target}."
    assert message in _text(_form_of(response.get_data(as_text=True), f'id="{action}-reason-error"'))
    db.session.refresh(job)
    assert job.status == start


@pytest.mark.parametrize("action", ["unschedule", "postpone", "cancel", "schedule"])
@pytest.mark.parametrize("role", ["billing", "technician"])
def test_billing_and_technicians_may_not_plan(pages, client, make, action, role):
    technician = make.user("technician")
    job = make.scheduled_job(technician)
    pages.login_as(role)
    token = pages.token(f"/jobs/{job.id}")  # a refusal page carries a token too
    data = {"csrf_token": token, f"{action}-csrf_token": token, f"{action}-reason": "Because.",
            "technician_id": technician.id, "day": _day().isoformat(), "start": "14:00", "end": "15:00"}
    assert client.post(f"/jobs/{job.id}/{action}", data=data).status_code == 403
    db.session.refresh(job)
    assert job.status == JobStatus.SCHEDULED and job.scheduled_start == next_weekday_at(9)


@pytest.mark.parametrize("action", ["unschedule", "postpone", "cancel", "schedule"])
def test_a_visitor_who_is_not_signed_in_goes_to_the_login_page(client, make, action):
    job = make.scheduled_job(make.user("technician"))
    token = csrf_token_from(client.get("/login"))
    response = client.post(f"/jobs/{job.id}/{action}", data={"csrf_token": token, f"{action}-csrf_token": token,
                                                            f"{action}-reason": "Because."})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.refresh(job)
    assert job.status == JobStatus.SCHEDULED


def test_the_job_page_runs_as_many_queries_for_30_technicians_as_for_3(pages, client, make):
    pages.login_as("agent")
    job = make.job()
    for _ in range(3):
        make.user("technician")
    few, response = statements_for(client, f"/jobs/{job.id}")
    assert response.status_code == 200
    for _ in range(27):
        make.user("technician")
    many, response = statements_for(client, f"/jobs/{job.id}")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("Schedule at ") == 10  # suggestions ranked, 10 shown
    assert many == few, (few, many)

