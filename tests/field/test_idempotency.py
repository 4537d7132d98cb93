"""The same Idempotency-Key twice makes one row; the same key with another body is refused."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.field.models import Photo, TimeEntry
from tests.field.support import photo_jpeg, row_counts, set_status
from tests.support.tasks import wait_for_tasks
from tests.support.uploads import multipart


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_one_time_entry_for_one_key(tapi, job):
    now = utcnow()
    body = {"kind": "work", "started_at": (now - timedelta(hours=1)).isoformat(), "ended_at": now.isoformat()}
    first = tapi.post(f"jobs/{job.id}/time-entries", body, idempotency_key="entry-1")
    second = tapi.post(f"jobs/{job.id}/time-entries", body, idempotency_key="entry-1")
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert second.json == first.json
    assert count(TimeEntry) == 1

    before = row_counts()
    other = tapi.post(f"jobs/{job.id}/time-entries", body | {"kind": "travel"}, idempotency_key="entry-1")
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json["errors"]
    assert row_counts() == before


def test_one_photo_for_one_key(tapi, job):
    data = photo_jpeg((500, 400))
    first = tapi.post(
        f"jobs/{job.id}/photos",
        **multipart({"file": (data, "a.jpg"), "caption": "Meter"}),
        idempotency_key="photo-1",
    )
    wait_for_tasks()
    second = tapi.post(
        f"jobs/{job.id}/photos",
        **multipart({"file": (data, "a.jpg"), "caption": "Meter"}),
        idempotency_key="photo-1",
    )
    assert first.status_code == second.status_code == 201, (first.json, second.json)
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json == first.json
    assert count(Photo) == 1

    before = row_counts()
    other = tapi.post(
        f"jobs/{job.id}/photos",
        **multipart({"file": (photo_jpeg((500, 401)), "a.jpg"), "caption": "Meter"}),
        idempotency_key="photo-1",
    )
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json["errors"]
    assert row_counts() == before


def test_a_refused_request_can_be_sent_again_with_its_key(tapi, job):
    """A 409 stores nothing under the key: once the cause is gone, the same key succeeds."""
    set_status(job, JobStatus.POSTPONED)
    assert (
        tapi.post(f"jobs/{job.id}/status", {"status": "en_route"}, idempotency_key="go-1").status_code == 409
    )
    set_status(job, JobStatus.SCHEDULED)  # the office schedules it again
    r = tapi.post(f"jobs/{job.id}/status", {"status": "en_route"}, idempotency_key="go-1")
    assert r.status_code == 200 and "Idempotent-Replayed" not in r.headers
    assert r.json["status"] == "en_route"
