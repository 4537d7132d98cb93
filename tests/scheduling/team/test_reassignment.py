"""Reassigning an absent technician's jobs: proposals that respect skills and each other, and applying them."""

from datetime import timedelta

import pytest

from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job
from tests.support.factories import next_weekday_at
from tests.support.queries import statements_for


def day_span():
    return {"start": next_weekday_at(0).isoformat(), "end": next_weekday_at(23, 59).isoformat()}


def overlapping_jobs(make, technician, skills=("boiler",)):
    """Two jobs of ``technician`` that overlap (planned over a conflict, as an agent may with a reason)."""
    first = make.scheduled_job(technician, start=next_weekday_at(9), required_skills=list(skills))
    second = make.job(required_skills=list(skills))
    start = next_weekday_at(9, 30)
    scheduling.schedule(second, technician.id, start, start + timedelta(hours=1), None, "double booked on purpose")
    db.session.commit()
    return first, second


def job(job_id) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


@pytest.mark.parametrize(("role", "expected"), [("agent", 200), ("admin", 200), ("billing", 403),
                                                ("technician", 404)])
def test_who_gets_proposals(api, make, role, expected):
    technician = make.user("technician")
    response = api.as_user(make.user(role)).get(f"technicians/{technician.id}/reassignment",
                                                query_string=day_span())
    assert response.status_code == expected


@pytest.mark.parametrize(("role", "expected"), [("agent", 200), ("admin", 200), ("billing", 403),
                                                ("technician", 404)])
def test_who_applies(api, make, role, expected):
    absent = make.user("technician")
    planned = make.scheduled_job(absent)
    response = api.as_user(make.user(role)).post(f"technicians/{absent.id}/reassignment", {
        "assignments": [{"job_id": planned.id, "technician_id": None}]})
    assert response.status_code == expected
    assert job(planned.id).status == (JobStatus.UNSCHEDULED if expected == 200 else JobStatus.SCHEDULED)


def test_anonymous_gets_401(api, make):
    absent = make.user("technician")
    assert api.get(f"technicians/{absent.id}/reassignment", query_string=day_span()).status_code == 401
    assert api.post(f"technicians/{absent.id}/reassignment", {"assignments": []}).status_code == 401


def test_proposals_respect_skills(api, make):
    absent = make.user("technician", skills=["gas"])
    make.user("technician", skills=["boiler"], name="Bert Boiler")
    gas_fitter = make.user("technician", skills=["gas", "boiler"], name="Gerda Gas")
    planned = make.scheduled_job(absent, required_skills=["gas"])
    proposals = api.as_user(make.user("agent")).get(f"technicians/{absent.id}/reassignment",
                                                    query_string=day_span()).json
    assert [p["job"]["number"] for p in proposals] == [planned.number]
    assert proposals[0]["technician_id"] == gas_fitter.id
    assert [c["name"] for c in proposals[0]["candidates"]] == ["Gerda Gas"]


def test_a_proposed_technician_is_not_proposed_again_for_an_overlapping_job(api, make):
    absent = make.user("technician")
    first_free = make.user("technician")
    second_free = make.user("technician")
    first, second = overlapping_jobs(make, absent)
    proposals = api.as_user(make.user("agent")).get(f"technicians/{absent.id}/reassignment",
                                                    query_string=day_span()).json
    chosen = {p["job"]["id"]: p["technician_id"] for p in proposals}
    assert set(chosen) == {first.id, second.id}
    assert {chosen[first.id], chosen[second.id]} == {first_free.id, second_free.id}
    later = next(p for p in proposals if p["job"]["id"] == second.id)
    assert chosen[first.id] not in [c["technician_id"] for c in later["candidates"]]


def test_nobody_fit_is_a_null_proposal(api, make):
    absent = make.user("technician")
    only_one = make.user("technician")
    make.user("technician", skills=["ladder"])  # lacks the skill
    first, second = overlapping_jobs(make, absent)
    proposals = api.as_user(make.user("agent")).get(f"technicians/{absent.id}/reassignment",
                                                    query_string=day_span()).json
    assert [(p["job"]["id"], p["technician_id"]) for p in proposals] == [(first.id, only_one.id), (second.id, None)]
    assert proposals[1]["candidates"] == []


def test_started_jobs_and_other_days_are_left_alone(api, make):
    absent = make.user("technician")
    make.user("technician")
    started = make.scheduled_job(absent, start=next_weekday_at(9))
    scheduling.change_status(started, JobStatus.EN_ROUTE, absent.id)
    db.session.commit()
    make.scheduled_job(absent, start=next_weekday_at(9, days_ahead=8))
    proposals = api.as_user(make.user("agent")).get(f"technicians/{absent.id}/reassignment",
                                                    query_string=day_span()).json
    assert proposals == []


def test_apply_moves_jobs_at_the_same_time_or_back_to_the_queue(api, make):
    absent = make.user("technician")
    stand_in = make.user("technician")
    first, second = overlapping_jobs(make, absent)
    agent = make.user("agent")
    response = api.as_user(agent).post(f"technicians/{absent.id}/reassignment", {
        "assignments": [{"job_id": first.id, "technician_id": stand_in.id},
                        {"job_id": second.id, "technician_id": None}], "reason": "Daan is ill"})
    assert response.status_code == 200
    assert [j["number"] for j in response.json["jobs"]] == [first.number, second.number]
    moved, queued = job(first.id), job(second.id)
    assert (moved.technician_id, moved.status, moved.scheduled_start) == (
        stand_in.id, JobStatus.SCHEDULED, first.scheduled_start)
    assert (queued.technician_id, queued.status, queued.scheduled_start) == (None, JobStatus.UNSCHEDULED, None)


def test_apply_is_all_or_nothing_and_names_the_assignment(api, make):
    absent = make.user("technician")
    stand_in = make.user("technician")
    first, second = overlapping_jobs(make, absent)
    client = api.as_user(make.user("agent"))
    # Both to the same stand-in: the second overlaps the first.
    response = client.post(f"technicians/{absent.id}/reassignment", {
        "assignments": [{"job_id": first.id, "technician_id": stand_in.id},
                        {"job_id": second.id, "technician_id": stand_in.id}]})
    assert response.status_code == 409 and "assignments.1.technician_id" in response.json["errors"]
    assert second.number in response.json["detail"]
    assert job(first.id).technician_id == absent.id and job(second.id).technician_id == absent.id
    someone_elses = make.scheduled_job(stand_in, start=next_weekday_at(14))
    for assignment, field in (({"job_id": someone_elses.id, "technician_id": None}, "assignments.0.job_id"),
                              ({"job_id": first.id, "technician_id": 424242}, "assignments.0.technician_id"),
                              ({"job_id": first.id, "technician_id": absent.id}, "assignments.0.technician_id")):
        response = client.post(f"technicians/{absent.id}/reassignment", {"assignments": [assignment]})
        assert response.status_code == 422 and field in response.json["errors"], (assignment, response.json)
    assert job(someone_elses.id).status == JobStatus.SCHEDULED
    assert job(first.id).technician_id == absent.id


def test_bad_spans_are_422(api, make):
    absent = make.user("technician")
    client = api.as_user(make.user("agent"))
    start = next_weekday_at(9)
    for query, field in (({"start": start.isoformat()}, "end"),
                         ({"start": start.isoformat(), "end": (start - timedelta(hours=1)).isoformat()}, "end"),
                         ({"start": "monday", "end": start.isoformat()}, "start")):
        response = client.get(f"technicians/{absent.id}/reassignment", query_string=query)
        assert response.status_code == 422 and field in response.json["errors"], query


def test_proposals_take_the_same_queries_for_2_and_8_jobs(api, make):
    absent = make.user("technician")
    for _ in range(4):
        make.user("technician")
    client = api.as_user(make.user("agent"))
    for hour in (8, 9):
        make.scheduled_job(absent, start=next_weekday_at(hour))
    path = f"/api/v1/technicians/{absent.id}/reassignment?start={next_weekday_at(0).isoformat()}" \
           f"&end={next_weekday_at(23).isoformat()}".replace("+", "%2B")
    few, response = statements_for(client, path)
    assert len(response.json) == 2
    for hour in (10, 11, 12, 13, 14, 15):
        make.scheduled_job(absent, start=next_weekday_at(hour))
    many, response = statements_for(client, path)
    assert len(response.json) == 8
    assert few == many
