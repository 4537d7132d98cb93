"""An admin decides coverage on the review page, as an agent does (the package tests walk it as an agent)."""

from __future__ import annotations

from dispatch.closure import services as closure
from dispatch.enums import CoverageOutcome, JobStatus, Role
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from tests.closure.helpers import signed_job
from tests.support.tasks import wait_for_tasks


def test_an_admin_decides_a_job_that_needs_review(client, pages, make):
    make.company()
    job = signed_job(make, asset=make.asset(), flags=["damage"])  # flagged by the technician: needs review
    wait_for_tasks()
    assert closure.current_decision(job.id).outcome == CoverageOutcome.NEEDS_REVIEW
    pages.login_as(Role.ADMIN)
    path = f"/coverage/review/{job.id}"
    response = client.post(path, data={"csrf_token": pages.token(path), "outcome": CoverageOutcome.CHARGEABLE.value,
                                       "reason": "Damage by the customer"})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    wait_for_tasks()
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.CLOSED
