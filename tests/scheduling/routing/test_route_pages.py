"""The plan and route pages: tables of the proposal, an Apply form that schedules exactly what was shown,
a 409 with a fresh proposal when the plan went stale, and roles."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import func, select

from dispatch.audit import AuditEvent
from dispatch.enums import JobStatus, Role
from dispatch.extensions import db
from dispatch.scheduling import services as scheduling
from tests.scheduling.routing.test_routes_api import UTRECHT, day_of, job_at, job_rows
from tests.support.factories import next_weekday_at


@pytest.fixture(autouse=True)
def quick_solver(app):
    app.config["ROUTE_SOLVER_SECONDS"] = 0.5


def apply_form(html: str) -> dict[str, str]:
    """The hidden fields of the page's Apply form."""
    end = html.index("</form>", html.index('name="plan"'))
    form = html[html.rindex("<form", 0, end):end]
    return {name: unescape(value) for name, value in re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', form)}


def test_an_agent_plans_the_day_and_applies_what_was_shown(client, pages, make):
    pages.login_as(Role.AGENT)
    technician = make.user(Role.TECHNICIAN, name="Sanne Visser", home_latitude=UTRECHT[0],
                           home_longitude=UTRECHT[1])
    job = job_at(make, UTRECHT)
    day = day_of(next_weekday_at(9)).isoformat()

    page = client.get(f"/board/plan?day={day}&solver=greedy")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Sanne Visser" in html and job.number in html and "<th scope=\"col\">" in html
    fields = apply_form(html)
    assert fields["day"] == day and fields["plan"].startswith(f"{job.id}:{technician.id}:")

    applied = client.post("/board/plan", data=fields)

    assert applied.status_code == 303
    assert job_rows()[job.id][:2] == (JobStatus.SCHEDULED, technician.id)
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "day.planned")).one()


def test_a_plan_gone_stale_is_409_and_changes_nothing(client, pages, make):
    pages.login_as(Role.ADMIN)
    technician = make.user(Role.TECHNICIAN, home_latitude=UTRECHT[0], home_longitude=UTRECHT[1])
    job = job_at(make, UTRECHT)
    other = job_at(make, UTRECHT)
    day = day_of(next_weekday_at(9)).isoformat()
    fields = apply_form(client.get(f"/board/plan?day={day}&solver=greedy").get_data(as_text=True))
    # Meanwhile someone books the technician over the planned slots.
    _, _, start, end = (int(part) for part in fields["plan"].split()[0].split(":"))
    scheduling.schedule(other, technician.id, datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC),
                        None)
    db.session.commit()
    before = job_rows()

    response = client.post("/board/plan", data=fields)

    assert response.status_code == 409
    assert "no longer fits" in response.get_data(as_text=True) or "out of date" in response.get_data(as_text=True)
    assert job_rows() == before and before[job.id][0] == JobStatus.UNSCHEDULED


def test_a_forged_plan_is_refused(client, pages, make):
    pages.login_as(Role.AGENT)
    token = pages.token("/board/plan")
    before = job_rows()
    for plan in ("", "x", "1:2:3", "999999:1:1:2", "1:1:99999999999999:99999999999999"):
        response = client.post("/board/plan", data={"csrf_token": token, "day": "2026-11-24", "plan": plan})
        assert response.status_code in (404, 409, 422), (plan, response.status_code)
    assert job_rows() == before


def test_the_route_page_shows_before_and_after(client, pages, make):
    pages.login_as(Role.AGENT)
    technician = make.user(Role.TECHNICIAN, name="Daan de Vries")
    job = job_at(make, UTRECHT)
    scheduling.schedule(job, technician.id, next_weekday_at(10), next_weekday_at(11), None)
    db.session.commit()

    page = client.get(f"/board/route/{technician.id}?day={day_of(next_weekday_at(9)).isoformat()}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Daan de Vries" in html and job.number in html
    assert "Before and after" in html
    assert client.get("/board/route/999999").status_code == 404


@pytest.mark.parametrize("role", [Role.BILLING, Role.TECHNICIAN])
def test_other_roles_may_not_plan(client, pages, make, role):
    technician = make.user(Role.TECHNICIAN)
    pages.login_as(role)
    assert client.get("/board/plan").status_code == 403
    assert client.get(f"/board/route/{technician.id}").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, make):
    technician = make.user(Role.TECHNICIAN)
    for path in ("/board/plan", f"/board/route/{technician.id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(("role", "status"), [(Role.BILLING, 403), (Role.TECHNICIAN, 403), (None, 302)])
def test_other_roles_may_not_apply_a_plan(client, pages, make, role, status):
    technician = make.user(Role.TECHNICIAN, home_latitude=UTRECHT[0], home_longitude=UTRECHT[1])
    job = job_at(make, UTRECHT)
    day = day_of(next_weekday_at(9)).isoformat()
    pages.login_as(Role.AGENT)
    fields = apply_form(client.get(f"/board/plan?day={day}&solver=greedy").get_data(as_text=True))
    assert fields["plan"].startswith(f"{job.id}:{technician.id}:")
    assert client.post("/logout", data={"csrf_token": pages.token("/board/plan")}).status_code == 302
    if role:
        pages.login_as(role)
    fields["csrf_token"] = pages.token("/board/plan" if role else "/login")
    before = job_rows()
    for path in ("/board/plan", f"/board/route/{technician.id}"):
        response = client.post(path, data=fields)
        assert response.status_code == status, (path, response.status_code)
    assert job_rows() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action.in_(["day.planned", "route.optimised"]))) == 0


def test_a_forged_route_is_refused(client, pages, make):
    pages.login_as(Role.AGENT)
    technician = make.user(Role.TECHNICIAN)
    waiting = job_at(make, UTRECHT)
    token = pages.token("/board/plan")
    before = job_rows()
    assert client.post("/board/route/999999", data={"csrf_token": token, "day": "2026-11-24",
                                                    "plan": f"{waiting.id}:1:1:2"}).status_code == 404
    for day, plan in (("2026-11-24", ""), ("someday", f"{waiting.id}:{technician.id}:1:2"),
                      ("2026-11-24", f"{waiting.id}:{technician.id}:1:2")):
        response = client.post(f"/board/route/{technician.id}", data={"csrf_token": token, "day": day, "plan": plan})
        assert response.status_code in (409, 422), (day, plan, response.status_code)
    assert job_rows() == before
