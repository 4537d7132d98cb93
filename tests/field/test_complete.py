"""POST /jobs/{id}/complete: a signed job on site is completed and closure is queued."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dispatch.audit import events_for
from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from dispatch.tasks import _REGISTRY, BackgroundTask
from tests.field.support import data_url, row_counts, set_status, signature_png, stroke_points
from tests.support.tasks import wait_for_tasks


@pytest.fixture
def signed_job(tapi, on_site_job):
    r = tapi.post(
        f"jobs/{on_site_job.id}/signature",
        {"signer_name": "Anna", "image": data_url(signature_png()), "strokes": stroke_points()},
    )
    assert r.status_code == 201
    return on_site_job


def test_completes_and_queues_closure(tapi, signed_job, tech):
    assert "closure.close_job" in _REGISTRY
    r = tapi.post(
        f"jobs/{signed_job.id}/complete",
        {"summary": " Replaced the pump; tested. ", "flags": ["misuse", "damage", "damage"]},
    )
    assert r.status_code == 200, r.json
    assert r.json["status"] == "completed" and r.json["summary"] == "Replaced the pump; tested."
    db.session.rollback()
    job = db.session.get(Job, signed_job.id)
    assert job.technician_flags == ["damage", "misuse"]
    assert abs(job.completed_at - utcnow()) < timedelta(seconds=30)
    completed = [event for event in events_for(job) if event.action == "job.completed"]
    assert len(completed) == 1 and completed[0].actor_id == tech.id
    task = db.session.scalar(select(BackgroundTask).where(BackgroundTask.name == "closure.close_job"))
    assert task.args == {"job_id": job.id}


def test_completed_at_may_be_given_for_offline_work(tapi, signed_job):
    moment = utcnow().replace(microsecond=0) + timedelta(minutes=1)
    r = tapi.post(f"jobs/{signed_job.id}/complete", {"summary": "Done", "at": moment.isoformat()})
    assert r.status_code == 200, r.json
    assert r.json["completed_at"] == moment.isoformat()


def test_not_signed_is_409(tapi, on_site_job):
    before = row_counts()
    r = tapi.post(f"jobs/{on_site_job.id}/complete", {"summary": "Done"})
    assert r.status_code == 409
    assert r.json["code"] == "not_signed" and "signature" in r.json["detail"]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ((), "not_on_site"),
        ((JobStatus.EN_ROUTE,), "not_on_site"),
        ((JobStatus.CANCELLED,), "job_cancelled"),
        ((JobStatus.POSTPONED,), "job_postponed"),
    ],
)
def test_only_on_site(tapi, job, statuses, code):
    set_status(job, *statuses)
    before = row_counts()
    r = tapi.post(f"jobs/{job.id}/complete", {"summary": "Done"})
    assert r.status_code == 409
    assert r.json["code"] == code
    assert row_counts() == before


def test_twice_is_409(tapi, signed_job):
    assert tapi.post(f"jobs/{signed_job.id}/complete", {"summary": "Done"}).status_code == 200
    wait_for_tasks()  # closure may close the job meanwhile (with a real worker)
    before = row_counts()
    r = tapi.post(f"jobs/{signed_job.id}/complete", {"summary": "Done again"})
    assert r.status_code == 409 and r.json["code"] == "already_completed"
    assert row_counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "summary"),
        ({"summary": ""}, "summary"),
        ({"summary": "   "}, "summary"),
        ({"summary": "x" * 5001}, "summary"),
        ({"summary": "Done", "flags": ["broken"]}, "flags.0"),
        ({"summary": "Done", "flags": "damage"}, "flags"),
        ({"summary": "Done", "at": "2026-11-23T08:00:00"}, "at"),
        ({"summary": "Done", "at": "2001-01-01T00:00:00+00:00"}, "at"),
    ],
)
def test_bad_input_is_422(tapi, signed_job, body, field):
    before = row_counts()
    r = tapi.post(f"jobs/{signed_job.id}/complete", body)
    assert r.status_code == 422, r.json
    assert field in r.json["errors"], r.json
    assert row_counts() == before


def test_completion_before_the_signature_is_422(tapi, signed_job):
    r = tapi.post(
        f"jobs/{signed_job.id}/complete",
        {"summary": "Done", "at": (utcnow() - timedelta(hours=3)).isoformat()},
    )
    assert r.status_code == 422
    assert "at" in r.json["errors"]


def test_malformed_json_is_400(tapi, signed_job):
    r = tapi.post(f"jobs/{signed_job.id}/complete", data="{summary: Done}", content_type="application/json")
    assert r.status_code == 400
