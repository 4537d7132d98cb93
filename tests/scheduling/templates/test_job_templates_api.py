"""Job templates through the API, jobs made from them, and follow-up jobs of finished ones."""

import pytest

from dispatch.audit import events_for
from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job, JobTemplate
from tests.support.queries import count

SERVICE = {"name": "Annual boiler service", "kind": "maintenance", "duration_minutes": 45,
           "required_skills": ["Boiler", "gas"], "checklist": ["Check pressure", "Clean burner"],
           "instructions": "Bring the flue analyser."}


def template(make_admin_client, **overrides):
    response = make_admin_client.post("job-templates", SERVICE | overrides)
    assert response.status_code == 201, response.json
    return response.json


@pytest.mark.parametrize(("role", "expected"), [("admin", 201), ("agent", 403), ("billing", 403),
                                                ("technician", 404)])
def test_only_admins_create_templates(api, make, role, expected):
    assert api.as_user(make.user(role)).post("job-templates", SERVICE).status_code == expected
    assert count(JobTemplate) == (1 if expected == 201 else 0)


@pytest.mark.parametrize(("role", "expected"), [("admin", 200), ("agent", 403), ("billing", 403),
                                                ("technician", 404)])
def test_only_admins_change_templates(api, make, role, expected):
    created = template(api.as_user(make.user("admin")))
    response = api.as_user(make.user(role)).patch(f"job-templates/{created['id']}", {"duration_minutes": 90})
    assert response.status_code == expected
    db.session.expire_all()
    assert db.session.get(JobTemplate, created["id"]).duration_minutes == (90 if expected == 200 else 45)


@pytest.mark.parametrize(("role", "expected"), [("admin", 200), ("agent", 200), ("billing", 403),
                                                ("technician", 404)])
def test_agents_and_admins_read_templates(api, make, role, expected):
    created = template(api.as_user(make.user("admin")))
    client = api.as_user(make.user(role))
    assert client.get("job-templates").status_code == expected
    assert client.get(f"job-templates/{created['id']}").status_code == expected


def test_anonymous_gets_401(api, make):
    assert api.get("job-templates").status_code == 401
    assert api.post("job-templates", SERVICE).status_code == 401
    assert api.post("jobs/1/follow-ups", {"duration_minutes": 30}).status_code == 401


def test_a_template_is_normalised_listed_and_retired(api, make):
    admin = api.as_user(make.user("admin"))
    created = template(admin)
    assert created["required_skills"] == ["boiler", "gas"] and created["active"] is True
    template(admin, name="Install heat pump", kind="installation", duration_minutes=480)
    assert admin.patch(f"job-templates/{created['id']}", {"active": False}).json["active"] is False
    listed = admin.get("job-templates", query_string={"limit": 1}).json
    assert [t["name"] for t in listed["items"]] == ["Annual boiler service"]
    rest = admin.get("job-templates", query_string={"limit": 1, "cursor": listed["next_cursor"]}).json
    assert [t["name"] for t in rest["items"]] == ["Install heat pump"]
    active = admin.get("job-templates", query_string={"active": "true"}).json
    assert [t["name"] for t in active["items"]] == ["Install heat pump"]
    assert [e.action for e in events_for(db.session.get(JobTemplate, created["id"]))] == [
        "job_template.created", "job_template.updated"]


def test_a_name_in_use_is_409_on_name(api, make):
    admin = api.as_user(make.user("admin"))
    first = template(admin)
    other = template(admin, name="Repair")
    response = admin.post("job-templates", SERVICE | {"name": "annual BOILER service"})
    assert response.status_code == 409 and "name" in response.json["errors"]
    response = admin.patch(f"job-templates/{other['id']}", {"name": first["name"]})
    assert response.status_code == 409 and "name" in response.json["errors"]
    assert count(JobTemplate) == 2


@pytest.mark.parametrize(("body", "field"), [
    ({"duration_minutes": 4}, "duration_minutes"), ({"duration_minutes": 1441}, "duration_minutes"),
    ({"kind": "party"}, "kind"), ({"name": ""}, "name"),
    ({"checklist": ["x"] * 51}, "checklist"), ({"checklist": ["x" * 201]}, "checklist"),
    ({"required_skills": ["two words"]}, "required_skills"), ({"instructions": 5}, "instructions"),
])
def test_bad_templates_are_422_naming_the_field(api, make, body, field):
    response = api.as_user(make.user("admin")).post("job-templates", SERVICE | body)
    assert response.status_code == 422 and any(k.startswith(field) for k in response.json["errors"]), response.json
    assert count(JobTemplate) == 0


def test_a_job_from_a_template_takes_its_duration_skills_checklist_and_instructions(api, make):
    created = template(api.as_user(make.user("admin")))
    ticket = make.ticket()
    response = api.as_user(make.user("agent")).post(f"tickets/{ticket.id}/jobs", {
        "template_id": created["id"], "required_skills": ["ladder"]})
    assert response.status_code == 201
    job = response.json
    assert (job["kind"], job["duration_minutes"], job["template_id"]) == ("maintenance", 45, created["id"])
    assert job["required_skills"] == ["boiler", "gas", "ladder"]
    assert job["checklist"] == [{"text": "Check pressure", "done": False}, {"text": "Clean burner", "done": False}]
    assert job["instructions"] == "Bring the flue analyser."


def test_a_retired_template_is_refused_for_new_jobs(api, make):
    admin = api.as_user(make.user("admin"))
    created = template(admin)
    admin.patch(f"job-templates/{created['id']}", {"active": False})
    ticket = make.ticket()
    response = api.as_user(make.user("agent")).post(f"tickets/{ticket.id}/jobs", {"template_id": created["id"]})
    assert response.status_code == 422 and "template_id" in response.json["errors"]
    assert count(Job) == 0


def finished_job(make, status=JobStatus.COMPLETED):
    technician = make.user("technician")
    job = make.scheduled_job(technician, ticket=make.ticket(asset=make.asset()))
    for step in (JobStatus.EN_ROUTE, JobStatus.ON_SITE, JobStatus.COMPLETED):
        scheduling.change_status(job, step, technician.id)
    if status == JobStatus.CLOSED:
        scheduling.change_status(job, JobStatus.CLOSED, None)
    db.session.commit()
    return job


@pytest.mark.parametrize(("role", "expected"), [("agent", 201), ("admin", 201), ("billing", 403),
                                                ("technician", 404)])
def test_who_creates_follow_ups(api, make, role, expected):
    job = finished_job(make)
    response = api.as_user(make.user(role)).post(f"jobs/{job.id}/follow-ups", {"duration_minutes": 30})
    assert response.status_code == expected
    assert count(Job) == (2 if expected == 201 else 1)


@pytest.mark.parametrize("status", [JobStatus.COMPLETED, JobStatus.CLOSED])
def test_a_follow_up_goes_to_the_same_ticket_site_and_asset(api, make, status):
    job = finished_job(make, status)
    created = template(api.as_user(make.user("admin")))
    response = api.as_user(make.user("agent")).post(f"jobs/{job.id}/follow-ups", {
        "template_id": created["id"], "instructions": "Replace the valve ordered on the first visit."})
    assert response.status_code == 201
    follow_up = response.json
    assert follow_up["follow_up_of_id"] == job.id and follow_up["status"] == "unscheduled"
    assert (follow_up["ticket_id"], follow_up["site"]["id"], follow_up["asset"]["id"]) == (
        job.ticket_id, job.site_id, job.asset_id)
    assert (follow_up["kind"], follow_up["duration_minutes"]) == ("maintenance", 45)
    assert follow_up["instructions"] == "Replace the valve ordered on the first visit."
    assert events_for(job)[-1].action == "job.follow_up_created"


def test_without_a_template_the_follow_up_keeps_the_kind(api, make):
    job = finished_job(make)
    response = api.as_user(make.user("agent")).post(f"jobs/{job.id}/follow-ups", {"duration_minutes": 30})
    assert response.status_code == 201 and response.json["kind"] == job.kind.value


@pytest.mark.parametrize("steps", [(), (JobStatus.EN_ROUTE,), (JobStatus.EN_ROUTE, JobStatus.ON_SITE)])
def test_no_follow_up_before_the_job_is_done(api, make, steps):
    technician = make.user("technician")
    job = make.scheduled_job(technician)
    for step in steps:
        scheduling.change_status(job, step, technician.id)
    db.session.commit()
    response = api.as_user(make.user("agent")).post(f"jobs/{job.id}/follow-ups", {"duration_minutes": 30})
    assert response.status_code == 409 and response.json["code"] == "job_not_done"
    assert count(Job) == 1


def test_follow_up_bad_input(api, make):
    job = finished_job(make)
    client = api.as_user(make.user("agent"))
    for body, field in (({}, "duration_minutes"), ({"duration_minutes": 2}, "duration_minutes"),
                        ({"template_id": 424242}, "template_id"), ({"asset_id": 1, "duration_minutes": 30},
                                                                   "asset_id")):
        response = client.post(f"jobs/{job.id}/follow-ups", body)
        assert response.status_code == 422 and field in response.json["errors"], (body, response.json)
    assert client.post("jobs/424242/follow-ups", {"duration_minutes": 30}).status_code == 404
    assert count(Job) == 1
