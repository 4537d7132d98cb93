"""The technicians pages: the list, editing a profile, adding an absence and reassigning the jobs it hits."""

from datetime import timedelta

from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.scheduling.models import Absence, Job, TechnicianProfile
from tests.support.factories import AMSTERDAM, next_weekday_at
from tests.support.queries import count


def _reassign(client, pages, path: str, job: Job, choice: str) -> Job:
    """Send the reassign page with one choice for ``job`` (a technician's id, "" for the queue); the job after."""
    response = client.post(path, data={"csrf_token": pages.token(path), f"job_{job.id}": choice})
    assert response.status_code == 303
    db.session.expire_all()
    return db.session.get(Job, job.id)


def test_the_list_shows_skills_home_hours_and_who_is_away(client, pages, make):
    pages.login_as("agent")
    technician = make.user("technician", name="Daan de Vries", skills=["boiler", "gas"])
    db.session.add(Absence(technician_id=technician.id, starts_at=next_weekday_at(0) - timedelta(days=7),
                           ends_at=next_weekday_at(0) + timedelta(days=7), reason="leave"))
    db.session.commit()
    page = client.get("/technicians").get_data(as_text=True)
    assert "Daan de Vries" in page and "gas" in page and "45 h a week" in page and "Leave" in page
    assert 'href="/technicians"' in client.get("/tickets").get_data(as_text=True)  # in the navigation


def test_billing_has_no_technician_pages(client, pages, make):
    technician = make.user("technician")
    pages.login_as("billing")
    assert client.get("/technicians").status_code == 403
    assert client.get(f"/technicians/{technician.id}").status_code == 403


def test_saving_a_profile(client, pages, make):
    pages.login_as("admin")
    technician = make.user("technician")
    path = f"/technicians/{technician.id}"
    response = client.post(path, data={
        "csrf_token": pages.token(path), "skills": "Boiler, ladder", "hours_mon": "8:00-12:00, 12:30-17:00",
        "hours_tue": "08:00-16:00", "hours_fri": "", "home_street": "", "home_postal_code": "", "home_city": "",
        "home_country": ""})
    assert response.status_code == 303
    db.session.expire_all()
    profile = db.session.get(TechnicianProfile, technician.id)
    assert profile.skills == ["boiler", "ladder"]
    assert profile.working_hours["mon"] == [["08:00", "12:00"], ["12:30", "17:00"]]
    assert profile.working_hours["fri"] == [] and profile.home_street is None


def test_wrong_hours_are_marked_on_their_day_and_nothing_is_saved(client, pages, make):
    pages.login_as("agent")
    technician = make.user("technician")
    path = f"/technicians/{technician.id}"
    for hours, day in (({"hours_wed": "9 to 5"}, "hours_wed"), ({"hours_thu": "12:00-08:00"}, "hours_thu"),
                       ({"hours_sat": "08:00-12:00, 11:00-13:00"}, "hours_sat")):
        response = client.post(path, data={"csrf_token": pages.token(path), "skills": "gas", **hours})
        assert response.status_code == 422
        assert f'id="{day}-error"' in response.get_data(as_text=True), hours
    response = client.post(path, data={"csrf_token": pages.token(path), "home_city": "Apeldoorn"})
    assert response.status_code == 422 and 'id="home_street-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TechnicianProfile, technician.id).skills == ["boiler", "heat_pump"]


def test_an_absence_over_planned_jobs_leads_to_reassigning_them(client, pages, make):
    pages.login_as("agent")
    absent = make.user("technician", name="Daan")
    stand_in = make.user("technician", name="Sanne")
    planned = make.scheduled_job(absent, start=next_weekday_at(10))
    day = planned.scheduled_start.astimezone(AMSTERDAM).date()
    path = f"/technicians/{absent.id}"
    response = client.post(f"{path}/absences", data={
        "csrf_token": pages.token(path), "reason": "sickness", "first_day": day.isoformat(),
        "last_day": day.isoformat()})
    assert response.status_code == 303 and "/reassign?" in response.headers["Location"]
    absence = db.session.scalars(db.select(Absence)).one()
    assert absence.starts_at.astimezone(AMSTERDAM).hour == 0
    assert absence.ends_at - absence.starts_at in (timedelta(hours=23), timedelta(hours=24), timedelta(hours=25))
    page = client.get(response.headers["Location"])
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and planned.number in text and "Back to the unscheduled queue" in text
    assert f'<option selected value="{stand_in.id}">Sanne</option>' in text
    reassigned = _reassign(client, pages, response.headers["Location"], planned, str(stand_in.id))
    assert reassigned.technician_id == stand_in.id


def test_back_to_the_queue_from_the_reassign_page(client, pages, make):
    pages.login_as("agent")
    absent = make.user("technician")
    planned = make.scheduled_job(absent, start=next_weekday_at(10))
    path = (f"/technicians/{absent.id}/reassign?start={next_weekday_at(0).isoformat()}"
            f"&end={next_weekday_at(23).isoformat()}").replace("+", "%2B")
    assert _reassign(client, pages, path, planned, "").status == JobStatus.UNSCHEDULED


def test_whole_days_and_bad_absence_forms(client, pages, make):
    pages.login_as("agent")
    technician = make.user("technician")
    path = f"/technicians/{technician.id}"
    response = client.post(f"{path}/absences", data={
        "csrf_token": pages.token(path), "reason": "leave", "first_day": "2026-12-10", "last_day": "2026-12-01"})
    assert response.status_code == 422 and 'id="last_day-error"' in response.get_data(as_text=True)
    response = client.post(f"{path}/absences", data={
        "csrf_token": pages.token(path), "reason": "leave", "first_day": "2026-12-01", "last_day": "2028-12-01"})
    assert response.status_code == 422 and 'id="last_day-error"' in response.get_data(as_text=True)
    assert count(Absence) == 0
    response = client.post(f"{path}/absences", data={
        "csrf_token": pages.token(path), "reason": "leave", "first_day": "2026-12-21", "last_day": "2026-12-24"})
    assert response.status_code == 303 and "#absences" in response.headers["Location"]
    absence = db.session.scalars(db.select(Absence)).one()
    assert absence.ends_at - absence.starts_at == timedelta(days=4)
    response = client.post(f"/absences/{absence.id}/delete", data={"csrf_token": pages.token(path)})
    assert response.status_code == 303 and count(Absence) == 0
