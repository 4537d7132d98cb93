"""Job templates on the admin pages, the template select of the ticket's job form, and the follow-up form."""

from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.job_templates import services as templates
from dispatch.scheduling.models import Job, JobTemplate
from tests.support.queries import count


def a_template(**overrides):
    data = {"name": "Annual service", "kind": "maintenance", "duration_minutes": 45, "required_skills": ["boiler"],
            "checklist": ["Check pressure"], "instructions": "Bring the analyser."} | overrides
    template = templates.create_template(data, None)
    db.session.commit()
    return template


def test_an_admin_creates_edits_and_retires_a_template(client, pages):
    pages.login_as("admin")
    response = client.post("/admin/job-templates/new", data={
        "csrf_token": pages.token("/admin/job-templates/new"), "name": "Annual service", "kind": "maintenance",
        "duration_minutes": "45", "required_skills": "Boiler, gas", "checklist": "Check pressure\n\nClean burner\n",
        "active": "y"})
    assert response.status_code == 303
    template = db.session.scalars(db.select(JobTemplate)).one()
    assert template.required_skills == ["boiler", "gas"] and template.checklist == ["Check pressure", "Clean burner"]
    assert "Annual service" in client.get("/admin/job-templates").get_data(as_text=True)
    path = f"/admin/job-templates/{template.id}"
    response = client.post(path, data={"csrf_token": pages.token(path), "name": "Annual service", "kind": "repair",
                                       "duration_minutes": "0"})
    assert response.status_code == 422 and 'id="duration_minutes-error"' in response.get_data(as_text=True)
    response = client.post(f"{path}/active", data={"csrf_token": pages.token(path), "active": "0"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(JobTemplate, template.id).active is False


def test_a_taken_name_is_409_on_the_page(client, pages):
    pages.login_as("admin")
    a_template()
    response = client.post("/admin/job-templates/new", data={
        "csrf_token": pages.token("/admin/job-templates/new"), "name": "Annual service", "kind": "repair",
        "duration_minutes": "30"})
    assert response.status_code == 409 and 'id="name-error"' in response.get_data(as_text=True)
    assert count(JobTemplate) == 1


def test_agents_do_not_keep_templates(client, pages):
    pages.login_as("agent")
    assert client.get("/admin/job-templates").status_code == 403
    assert 'href="/admin/job-templates"' not in client.get("/tickets").get_data(as_text=True)


def test_the_ticket_page_creates_a_job_from_a_template(client, pages, make):
    pages.login_as("agent")
    template = a_template()
    a_template(name="Retired", active=False)
    ticket = make.ticket()
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Annual service" in page and "Retired" not in page
    response = client.post(f"/tickets/{ticket.id}/jobs", data={
        "csrf_token": pages.token(f"/tickets/{ticket.id}"), "template_id": str(template.id), "kind": "",
        "duration_minutes": ""})
    assert response.status_code == 303
    job = db.session.scalars(db.select(Job)).one()
    assert (job.kind.value, job.duration_minutes, job.template_id) == ("maintenance", 45, template.id)
    assert job.checklist == [{"text": "Check pressure", "done": False}]


def test_without_a_template_the_job_form_wants_a_duration(client, pages, make):
    pages.login_as("agent")
    ticket = make.ticket()
    response = client.post(f"/tickets/{ticket.id}/jobs", data={
        "csrf_token": pages.token(f"/tickets/{ticket.id}"), "kind": "repair", "duration_minutes": ""})
    assert response.status_code == 422 and 'id="duration_minutes-error"' in response.get_data(as_text=True)
    assert count(Job) == 0


def test_the_follow_up_form_on_a_finished_job(client, pages, make):
    pages.login_as("agent")
    technician = make.user("technician")
    job = make.scheduled_job(technician)
    assert "Plan a follow-up visit" not in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    response = client.post(f"/jobs/{job.id}/follow-ups", data={
        "csrf_token": pages.token(f"/jobs/{job.id}"), "duration_minutes": "30"})
    assert response.status_code == 409 and count(Job) == 1
    for step in (JobStatus.EN_ROUTE, JobStatus.ON_SITE, JobStatus.COMPLETED):
        scheduling.change_status(job, step, technician.id)
    db.session.commit()
    assert "Plan a follow-up visit" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    response = client.post(f"/jobs/{job.id}/follow-ups", data={"csrf_token": pages.token(f"/jobs/{job.id}")})
    assert response.status_code == 422 and 'id="duration_minutes-error"' in response.get_data(as_text=True)
    response = client.post(f"/jobs/{job.id}/follow-ups", data={
        "csrf_token": pages.token(f"/jobs/{job.id}"), "duration_minutes": "30", "instructions": "Fit the new pump"})
    assert response.status_code == 303
    follow_up = db.session.scalars(db.select(Job).where(Job.follow_up_of_id == job.id)).one()
    assert follow_up.instructions == "Fit the new pump"
    page = client.get(f"/jobs/{follow_up.id}").get_data(as_text=True)
    assert f'href="/jobs/{job.id}"' in page
    assert follow_up.number in client.get(f"/jobs/{job.id}").get_data(as_text=True)
