"""Job templates and follow-ups refuse: wrong changes are named and kept out, other roles change nothing."""

from urllib.parse import urlsplit

import pytest

from dispatch.extensions import db
from dispatch.scheduling.job_templates import services as templates
from dispatch.scheduling.models import Job, JobTemplate
from tests.scheduling.templates.test_job_templates_api import SERVICE, finished_job
from tests.support.csrf import csrf_token_from
from tests.support.queries import count


def a_template() -> JobTemplate:
    template = templates.create_template(SERVICE, None)
    db.session.commit()
    return template


def stored(template: JobTemplate) -> tuple:
    db.session.expire_all()
    found = db.session.get(JobTemplate, template.id)
    return found.name, found.kind, found.duration_minutes, found.required_skills, found.checklist, found.active


@pytest.mark.parametrize(("body", "field"), [
    ({"duration_minutes": 4}, "duration_minutes"), ({"duration_minutes": "long"}, "duration_minutes"),
    ({"duration_minutes": None}, "duration_minutes"), ({"kind": "party"}, "kind"), ({"name": ""}, "name"),
    ({"name": "   "}, "name"), ({"checklist": "Check pressure"}, "checklist"),
    ({"checklist": ["x" * 201]}, "checklist"),
    ({"required_skills": ["two words"]}, "required_skills"), ({"active": "maybe"}, "active"),
])
def test_bad_changes_are_422_naming_the_field_and_change_nothing(api, make, body, field):
    template = a_template()
    before = stored(template)
    response = api.as_user(make.user("admin")).patch(f"job-templates/{template.id}", body)
    assert response.status_code == 422 and any(k.startswith(field) for k in response.json["errors"]), response.json
    assert response.mimetype == "application/problem+json"
    assert stored(template) == before


def test_an_unknown_template_is_404(api, make):
    admin = api.as_user(make.user("admin"))
    assert admin.get("job-templates/424242").status_code == 404
    assert admin.patch("job-templates/424242", {"name": "Other"}).status_code == 404


def test_a_wrong_list_filter_is_422_naming_it(api, make):
    response = api.as_user(make.user("agent")).get("job-templates?active=perhaps")
    assert response.status_code == 422 and "active" in str(response.json["errors"])


def admin_forms(template: JobTemplate) -> list[tuple[str, dict]]:
    """(path, form) of each admin form of job templates, filled in as an admin would."""
    return [("/admin/job-templates/new", {"name": "Gas check", "kind": "repair", "duration_minutes": "30"}),
            (f"/admin/job-templates/{template.id}", {"name": "Renamed", "kind": "repair", "duration_minutes": "30"}),
            (f"/admin/job-templates/{template.id}/active", {"active": "0"})]


@pytest.mark.parametrize("role", ["agent", "billing", "technician"])
def test_only_admins_keep_templates_on_the_pages(client, pages, make, role):
    template = a_template()
    before = stored(template)
    pages.login_as(role)
    token = pages.token("/admin/job-templates")  # the refusal page carries a token
    assert client.get("/admin/job-templates/new").status_code == 403
    assert client.get(f"/admin/job-templates/{template.id}").status_code == 403
    for path, form in admin_forms(template):
        assert client.post(path, data={"csrf_token": token, **form}).status_code == 403, path
    assert stored(template) == before and count(JobTemplate) == 1


def test_anonymous_callers_are_sent_to_sign_in_from_the_template_pages(client, make):
    template = a_template()
    before = stored(template)
    token = csrf_token_from(client.get("/login"))
    for path, form in admin_forms(template):
        response = client.post(path, data={"csrf_token": token, **form})
        assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login", path
    assert stored(template) == before and count(JobTemplate) == 1


@pytest.mark.parametrize(("form", "field"), [
    ({"name": "", "kind": "repair", "duration_minutes": "30"}, "name"),
    ({"name": "Gas check", "kind": "party", "duration_minutes": "30"}, "kind"),
    ({"name": "Gas check", "kind": "repair", "duration_minutes": "half an hour"}, "duration_minutes"),
    ({"name": "Gas check", "kind": "repair", "duration_minutes": "30", "required_skills": "two words"},
     "required_skills"),
])
def test_a_wrong_template_form_is_marked_and_nothing_is_saved(client, pages, form, field):
    pages.login_as("admin")
    path = "/admin/job-templates/new"
    response = client.post(path, data={"csrf_token": pages.token(path), **form})
    assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True)
    assert count(JobTemplate) == 0


def test_unknown_templates_are_404_on_the_pages(client, pages):
    pages.login_as("admin")
    token = pages.token("/admin/job-templates")
    assert client.get("/admin/job-templates/424242").status_code == 404
    assert client.post("/admin/job-templates/424242", data={"csrf_token": token}).status_code == 404
    assert client.post("/admin/job-templates/424242/active", data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize(("form", "field"), [
    ({"duration_minutes": "2"}, "duration_minutes"), ({"duration_minutes": "soon"}, "duration_minutes"),
    ({"template_id": "424242"}, "template_id"), ({"duration_minutes": "30", "kind": "party"}, "kind"),
])
def test_a_wrong_follow_up_form_is_marked_and_creates_no_job(client, pages, make, form, field):
    job = finished_job(make)
    pages.login_as("agent")
    response = client.post(f"/jobs/{job.id}/follow-ups", data={"csrf_token": pages.token(f"/jobs/{job.id}"), **form})
    assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True)
    assert count(Job) == 1


@pytest.mark.parametrize("role", ["billing", "technician"])
def test_billing_and_technicians_make_no_follow_ups_on_the_pages(client, pages, make, role):
    job = finished_job(make)
    pages.login_as(role)
    token = pages.token("/admin/job-templates")
    response = client.post(f"/jobs/{job.id}/follow-ups", data={"csrf_token": token, "duration_minutes": "30"})
    assert response.status_code == 403 and count(Job) == 1


def test_a_follow_up_of_an_unknown_job_is_404(client, pages):
    pages.login_as("agent")
    token = pages.token("/tickets")
    assert client.post("/jobs/424242/follow-ups", data={"csrf_token": token, "duration_minutes": "30"}).status_code \
        == 404
