"""POST /jobs/{id}/status: en route and on site, as the technician reports them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatch.audit import events_for
from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job
from tests.field.support import row_counts, set_status


def _job(job_id: int) -> Job:
    db.session.rollback()
    return db.session.get(Job, job_id)


def test_en_route_then_on_site_with_the_times_given(tapi, job):
    left = utcnow().replace(microsecond=0) - timedelta(minutes=30)
    r = tapi.post(f"jobs/{job.id}/status", {"status": "en_route", "at": left.isoformat()})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "en_route" and r.json["id"] == job.id and r.json["number"] == job.number
    assert _job(job.id).status_changed_at == left
    r = tapi.post(f"jobs/{job.id}/status", {"status": "on_site"})
    assert r.status_code == 200, r.json
    stored = _job(job.id)
    assert stored.status == JobStatus.ON_SITE
    assert abs(stored.status_changed_at - utcnow()) < timedelta(seconds=10)
    changes = [
        (e.data["previous"], e.data["status"], e.actor_id)
        for e in events_for(stored)
        if e.action == "job.status_changed"
    ]
    assert changes[-2:] == [
        ("scheduled", "en_route", stored.technician_id),
        ("en_route", "on_site", stored.technician_id),
    ]


def test_on_site_straight_from_scheduled(tapi, job):
    r = tapi.post(f"jobs/{job.id}/status", {"status": "on_site"})
    assert r.status_code == 200
    assert r.json["status"] == "on_site"


def test_repeating_the_current_status_changes_nothing(tapi, job):
    assert tapi.post(f"jobs/{job.id}/status", {"status": "on_site"}).status_code == 200
    before = row_counts()
    changed_at = _job(job.id).status_changed_at
    r = tapi.post(f"jobs/{job.id}/status", {"status": "on_site", "at": utcnow().isoformat()})
    assert r.status_code == 200
    assert r.json["status"] == "on_site"
    after = row_counts()
    assert after["audit_events"] == before["audit_events"]
    assert _job(job.id).status_changed_at == changed_at


def _problem(r, status: int, code: str | None = None):
    assert r.status_code == status, r.json
    assert r.mimetype == "application/problem+json"
    if code:
        assert r.json["code"] == code, r.json
    return r.json


def test_going_back_is_a_conflict(tapi, job):
    set_status(job, JobStatus.ON_SITE)
    before = row_counts()
    detail = _problem(tapi.post(f"jobs/{job.id}/status", {"status": "en_route"}), 409, "invalid_transition")[
        "detail"
    ]
    assert "on_site" in detail and job.number in detail
    assert row_counts() == before


def test_cancelled_by_the_office(tapi, job):
    set_status(job, JobStatus.CANCELLED)
    before = row_counts()
    problem = _problem(tapi.post(f"jobs/{job.id}/status", {"status": "en_route"}), 409, "job_cancelled")
    assert "cancelled" in problem["detail"]
    assert row_counts() == before


def test_postponed_by_the_office_gives_the_reason(tapi, job):
    set_status(job, JobStatus.POSTPONED)
    job.postponed_reason = "Customer not home"
    db.session.commit()
    problem = _problem(tapi.post(f"jobs/{job.id}/status", {"status": "on_site"}), 409, "job_postponed")
    assert "Customer not home" in problem["detail"]


def test_completed_job_cannot_go_en_route(tapi, job):
    set_status(job, JobStatus.ON_SITE, JobStatus.COMPLETED)
    _problem(tapi.post(f"jobs/{job.id}/status", {"status": "en_route"}), 409, "invalid_transition")


def test_reassigned_to_someone_else_is_a_conflict_not_a_mystery(tapi, job, make):
    other = make.user("technician")
    scheduling.schedule(job, other.id, job.scheduled_start, job.scheduled_end, None)
    db.session.commit()
    before = row_counts()
    problem = _problem(tapi.post(f"jobs/{job.id}/status", {"status": "en_route"}), 409, "job_reassigned")
    assert job.number in problem["detail"]
    assert row_counts() == before


def test_someone_elses_job_is_not_found(api, job, make):
    stranger = api.as_user(make.user("technician"))
    before = row_counts()
    _problem(stranger.post(f"jobs/{job.id}/status", {"status": "en_route"}), 404)
    _problem(stranger.post("jobs/999999/status", {"status": "en_route"}), 404)
    assert row_counts() == before


# Bodies are made when the test runs: "the future" moves.
@pytest.mark.parametrize(
    ("body", "field"),
    [
        (lambda: {}, "status"),
        (lambda: {"status": "completed"}, "status"),
        (lambda: {"status": "scheduled"}, "status"),
        (lambda: {"status": "flying"}, "status"),
        (lambda: {"status": "en_route", "at": "2026-11-23T08:00:00"}, "at"),  # no offset
        (lambda: {"status": "en_route", "at": "yesterday"}, "at"),
        (lambda: {"status": "en_route", "at": (utcnow() + timedelta(minutes=10)).isoformat()}, "at"),
        (lambda: {"status": "en_route", "at": "2001-01-01T08:00:00+00:00"}, "at"),  # before the job existed
        (lambda: {"status": "en_route", "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_422_naming_the_field(tapi, job, body, field):
    before = row_counts()
    problem = _problem(tapi.post(f"jobs/{job.id}/status", body()), 422)
    assert field in problem["errors"], problem
    assert row_counts() == before


def test_a_little_clock_drift_is_tolerated(tapi, job):
    soon = utcnow() + timedelta(minutes=4)
    r = tapi.post(f"jobs/{job.id}/status", {"status": "en_route", "at": soon.isoformat()})
    assert r.status_code == 200, r.json
    assert _job(job.id).status_changed_at == soon


def test_malformed_json_is_400(tapi, job):
    before = row_counts()
    r = tapi.post(f"jobs/{job.id}/status", data='{"status": ', content_type="application/json")
    _problem(r, 400)
    assert row_counts() == before
