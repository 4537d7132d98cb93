"""The team pages refuse: roles outside the office change nothing, and wrong spans or choices are marked."""

from urllib.parse import urlsplit

import pytest

from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.scheduling.models import Absence, Job, TechnicianProfile
from tests.support.csrf import csrf_token_from
from tests.support.factories import next_weekday_at
from tests.support.queries import count


def span_query() -> str:
    return f"start={next_weekday_at(0).isoformat()}&end={next_weekday_at(23).isoformat()}".replace("+", "%2B")


def job_after(job: Job) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job.id)


def every_team_form(technician, absence, job) -> list[tuple[str, dict]]:
    """(path, form) of each form of the team pages, filled in as an agent would."""
    day = next_weekday_at(0).date().isoformat()
    return [
        (f"/technicians/{technician.id}", {"skills": "gas", "hours_mon": "08:00-12:00"}),
        (f"/technicians/{technician.id}/absences", {"reason": "leave", "first_day": day, "last_day": day}),
        (f"/absences/{absence.id}/delete", {}),
        (f"/technicians/{technician.id}/reassign?{span_query()}", {f"job_{job.id}": ""}),
    ]


def a_technician_with_an_absence_and_a_job(make):
    technician = make.user("technician", skills=["boiler"])
    job = make.scheduled_job(technician, start=next_weekday_at(10))
    absence = Absence(technician_id=technician.id, starts_at=next_weekday_at(0, days_ahead=30),
                      ends_at=next_weekday_at(23, days_ahead=30), reason="leave")
    db.session.add(absence)
    db.session.commit()
    return technician, absence, job


def assert_nothing_changed(technician, job) -> None:
    db.session.expire_all()
    assert db.session.get(TechnicianProfile, technician.id).skills == ["boiler"]
    assert count(Absence) == 1
    assert db.session.get(Job, job.id).technician_id == technician.id


@pytest.mark.parametrize("role", ["billing", "technician"])
def test_roles_outside_the_office_change_nothing(client, pages, make, role):
    technician, absence, job = a_technician_with_an_absence_and_a_job(make)
    pages.login_as(role)
    token = pages.token(f"/technicians/{technician.id}")  # the refusal page carries a token
    for path, form in every_team_form(technician, absence, job):
        assert client.post(path, data={"csrf_token": token, **form}).status_code == 403, path
    assert client.get(f"/technicians/{technician.id}/reassign?{span_query()}").status_code == 403
    assert_nothing_changed(technician, job)


def test_anonymous_callers_are_sent_to_sign_in_and_change_nothing(client, make):
    technician, absence, job = a_technician_with_an_absence_and_a_job(make)
    token = csrf_token_from(client.get("/login"))
    for path, form in every_team_form(technician, absence, job):
        response = client.post(path, data={"csrf_token": token, **form})
        assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login", path
    assert_nothing_changed(technician, job)


@pytest.mark.parametrize("query", ["", "start=tomorrow&end=later", "start=2026-12-01T09:00:00&end=2026-12-01T17:00:00",
                                   "start=2026-12-01T17:00:00%2B01:00&end=2026-12-01T09:00:00%2B01:00"])
def test_a_missing_or_wrong_span_is_400_and_moves_no_job(client, pages, make, query):
    pages.login_as("agent")
    technician = make.user("technician")
    job = make.scheduled_job(technician, start=next_weekday_at(10))
    path = f"/technicians/{technician.id}/reassign?{query}"
    assert client.get(path).status_code == 400
    token = pages.token(f"/technicians/{technician.id}")
    assert client.post(path, data={"csrf_token": token, f"job_{job.id}": ""}).status_code == 400
    assert job_after(job).technician_id == technician.id


def test_a_technician_not_offered_is_422_on_the_job_and_moves_nothing(client, pages, make):
    pages.login_as("agent")
    technician = make.user("technician")
    job = make.scheduled_job(technician, start=next_weekday_at(10))
    office = make.user("agent")
    path = f"/technicians/{technician.id}/reassign?{span_query()}"
    for choice in (str(office.id), "not a number"):
        response = client.post(path, data={"csrf_token": pages.token(path), f"job_{job.id}": choice})
        assert response.status_code == 422 and f'id="job_{job.id}-error"' in response.get_data(as_text=True)
    after = job_after(job)
    assert after.technician_id == technician.id and after.status == JobStatus.SCHEDULED


def test_unknown_technicians_and_absences_are_404(client, pages, make):
    agent = pages.login_as("agent")
    token = pages.token("/technicians")
    assert client.get(f"/technicians/{agent.id}").status_code == 404  # not a technician
    assert client.post("/technicians/424242", data={"csrf_token": token, "skills": "gas"}).status_code == 404
    assert client.post("/technicians/424242/absences", data={"csrf_token": token}).status_code == 404
    assert client.post("/absences/424242/delete", data={"csrf_token": token}).status_code == 404
    assert client.get(f"/technicians/424242/reassign?{span_query()}").status_code == 404
    assert count(Absence) == 0
