"""Route planning through /api/v1/routes: proposals change nothing, apply schedules through the scheduling
rules in one transaction and is audited; roles and bad input are refused with the database unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dispatch.audit import AuditEvent
from dispatch.enums import JobStatus, Role
from dispatch.extensions import db
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job
from tests.support.factories import AMSTERDAM, next_weekday_at

# Places along the A2 south of Amsterdam: about 10 to 60 km apart.
AMSTERDAM_HOME = (52.37, 4.89)
UTRECHT = (52.09, 5.12)
NIEUWEGEIN = (52.03, 5.09)
DEN_BOSCH = (51.69, 5.30)


@pytest.fixture(autouse=True)
def quick_solver(app):
    app.config["ROUTE_SOLVER_SECONDS"] = 0.5


def job_at(make, place, **overrides):
    job = make.job(make.ticket(make.customer(latitude=place[0], longitude=place[1])), **overrides)
    job.site.latitude, job.site.longitude = place  # whatever the geocoding stand-in said
    db.session.commit()
    return job


def day_of(moment):
    return moment.astimezone(AMSTERDAM).date()


def audits(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def job_rows():
    db.session.expire_all()
    return {job.id: (job.status, job.technician_id, job.scheduled_start) for job in db.session.scalars(select(Job))}


def test_a_day_plan_is_only_a_proposal_until_applied(api, make):
    agent = make.user(Role.AGENT)
    boiler = make.user(Role.TECHNICIAN, skills=["boiler"], home_latitude=UTRECHT[0], home_longitude=UTRECHT[1])
    make.user(Role.TECHNICIAN, skills=["heat_pump"], home_latitude=DEN_BOSCH[0], home_longitude=DEN_BOSCH[1])
    ten = next_weekday_at(10)
    windowed = job_at(make, NIEUWEGEIN)
    windowed.window_start, windowed.window_end = ten, ten + timedelta(hours=1)
    plain = job_at(make, UTRECHT)
    heat_pump = job_at(make, DEN_BOSCH, required_skills=["heat_pump"])
    nobody = job_at(make, UTRECHT, required_skills=["solar"])
    unlocated = job_at(make, UTRECHT)
    unlocated.site.latitude = unlocated.site.longitude = None
    db.session.commit()
    before = job_rows()
    client = api.as_user(agent)

    proposal = client.post("routes/day", json={"day": day_of(ten).isoformat(), "solver": "greedy"})

    assert proposal.status_code == 200, proposal.json
    body = proposal.json
    assert body["applied"] is False and body["engine"] == "greedy"
    placed = {visit["job_id"]: (route["technician_id"], visit) for route in body["routes"] for visit in route["visits"]}
    assert placed[windowed.id][0] == boiler.id and placed[plain.id][0] == boiler.id
    assert placed[heat_pump.id][0] != boiler.id
    assert ten.isoformat() <= placed[windowed.id][1]["start"] <= (ten + timedelta(hours=1)).isoformat()
    assert {left["job_id"]: left["reason"] for left in body["unassigned"]} == {
        nobody.id: "no_skilled_technician", unlocated.id: "address_not_located"}
    assert body["travel_minutes"] > 0 and body["travel_km"] > 0
    assert job_rows() == before

    applied = client.post("routes/day", json={"day": day_of(ten).isoformat(), "apply": True})

    assert applied.status_code == 200, applied.json
    assert applied.json["applied"] is True and applied.json["engine"] in ("solver", "greedy")
    rows = job_rows()
    for job in (windowed, plain, heat_pump):
        assert rows[job.id][0] == JobStatus.SCHEDULED
    assert rows[windowed.id][1] == boiler.id and ten <= rows[windowed.id][2] <= ten + timedelta(hours=1)
    assert rows[nobody.id][0] == rows[unlocated.id][0] == JobStatus.UNSCHEDULED
    planned = audits("day.planned")
    assert {event.object_id for event in planned} == {route["technician_id"] for route in applied.json["routes"]}
    assert len(audits("job.scheduled")) == 3


def test_existing_bookings_and_absences_are_respected(api, make):
    from dispatch.scheduling.models import Absence

    agent = make.user(Role.AGENT)
    busy = make.user(Role.TECHNICIAN, home_latitude=UTRECHT[0], home_longitude=UTRECHT[1])
    away = make.user(Role.TECHNICIAN, home_latitude=UTRECHT[0], home_longitude=UTRECHT[1])
    morning = next_weekday_at(8)
    db.session.add(Absence(technician_id=away.id, starts_at=morning - timedelta(hours=2),
                           ends_at=morning + timedelta(hours=12), reason="sickness"))
    booked = make.scheduled_job(busy, make.ticket(make.customer(latitude=UTRECHT[0], longitude=UTRECHT[1])),
                                start=next_weekday_at(9), duration_minutes=300)
    waiting = job_at(make, UTRECHT)

    body = api.as_user(agent).post("routes/day", json={"day": day_of(morning).isoformat(), "apply": True}).json

    route = next(route for route in body["routes"] if route["technician_id"] == busy.id)
    fixed = next(visit for visit in route["visits"] if visit["job_id"] == booked.id)
    new = next(visit for visit in route["visits"] if visit["job_id"] == waiting.id)
    assert fixed["fixed"] is True and fixed["start"] == next_weekday_at(9).isoformat()
    assert new["end"] <= fixed["start"] or new["start"] >= fixed["end"]
    assert away.id not in {route["technician_id"] for route in body["routes"]}


def test_reordering_a_day_cuts_travel_and_keeps_windows(api, make):
    agent = make.user(Role.AGENT)
    technician = make.user(Role.TECHNICIAN, home_latitude=AMSTERDAM_HOME[0], home_longitude=AMSTERDAM_HOME[1])
    # Planned Den Bosch, Utrecht, Den Bosch, Nieuwegein: back and forth along the A2.
    places = [DEN_BOSCH, UTRECHT, DEN_BOSCH, NIEUWEGEIN]
    starts = [next_weekday_at(8), next_weekday_at(10, 30), next_weekday_at(13), next_weekday_at(15, 15)]
    jobs = [job_at(make, place) for place in places]
    promised = (next_weekday_at(13), next_weekday_at(15))
    jobs[2].window_start, jobs[2].window_end = promised
    for job, start in zip(jobs, starts, strict=True):
        scheduling.schedule(job, technician.id, start, start + timedelta(hours=1), None)
    db.session.commit()
    client = api.as_user(agent)
    day = day_of(next_weekday_at(9)).isoformat()

    body = client.post(f"routes/technicians/{technician.id}?day={day}", json={"apply": True}).json

    assert body["applied"] is True, body
    assert body["before"]["job_ids"] == [job.id for job in jobs]
    assert body["travel_minutes"] < body["before"]["travel_minutes"]
    rows = job_rows()
    assert promised[0] <= rows[jobs[2].id][2] <= promised[1]
    starts = sorted((rows[job.id][2], job.id) for job in jobs)
    assert [job_id for _, job_id in starts] != [job.id for job in jobs]  # a new order
    assert all(rows[job.id][:2] == (JobStatus.SCHEDULED, technician.id) for job in jobs)
    event, = audits("route.optimised")
    assert event.object_id == technician.id and event.data["previous_job_ids"] == [job.id for job in jobs]


def test_unknown_technician_is_404_and_bad_input_is_422_naming_the_field(api, make):
    client = api.as_user(make.user(Role.ADMIN))
    technician = make.user(Role.TECHNICIAN)
    before = job_rows()
    assert client.post("routes/technicians/999999", json={}).status_code == 404
    assert client.post(f"routes/technicians/{make.user(Role.AGENT).id}", json={}).status_code == 404
    for path, body, field in [
        ("routes/day", {}, "day"),
        ("routes/day", {"day": "tomorrow"}, "day"),
        ("routes/day", {"day": "2026-11-24", "solver": "magic"}, "solver"),
        ("routes/day", {"day": "2026-11-24", "apply": "maybe"}, "apply"),
        ("routes/day", {"day": "2026-11-24", "technician_ids": [999999]}, "technician_ids"),
        ("routes/day", {"day": "2026-11-24", "technician_ids": "all"}, "technician_ids"),
        (f"routes/technicians/{technician.id}?day=someday", {}, "day"),
        (f"routes/technicians/{technician.id}", {"solver": 5}, "solver"),
    ]:
        response = client.post(path, json=body)
        assert response.status_code == 422, (path, body, response.status_code)
        assert response.mimetype == "application/problem+json"
        assert field in response.json["errors"], (path, body, response.json)
    assert job_rows() == before


@pytest.mark.parametrize(("role", "status"), [(Role.BILLING, 403), (Role.TECHNICIAN, 404), (None, 401)])
def test_only_agents_and_admins_plan_routes(api, make, role, status):
    technician = make.user(Role.TECHNICIAN)
    job_at(make, UTRECHT)
    before = job_rows()
    client = api.as_user(make.user(role)) if role else api
    for path in ("routes/day", f"routes/technicians/{technician.id}"):
        response = client.post(path, json={"day": "2026-11-24", "apply": True})
        assert response.status_code == status, (path, response.status_code)
    assert job_rows() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action.in_(["day.planned", "route.optimised"]))) == 0


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN])
def test_agents_and_admins_get_a_proposal(api, make, role):
    technician = make.user(Role.TECHNICIAN)
    response = api.as_user(make.user(role)).post(f"routes/technicians/{technician.id}", json={})
    assert response.status_code == 200 and response.json["routes"] == []


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN])
def test_agents_and_admins_get_a_day_plan_that_changes_nothing(api, make, role):
    technician = make.user(Role.TECHNICIAN, home_latitude=UTRECHT[0], home_longitude=UTRECHT[1])
    job = job_at(make, UTRECHT)
    before = job_rows()
    response = api.as_user(make.user(role)).post("routes/day", json={"day": day_of(next_weekday_at(9)).isoformat(),
                                                                      "solver": "greedy"})
    assert response.status_code == 200 and response.json["applied"] is False
    assert [(route["technician_id"], [visit["job_id"] for visit in route["visits"]])
            for route in response.json["routes"]] == [(technician.id, [job.id])]
    assert job_rows() == before
