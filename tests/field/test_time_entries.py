"""POST /jobs/{id}/time-entries: work and travel time on the technician's job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus, TimeKind
from dispatch.extensions import db
from dispatch.field.models import TimeEntry
from tests.field.support import NOT_BEING_WORKED_ON, past, row_counts, set_status, slots


def entry(kind: str = "work", start: int = 120, end: int = 60, **extra):
    """A time entry body from ``start`` to ``end`` minutes ago."""
    now = utcnow()
    return {
        "kind": kind,
        "started_at": (now - timedelta(minutes=start)).isoformat(),
        "ended_at": (now - timedelta(minutes=end)).isoformat(),
    } | extra


def test_logs_an_entry(tapi, job, tech):
    r = tapi.post(f"jobs/{job.id}/time-entries", entry("travel", 95, 60, note="  Traffic on A2  "))
    assert r.status_code == 201, r.json
    body = r.json
    assert (body["job_id"], body["technician_id"], body["kind"], body["minutes"], body["note"]) == (
        job.id,
        tech.id,
        "travel",
        35,
        "Traffic on A2",
    )
    stored = db.session.get(TimeEntry, body["id"])
    assert stored.kind == TimeKind.TRAVEL and stored.started_at.tzinfo is not None


def test_entries_may_touch_but_not_overlap(tapi, job, make, tech):
    assert tapi.post(f"jobs/{job.id}/time-entries", entry("work", 120, 60)).status_code == 201
    first = db.session.scalar(select(TimeEntry))
    touching = {"kind": "travel", "started_at": first.ended_at.isoformat(), "ended_at": past(30)}
    assert tapi.post(f"jobs/{job.id}/time-entries", touching).status_code == 201

    before = row_counts()
    r = tapi.post(f"jobs/{job.id}/time-entries", entry("work", 90, 45))
    assert r.status_code == 409, r.json
    assert r.json["code"] == "time_entry_overlap"
    assert job.number in r.json["detail"] and "work" in r.json["detail"]
    assert r.json["errors"] == {"conflicts": [f"time_entry {first.id}"]}
    assert row_counts() == before


def test_overlap_across_the_technicians_jobs(tapi, job, make, tech):
    second = make.scheduled_job(tech, start=slots(5)[4])
    assert tapi.post(f"jobs/{job.id}/time-entries", entry("work", 120, 60)).status_code == 201
    r = tapi.post(f"jobs/{second.id}/time-entries", entry("travel", 70, 50))
    assert r.status_code == 409
    assert job.number in r.json["detail"]


def test_other_technicians_entries_do_not_conflict(api, tapi, job, make):
    other = make.user("technician")
    other_job = make.scheduled_job(other)
    assert api.as_user(other).post(f"jobs/{other_job.id}/time-entries", entry()).status_code == 201
    assert tapi.post(f"jobs/{job.id}/time-entries", entry()).status_code == 201


# Bodies are made when the test runs (not when collected): "the future" moves.
@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (lambda: {}, {"kind", "started_at", "ended_at"}),
        (lambda: entry("lunch"), {"kind"}),
        (lambda: entry(start=60, end=60), {"ended_at"}),
        (lambda: entry(start=60, end=120), {"ended_at"}),
        (lambda: entry(start=17 * 60, end=30), {"ended_at"}),  # longer than 16 hours
        (lambda: entry(start=30, end=-10), {"ended_at"}),  # ends in the future
        (lambda: entry(start=-20, end=-40), {"started_at", "ended_at"}),
        (
            lambda: {"kind": "work", "started_at": "2026-11-23T08:00:00", "ended_at": "2026-11-23T09:00:00"},
            {"started_at", "ended_at"},
        ),  # no offset
        (lambda: entry(note="x" * 2001), {"note"}),
        (lambda: entry(technician_id=99), {"technician_id"}),
    ],
)
def test_bad_input_is_422_naming_the_fields(tapi, job, body, fields):
    before = row_counts()
    r = tapi.post(f"jobs/{job.id}/time-entries", body())
    assert r.status_code == 422, r.json
    assert r.mimetype == "application/problem+json"
    assert set(r.json["errors"]) == fields, r.json
    assert row_counts() == before


def test_sixteen_hours_is_the_longest_entry(tapi, job):
    job.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    assert tapi.post(f"jobs/{job.id}/time-entries", entry(start=16 * 60 + 5, end=5)).status_code == 201


def test_a_little_clock_drift_is_tolerated(tapi, job):
    assert tapi.post(f"jobs/{job.id}/time-entries", entry(start=30, end=-4)).status_code == 201


@pytest.mark.parametrize(("statuses", "code"), NOT_BEING_WORKED_ON)
def test_only_while_the_job_is_being_worked_on(tapi, job, statuses, code):
    set_status(job, *statuses)
    before = row_counts()
    r = tapi.post(f"jobs/{job.id}/time-entries", entry())
    assert r.status_code == 409, r.json
    assert r.json["code"] == code
    assert row_counts() == before


@pytest.mark.parametrize("status", [JobStatus.EN_ROUTE, JobStatus.ON_SITE])
def test_allowed_en_route_and_on_site(tapi, job, status):
    set_status(job, status)
    assert tapi.post(f"jobs/{job.id}/time-entries", entry()).status_code == 201


def test_malformed_json_is_400(tapi, job):
    r = tapi.post(f"jobs/{job.id}/time-entries", data="kind=work", content_type="application/json")
    assert r.status_code == 400
    assert r.mimetype == "application/problem+json"
