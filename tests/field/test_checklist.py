"""PUT /jobs/{id}/checklist/{index}: the technician ticks off the job's checklist on site."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dispatch.api.idempotency import IdempotencyRecord
from dispatch.audit import events_for
from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job
from tests.field.support import data_url, row_counts, set_status, signature_png, stroke_points

ITEMS = ["Close the gas tap", "Bleed the radiators", "Check the pressure"]


@pytest.fixture
def listed(make, tech):
    """A job of ``tech`` with three checklist items, created a day ago."""
    job = make.scheduled_job(tech, checklist=ITEMS)
    job.created_at = utcnow() - timedelta(days=1)
    db.session.commit()
    return job


def _checklist(job_id):
    db.session.rollback()
    return db.session.get(Job, job_id).checklist


def test_ticking_an_item_records_when_and_answers_the_checklist(tapi, listed):
    at = (utcnow() - timedelta(minutes=5)).replace(microsecond=0)
    response = tapi.put(f"/api/v1/jobs/{listed.id}/checklist/1", json={"done": True, "at": at.isoformat()})
    assert response.status_code == 200, response.json
    assert response.json["job_id"] == listed.id
    assert [item["done"] for item in response.json["checklist"]] == [False, True, False]
    stored = _checklist(listed.id)
    assert stored[1]["text"] == "Bleed the radiators" and stored[1]["done_at"] == at.isoformat()
    ticked = [e for e in events_for(db.session.get(Job, listed.id)) if e.action == "job.checklist_ticked"]
    assert [(e.data["index"], e.data["done"], e.actor_id) for e in ticked] == [(1, True, listed.technician_id)]


def test_the_same_tick_again_changes_nothing_and_untick_works(tapi, listed):
    path = f"/api/v1/jobs/{listed.id}/checklist/0"
    for _ in range(2):
        assert tapi.put(path, json={"done": True}).status_code == 200
    assert tapi.put(path, json={"done": False}).json["checklist"][0] == {
        "text": "Close the gas tap", "done": False, "done_at": None}
    ticked = [e for e in events_for(db.session.get(Job, listed.id)) if e.action == "job.checklist_ticked"]
    assert [e.data["done"] for e in ticked] == [True, False]


def test_the_agenda_and_the_job_show_the_ticked_checklist(tapi, listed, api, make, pages):
    tapi.put(f"/api/v1/jobs/{listed.id}/checklist/2", json={"done": True})
    [item] = [i for i in tapi.get("/api/v1/me/jobs").json["items"] if i["id"] == listed.id]
    assert [entry["done"] for entry in item["checklist"]] == [False, False, True]
    pages.login_as("agent")
    page = pages.client.get(f"/jobs/{listed.id}").get_data(as_text=True)
    assert 'id="checklist"' in page and "1 of 3 done" in page
    assert 'data-index="2" data-done="true"' in page and 'data-index="0" data-done="false"' in page


@pytest.mark.parametrize("body, field", [
    ({}, "done"), ({"done": "x"}, "done"), ({"done": True, "at": "yesterday"}, "at"),
    ({"done": True, "at": "2026-11-23T10:00:00"}, "at"), ({"done": True, "extra": 1}, "extra")])
def test_bad_bodies_are_422_naming_the_field_and_change_nothing(tapi, listed, body, field):
    response = tapi.put(f"/api/v1/jobs/{listed.id}/checklist/0", json=body)
    assert response.status_code == 422 and field in response.json["errors"], response.json
    assert response.mimetype == "application/problem+json"
    assert _checklist(listed.id) == [{"text": text, "done": False} for text in ITEMS]


@pytest.mark.parametrize("index", [3, 99, -1])
def test_an_index_outside_the_checklist_is_422_naming_index(tapi, listed, index):
    response = tapi.put(f"/api/v1/jobs/{listed.id}/checklist/{index}", json={"done": True})
    assert response.status_code == 422 and "index" in response.json["errors"], response.json
    assert _checklist(listed.id) == [{"text": text, "done": False} for text in ITEMS]


def test_a_future_time_is_422_naming_at(tapi, listed):
    at = (utcnow() + timedelta(hours=2)).isoformat()
    response = tapi.put(f"/api/v1/jobs/{listed.id}/checklist/0", json={"done": True, "at": at})
    assert response.status_code == 422 and "at" in response.json["errors"]


def test_a_job_without_checklist_says_so(tapi, job):
    response = tapi.put(f"/api/v1/jobs/{job.id}/checklist/0", json={"done": True})
    assert response.status_code == 422 and "index" in response.json["errors"]


def test_only_the_jobs_own_technician_ticks(api, make, listed):
    path = f"/api/v1/jobs/{listed.id}/checklist/0"
    assert api.put(path, json={"done": True}).status_code == 401
    assert api.as_user(make.user("technician")).put(path, json={"done": True}).status_code == 404
    for role in ("agent", "admin", "billing"):
        assert api.as_user(make.user(role)).put(path, json={"done": True}).status_code == 403, role
    assert api.as_user(listed.technician).put("/api/v1/jobs/999999/checklist/0", json={"done": True}).status_code \
        == 404
    assert _checklist(listed.id)[0]["done"] is False


def test_a_reassigned_cancelled_or_signed_job_is_409(api, make, tapi, listed):
    path = f"/api/v1/jobs/{listed.id}/checklist/0"
    set_status(listed, JobStatus.ON_SITE)
    signed = tapi.post(f"jobs/{listed.id}/signature", {"signer_name": "Anna", "image": data_url(signature_png()),
                                                       "strokes": stroke_points()})
    assert signed.status_code == 201
    response = tapi.put(path, json={"done": True})
    assert response.status_code == 409 and response.json["code"] == "job_signed"

    other = make.scheduled_job(listed.technician, checklist=ITEMS, start=listed.scheduled_start + timedelta(days=7))
    scheduling.cancel(other, "Customer away", None)
    db.session.commit()
    response = tapi.put(f"/api/v1/jobs/{other.id}/checklist/0", json={"done": True})
    assert response.status_code == 409 and response.json["code"] == "job_cancelled"

    moved = make.scheduled_job(listed.technician, checklist=ITEMS, start=listed.scheduled_start + timedelta(days=8))
    scheduling.schedule(moved, make.user("technician").id, moved.scheduled_start, moved.scheduled_end, None)
    db.session.commit()
    response = tapi.put(f"/api/v1/jobs/{moved.id}/checklist/0", json={"done": True})
    assert response.status_code == 409 and response.json["code"] == "job_reassigned"
    assert _checklist(other.id)[0]["done"] is False and _checklist(moved.id)[0]["done"] is False
    assert _checklist(listed.id)[0]["done"] is False


def test_the_phones_resend_with_its_key_changes_nothing_more(tapi, listed):
    """The app's outbox sends its Idempotency-Key with every record; a PUT needs no stored answer to repeat."""
    path, key = f"/api/v1/jobs/{listed.id}/checklist/1", {"Idempotency-Key": "tick-1"}
    at = (utcnow() - timedelta(minutes=5)).replace(microsecond=0).isoformat()
    first, again = (tapi.put(path, json={"done": True, "at": at}, headers=key) for _ in range(2))
    assert first.status_code == again.status_code == 200 and first.json == again.json
    assert "Idempotent-Replayed" not in again.headers
    assert db.session.scalar(select(func.count(IdempotencyRecord.id))) == 0
    ticked = [e for e in events_for(db.session.get(Job, listed.id)) if e.action == "job.checklist_ticked"]
    assert len(ticked) == 1


@pytest.mark.parametrize("who", ["anonymous", "another technician", "agent", "admin", "billing"])
def test_a_refused_caller_gets_problem_json_and_changes_nothing(api, make, listed, who):
    client = api if who == "anonymous" else api.as_user(make.user(who.removeprefix("another ")))
    before = row_counts()
    response = client.put(f"/api/v1/jobs/{listed.id}/checklist/0", json={"done": True})
    assert response.status_code in (401, 403, 404) and response.mimetype == "application/problem+json"
    assert listed.number not in response.json.get("detail", "")
    assert row_counts() == before and _checklist(listed.id)[0]["done"] is False


@pytest.mark.parametrize("body", ["[true]", "true", "done", ""])
def test_a_body_that_is_no_json_object_is_refused_as_problem_json(tapi, listed, body):
    response = tapi.put(f"/api/v1/jobs/{listed.id}/checklist/0", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500 and response.mimetype == "application/problem+json", response.data
    assert _checklist(listed.id) == [{"text": text, "done": False} for text in ITEMS]
