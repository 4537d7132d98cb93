"""Scheduling rules: every conflict named (structured), overrides audited, appointment windows, taking jobs off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dispatch.audit import events_for
from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.scheduling.models import Absence, Job
from tests.scheduling.test_suggestions import AMERSFOORT, job_at, local, technician, the_day


def body(person, start, minutes=60, **extra):
    return {"technician_id": person.id, "start": start.isoformat(),
            "end": (start + timedelta(minutes=minutes)).isoformat()} | extra


def conflict_setups(make, day):
    """Each conflict code with a technician, a job and a start that raise it."""
    person = technician(make, "Piet", skills=["boiler"])
    away = technician(make, "Away")
    db.session.add(Absence(technician_id=away.id, starts_at=local(day, 8), ends_at=local(day, 12), reason="leave"))
    make.scheduled_job(person, make.ticket(make.customer(latitude=AMERSFOORT[0], longitude=AMERSFOORT[1])),
                       start=local(day, 9))
    windowed = job_at(make)
    windowed.window_start, windowed.window_end = local(day, 13), local(day, 14)
    db.session.commit()
    return {
        "missing_skill": (person, job_at(make, required_skills=["solar"]), local(day, 14)),
        "overlap": (person, job_at(make), local(day, 9, 30)),
        "absence": (away, job_at(make), local(day, 9)),
        "outside_working_hours": (person, job_at(make), local(day, 20)),
        "travel_time": (person, job_at(make), local(day, 10)),
        "outside_appointment_window": (person, windowed, local(day, 15)),
    }


def test_each_conflict_is_a_409_with_structured_conflicts_and_changes_nothing(api, make):
    day = the_day()
    client = api.as_user(make.user("agent"))
    for code, (person, job, start) in conflict_setups(make, day).items():
        response = client.post(f"jobs/{job.id}/schedule", body(person, start))
        assert response.status_code == 409, code
        assert response.headers["Content-Type"] == "application/problem+json"
        codes = [item["code"] for item in response.json["conflicts"]]
        assert code in codes, (code, codes)
        assert all(item["message"] and isinstance(item["details"], dict) for item in response.json["conflicts"])
        assert any(line.startswith(f"{code}: ") for line in response.json["errors"]["conflicts"])
        db.session.expire_all()
        assert db.session.get(Job, job.id).technician_id != person.id


def test_an_override_with_a_reason_schedules_and_is_audited(api, make):
    day = the_day()
    person, job, start = conflict_setups(make, day)["missing_skill"]
    client = api.as_user(make.user("agent"))
    too_long = client.post(f"jobs/{job.id}/schedule", body(person, start, override_reason="x" * 501))
    assert too_long.status_code == 422 and "override_reason" in too_long.json["errors"]
    blank = client.post(f"jobs/{job.id}/schedule", body(person, start, override_reason="  "))
    assert blank.status_code == 409
    response = client.post(f"jobs/{job.id}/schedule", body(person, start, override_reason="Trained last week"))
    assert response.status_code == 200 and response.json["technician_id"] == person.id
    db.session.expire_all()
    [override] = [e for e in events_for(db.session.get(Job, job.id)) if e.action == "job.schedule_overridden"]
    assert override.data["reason"] == "Trained last week"
    assert override.data["conflict_codes"] == ["missing_skill"] and "solar" in override.data["conflicts"][0]


def test_the_appointment_window_is_set_with_the_visit(api, make):
    day = the_day()
    person = technician(make, "Piet")
    job = job_at(make)
    client = api.as_user(make.user("agent"))
    window = {"window_start": local(day, 10).isoformat(), "window_end": local(day, 12).isoformat()}
    response = client.post(f"jobs/{job.id}/schedule", body(person, local(day, 10, 30), **window))
    assert response.status_code == 200
    assert response.json["window_start"] == local(day, 10).isoformat()
    assert response.json["window_end"] == local(day, 12).isoformat()
    moved = client.post(f"jobs/{job.id}/schedule", body(person, local(day, 14)))
    assert moved.status_code == 409 and moved.json["code"] == "outside_appointment_window"


@pytest.mark.parametrize(("extra", "field"), [
    ({"window_start": "2026-12-01T10:00:00+01:00"}, "window_end"),
    ({"window_end": "2026-12-01T10:00:00+01:00"}, "window_start"),
    ({"window_start": "2026-12-01T12:00:00+01:00", "window_end": "2026-12-01T10:00:00+01:00"}, "window_end"),
    ({"window_start": "noon", "window_end": "2026-12-01T10:00:00+01:00"}, "window_start"),
    ({"override_reason": 42}, "override_reason"),
])
def test_inconsistent_windows_and_wrong_types_are_422(api, make, extra, field):
    person = technician(make, "Piet")
    job = job_at(make)
    response = api.as_user(make.user("agent")).post(f"jobs/{job.id}/schedule",
                                                     body(person, local(the_day(), 10), **extra))
    assert response.status_code == 422 and field in response.json["errors"], response.json
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.UNSCHEDULED


def test_a_visit_outside_the_window_it_sets_is_422(api, make):
    day = the_day()
    person = technician(make, "Piet")
    job = job_at(make)
    response = api.as_user(make.user("agent")).post(f"jobs/{job.id}/schedule", body(
        person, local(day, 9), window_start=local(day, 10).isoformat(), window_end=local(day, 12).isoformat()))
    assert response.status_code == 422 and "window_start" in response.json["errors"]
    db.session.expire_all()
    assert db.session.get(Job, job.id).window_start is None


def test_unschedule_clears_technician_and_times(api, make):
    person = technician(make, "Piet")
    job = make.scheduled_job(person, start=local(the_day(), 9))
    response = api.as_user(make.user("agent")).post(f"jobs/{job.id}/unschedule", {"reason": "Customer called"})
    assert response.status_code == 200
    assert response.json["status"] == "unscheduled" and response.json["technician_id"] is None
    assert response.json["scheduled_start"] is None
    db.session.expire_all()
    actions = [e.action for e in events_for(db.session.get(Job, job.id))]
    assert "job.unscheduled" in actions


def test_postpone_and_cancel_need_a_reason_and_a_fitting_status(api, make):
    person = technician(make, "Piet")
    job = make.scheduled_job(person, start=local(the_day(), 9))
    client = api.as_user(make.user("agent"))
    for action in ("postpone", "cancel"):
        for bad in ({}, {"reason": ""}, {"reason": 7}, {"reason": "x" * 501}):
            response = client.post(f"jobs/{job.id}/{action}", bad)
            assert response.status_code == 422 and "reason" in response.json["errors"], (action, bad)
    assert client.post(f"jobs/{job.id}/postpone", {"reason": "Part on order"}).json["status"] == "postponed"
    db.session.expire_all()
    assert db.session.get(Job, job.id).postponed_reason == "Part on order"
    again = client.post(f"jobs/{job.id}/postpone", {"reason": "Again"})
    assert again.status_code == 409 and again.json["code"] == "invalid_transition"
    assert client.post(f"jobs/{job.id}/cancel", {"reason": "Customer moved"}).json["status"] == "cancelled"
    for action, data in (("unschedule", {}), ("postpone", {"reason": "x"}), ("cancel", {"reason": "x"})):
        refused = client.post(f"jobs/{job.id}/{action}", data)
        assert refused.status_code == 409 and refused.json["code"] == "invalid_transition", action
    unscheduled = job_at(make)
    assert client.post(f"jobs/{unscheduled.id}/postpone", {"reason": "x"}).status_code == 409
    assert client.post("jobs/424242/cancel", {"reason": "x"}).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("agent", 200), ("admin", 200), ("billing", 403),
                                              ("technician", 404)])
@pytest.mark.parametrize("action", ["unschedule", "postpone", "cancel"])
def test_who_may_take_a_job_off_the_planning(api, make, role, status, action):
    job = make.scheduled_job(technician(make, "Piet"), start=local(the_day(), 9))
    response = api.as_user(make.user(role)).post(f"jobs/{job.id}/{action}", {"reason": "Customer called"})
    assert response.status_code == status
    db.session.expire_all()
    changed = db.session.scalar(select(func.count()).select_from(Job).where(Job.status != JobStatus.SCHEDULED))
    assert changed == (1 if status == 200 else 0)


def test_the_assigned_technician_cannot_take_their_job_off(api, make):
    person = technician(make, "Piet")
    job = make.scheduled_job(person, start=local(the_day(), 9))
    assert api.as_user(person).post(f"jobs/{job.id}/cancel", {"reason": "No"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.SCHEDULED
