"""The agents' coverage review queue: jobs that need review, oldest first, each with its evidence and a form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dispatch.audit import events_for
from dispatch.closure import services as closure
from dispatch.closure.models import CoverageDecision
from dispatch.enums import CoverageOutcome, JobStatus, Role
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from tests.closure.helpers import signed_job
from tests.support.csrf import csrf_token_from
from tests.support.tasks import wait_for_tasks


@pytest.fixture
def flagged(make):
    """Three completed jobs the system left for review (damage flag / unknown asset), oldest first."""
    make.company()
    customer = make.customer(name="Visser Verwarming")
    asset = make.asset(customer)
    earlier = signed_job(make, asset=asset)  # history on the asset: decided by the system and closed
    jobs = [signed_job(make, asset=asset, flags=["damage"]), signed_job(make, customer=customer),
            signed_job(make, asset=asset, flags=["misuse"])]
    wait_for_tasks()
    db.session.expire_all()
    base = db.session.scalar(select(CoverageDecision.decided_at).limit(1))
    for age, job in enumerate(jobs):  # make the order unmistakable: the first is the oldest
        decision = closure.current_decision(job.id)
        decision.decided_at = base - timedelta(hours=10 - age)
    db.session.commit()
    return earlier, jobs


def test_queue_lists_jobs_that_need_review_oldest_first(client, pages, flagged):
    earlier, jobs = flagged
    pages.login_as(Role.AGENT)
    page = client.get("/coverage/review")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    positions = [html.find(job.number) for job in jobs]
    assert -1 not in positions and positions == sorted(positions)
    assert earlier.number not in html  # decided and closed: not waiting
    assert "reported damage" in html and "The asset is unknown" in html
    assert 'href="/coverage/review"' in html  # the nav link for agents


def test_queue_pages_with_a_cursor(client, pages, flagged, monkeypatch):
    _, jobs = flagged
    pages.login_as(Role.AGENT)
    monkeypatch.setattr("dispatch.closure.views.PAGE_SIZE", 2)
    first = client.get("/coverage/review").get_data(as_text=True)
    assert jobs[0].number in first and jobs[1].number in first and jobs[2].number not in first
    cursor = first.split("/coverage/review?cursor=")[1].split('"')[0]
    second = client.get(f"/coverage/review?cursor={cursor}").get_data(as_text=True)
    assert jobs[2].number in second and jobs[0].number not in second
    assert client.get("/coverage/review?cursor=garbage").status_code == 422


def test_review_shows_evidence_and_history_and_the_decision_closes_the_job(client, pages, flagged):
    earlier, jobs = flagged
    agent = pages.login_as(Role.AGENT)
    job = jobs[0]
    page = client.get(f"/coverage/review/{job.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for expected in ("Evidence from the field", "Jan de Vries", "Asset history", earlier.number,
                     f"/api/v1/jobs/{job.id}/receipt.pdf", "Decide and close the job", "Damage"):
        assert expected in html, expected
    response = client.post(f"/coverage/review/{job.id}", data={
        "csrf_token": csrf_token_from(page), "outcome": "chargeable",
        "reason": "Frost damage; not a warranty case."})
    assert response.status_code == 303 and response.headers["Location"].endswith("/coverage/review")
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    decision = closure.current_decision(job.id)
    assert job.status == JobStatus.CLOSED and job.invoice_id is not None
    assert (decision.outcome, decision.decided_by_id, decision.reasons) == (
        CoverageOutcome.CHARGEABLE, agent.id, ["Frost damage; not a warranty case."])
    assert any(e.action == "coverage.decided" and e.actor_id == agent.id for e in events_for(job))
    queue = client.get("/coverage/review").get_data(as_text=True)
    assert f'/coverage/review/{job.id}"' not in queue and f'/coverage/review/{jobs[1].id}"' in queue


def test_partly_covered_without_what_is_covered_is_refused_and_changes_nothing(client, pages, flagged):
    _, jobs = flagged
    pages.login_as(Role.AGENT)
    page = client.get(f"/coverage/review/{jobs[1].id}")
    response = client.post(f"/coverage/review/{jobs[1].id}", data={
        "csrf_token": csrf_token_from(page), "outcome": "partly_covered", "reason": "Half of it"})
    assert response.status_code == 422
    assert "list what is covered" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Job, jobs[1].id).status == JobStatus.COMPLETED
    assert db.session.get(Job, jobs[1].id).invoice_id is None
    assert closure.current_decision(jobs[1].id).outcome == CoverageOutcome.NEEDS_REVIEW


@pytest.mark.parametrize("role", [Role.BILLING, Role.TECHNICIAN])
def test_other_roles_may_not_open_the_queue(client, pages, flagged, role):
    _, jobs = flagged
    pages.login_as(role)
    assert client.get("/coverage/review").status_code == 403
    refused = client.get(f"/coverage/review/{jobs[0].id}")
    assert refused.status_code == 403
    _refused_decision(client, jobs[0], csrf_token_from(refused), 403)


def test_anonymous_is_sent_to_login_and_decides_nothing(client, flagged):
    _, jobs = flagged
    for path in ("/coverage/review", f"/coverage/review/{jobs[0].id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    _refused_decision(client, jobs[0], csrf_token_from(client.get("/login")), 302)


def _refused_decision(client, job, token: str, status: int) -> None:
    """A decision posted with a valid CSRF token is refused by role and leaves the job waiting for review."""
    response = client.post(f"/coverage/review/{job.id}", data={
        "csrf_token": token, "outcome": "chargeable", "reason": "Not ours to say"})
    assert response.status_code == status
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.COMPLETED
    assert closure.current_decision(job.id).outcome == CoverageOutcome.NEEDS_REVIEW


def test_admins_may(client, pages, flagged):
    pages.login_as(Role.ADMIN)
    assert client.get("/coverage/review").status_code == 200
