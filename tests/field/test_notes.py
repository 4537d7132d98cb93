"""POST /jobs/{id}/notes: the technician's internal notes, written on the phone, shown to them and the office."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from dispatch.audit import AuditEvent
from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.field import services
from dispatch.field.models import JobNote
from dispatch.scheduling import services as scheduling
from tests.field.support import AMSTERDAM, NOT_BEING_WORKED_ON, data_url, row_counts, set_status, signature_png, slots
from tests.support.queries import statements_for


def counts() -> dict[str, object]:
    """The field tables' rows (see support.row_counts) and the notes."""
    result = row_counts()
    result["job_notes"] = db.session.scalar(select(func.count(JobNote.id)))
    return result


def note(tapi, job, text: str = "Pump replaced; valve stiff.", **more):
    return tapi.post(f"jobs/{job.id}/notes", {"text": text, **more})


def test_technician_adds_a_note(tapi, job, tech):
    written = (utcnow() - timedelta(hours=3)).replace(microsecond=0)
    r = note(tapi, job, "  Pump replaced;\nvalve stiff.  ", written_at=written.astimezone(AMSTERDAM).isoformat())
    assert r.status_code == 201, r.json
    assert r.json == {
        "id": r.json["id"],
        "job_id": job.id,
        "text": "Pump replaced;\nvalve stiff.",
        "written_at": written.isoformat(),
        "created_at": r.json["created_at"],
        "author": {"id": tech.id, "name": tech.name},
    }
    stored = db.session.get(JobNote, r.json["id"])
    assert (stored.job_id, stored.technician_id, stored.written_at) == (job.id, tech.id, written)
    assert stored.written_at.tzinfo == UTC
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "job.note_added"))
    assert (event_.object_id, event_.actor_id, event_.data["note_id"]) == (job.id, tech.id, stored.id)


def test_written_at_defaults_to_now(tapi, job):
    before = utcnow()
    r = note(tapi, job)
    assert r.status_code == 201, r.json
    assert before <= datetime.fromisoformat(r.json["written_at"]) <= utcnow()


def test_four_thousand_characters_is_the_longest_note(tapi, job):
    assert note(tapi, job, "x" * 4000).status_code == 201
    before = counts()
    r = note(tapi, job, "x" * 4001)
    assert r.status_code == 422
    assert list(r.json["errors"]) == ["text"]
    assert counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": " \n\t "}, "text"),
        ({"text": None}, "text"),
        ({"text": 42}, "text"),
        ({"text": ["a"]}, "text"),
        ({"text": {"a": 1}}, "text"),
        ({"text": "Ok", "written_at": "yesterday"}, "written_at"),
        ({"text": "Ok", "written_at": "2026-11-23T08:00:00"}, "written_at"),  # no offset: ambiguous
        ({"text": "Ok", "written_at": 1700000000}, "written_at"),
        ({"text": "Ok", "written_at": (utcnow() + timedelta(hours=1)).isoformat()}, "written_at"),
        ({"text": "Ok", "written_at": (utcnow() - timedelta(days=30)).isoformat()}, "written_at"),  # before the job
        ({"text": "Ok", "author": 1}, "author"),
    ],
)
def test_bad_input_is_422_naming_the_field(tapi, job, body, field):
    before = counts()
    r = tapi.post(f"jobs/{job.id}/notes", body)
    assert r.status_code == 422, r.json
    assert r.mimetype == "application/problem+json"
    assert list(r.json["errors"]) == [field], r.json
    assert counts() == before


def test_malformed_json_is_400(tapi, job):
    r = tapi.post(f"jobs/{job.id}/notes", data=b"{\"text\": ", content_type="application/json")
    assert r.status_code == 400


@pytest.mark.parametrize(("statuses", "code"), NOT_BEING_WORKED_ON)
def test_same_state_rule_as_hours_and_parts(tapi, job, statuses, code):
    set_status(job, *statuses)
    before = counts()
    r = note(tapi, job)
    assert r.status_code == 409, r.json
    assert r.json["code"] == code
    assert counts() == before


def test_no_notes_once_the_customer_signed(tapi, on_site_job):
    signed = tapi.post(f"jobs/{on_site_job.id}/signature", {"signer_name": "A. Klant",
                                                            "image": data_url(signature_png())})
    assert signed.status_code == 201, signed.json
    before = counts()
    r = note(tapi, on_site_job)
    assert (r.status_code, r.json["code"]) == (409, "job_signed")
    assert counts() == before


@pytest.mark.parametrize("status", [JobStatus.EN_ROUTE, JobStatus.ON_SITE])
def test_allowed_en_route_and_on_site(tapi, job, status):
    set_status(job, status)
    assert note(tapi, job).status_code == 201


def test_anonymous_is_401(api, job):
    before = counts()
    r = note(api, job)
    assert r.status_code == 401 and r.mimetype == "application/problem+json"
    assert counts() == before


@pytest.mark.parametrize("role", ["agent", "billing", "admin"])
def test_office_roles_are_403(api, make, job, role):
    before = counts()
    r = note(api.as_user(make.user(role)), job)
    assert r.status_code == 403 and r.mimetype == "application/problem+json"
    assert counts() == before


def test_another_technicians_job_is_404(api, make, job):
    before = counts()
    r = note(api.as_user(make.user("technician")), job)
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    assert job.number not in r.json.get("detail", "")
    assert counts() == before


def test_reassigned_job_is_409(tapi, job, make):
    scheduling.schedule(job, make.user("technician").id, job.scheduled_start, job.scheduled_end, None)
    db.session.commit()
    before = counts()
    r = note(tapi, job)
    assert (r.status_code, r.json["code"]) == (409, "job_reassigned")
    assert counts() == before


def test_one_note_for_one_idempotency_key(tapi, job):
    body = {"text": "Written offline", "written_at": (utcnow() - timedelta(minutes=5)).isoformat()}
    first = tapi.post(f"jobs/{job.id}/notes", body, idempotency_key="note-key-1")
    again = tapi.post(f"jobs/{job.id}/notes", body, idempotency_key="note-key-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json == first.json
    assert db.session.scalar(select(func.count(JobNote.id))) == 1


def test_notes_are_in_the_agenda_and_the_job_oldest_first(api, tapi, job, make):
    later = note(tapi, job, "Second", written_at=(utcnow() - timedelta(minutes=10)).isoformat()).json
    earlier = note(tapi, job, "First", written_at=(utcnow() - timedelta(minutes=50)).isoformat()).json
    agenda = tapi.get("me/jobs").json["items"]
    assert [item["notes"] for item in agenda] == [[earlier, later]]
    assert tapi.get(f"jobs/{job.id}").json["notes"] == [earlier, later]
    assert api.as_user(make.user("agent")).get(f"jobs/{job.id}").json["notes"] == [earlier, later]


def test_a_job_without_notes_has_an_empty_list(tapi, job):
    assert tapi.get("me/jobs").json["items"][0]["notes"] == []
    assert tapi.get(f"jobs/{job.id}").json["notes"] == []


def test_agenda_with_notes_costs_the_same_queries_for_2_and_12_jobs(api, make):
    path = f"me/jobs?from={date.today().isoformat()}&to={(date.today() + timedelta(days=14)).isoformat()}"
    queries = {}
    for number in (2, 12):
        technician = make.user("technician")
        for start in slots(number):
            job = make.scheduled_job(technician, start=start)
            job.created_at = utcnow() - timedelta(days=1)
            for index in range(2):
                db.session.add(JobNote(job_id=job.id, technician_id=technician.id, text=f"Note {index}",
                                       written_at=utcnow() - timedelta(minutes=index)))
            db.session.commit()
        name, client = technician.name, api.as_user(technician)
        queries[number], response = statements_for(client, path)
        assert response.status_code == 200
        assert all(len(item["notes"]) == 2 and item["notes"][0]["author"]["name"] == name
                   for item in response.json["items"])
    assert queries[2] == queries[12], queries


def test_notes_are_on_the_office_job_page_escaped(client, auth, make, tapi, job):
    assert note(tapi, job, "<script>alert(1)</script> & co").status_code == 201
    agent = make.user("agent")
    auth.login(agent.email)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "<script>alert(1)" not in page


def test_notes_are_not_on_the_receipt(tapi, on_site_job):
    before = services.receipt_content(on_site_job)
    assert note(tapi, on_site_job, "Customer was rude; check the wiring again").status_code == 201
    after = services.receipt_content(on_site_job)
    assert after == before
    assert "rude" not in repr(after)
