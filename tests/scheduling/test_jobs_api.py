"""Jobs from tickets, scheduling with conflicts named, and who may see a job."""

from datetime import timedelta

from sqlalchemy import func, select

from dispatch.audit import events_for
from dispatch.extensions import db
from dispatch.scheduling.models import Absence, Job
from tests.support.factories import next_weekday_at


def window(start, minutes=60):
    return {"start": start.isoformat(), "end": (start + timedelta(minutes=minutes)).isoformat()}


def test_job_from_ticket_is_unscheduled_at_the_assets_site(api, make):
    asset = make.asset()
    ticket = make.ticket(asset=asset)
    response = api.as_user(make.user("agent")).post(f"tickets/{ticket.id}/jobs", {
        "kind": "maintenance", "duration_minutes": 90, "required_skills": ["boiler", "boiler"],
        "instructions": "Ring twice"})
    assert response.status_code == 201
    job = response.json
    assert job["number"].startswith("J-") and job["status"] == "unscheduled"
    assert job["site"]["id"] == asset.site_id and job["asset"]["serial_number"] == asset.serial_number
    assert job["required_skills"] == ["boiler"] and job["ticket_reference"] == ticket.reference
    assert job["coverage"] is None and job["invoice_id"] is None


def test_job_bad_input(api, make):
    ticket = make.ticket()
    foreign = make.asset()
    client = api.as_user(make.user("agent"))
    for body, field in (({"duration_minutes": 0}, "duration_minutes"), ({}, "duration_minutes"),
                        ({"duration_minutes": 60, "kind": "party"}, "kind"),
                        ({"duration_minutes": 60, "asset_id": foreign.id}, "asset_id"),
                        ({"duration_minutes": 60, "required_skills": "boiler"}, "required_skills")):
        response = client.post(f"tickets/{ticket.id}/jobs", body)
        assert response.status_code == 422 and field in response.json["errors"], body
    assert client.post("tickets/424242/jobs", {"duration_minutes": 60}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_schedule_and_audit(api, make):
    technician = make.user("technician")
    job = make.job()
    agent = make.user("agent")
    start = next_weekday_at(9)
    response = api.as_user(agent).post(f"jobs/{job.id}/schedule", {"technician_id": technician.id, **window(start)})
    assert response.status_code == 200
    assert response.json["technician_id"] == technician.id and response.json["status"] == "scheduled"
    actions = [event.action for event in events_for(db.session.get(Job, job.id))]
    assert actions[:3] == ["job.created", "job.status_changed", "job.scheduled"]


def test_overlap_is_409_naming_the_other_job(api, make):
    technician = make.user("technician")
    start = next_weekday_at(10)
    booked = make.scheduled_job(technician, start=start)
    job = make.job()
    response = api.as_user(make.user("agent")).post(f"jobs/{job.id}/schedule", {
        "technician_id": technician.id, **window(start + timedelta(minutes=30))})
    assert response.status_code == 409
    assert response.json["code"] == "overlap" and booked.number in response.json["detail"]
    assert db.session.get(Job, job.id).status.value == "unscheduled"


def test_back_to_back_is_not_an_overlap(api, make):
    technician = make.user("technician")
    start = next_weekday_at(10)
    make.scheduled_job(technician, start=start)
    job = make.job()
    response = api.as_user(make.user("agent")).post(f"jobs/{job.id}/schedule", {
        "technician_id": technician.id, **window(start + timedelta(minutes=60))})
    assert response.status_code == 200


def test_absence_missing_skill_and_hours_are_409(api, make):
    technician = make.user("technician", skills=["boiler"])
    start = next_weekday_at(9)
    db.session.add(Absence(technician_id=technician.id, starts_at=start - timedelta(hours=1),
                           ends_at=start + timedelta(hours=8), reason="leave"))
    db.session.commit()
    client = api.as_user(make.user("agent"))
    absent = client.post(f"jobs/{make.job().id}/schedule", {"technician_id": technician.id, **window(start)})
    assert absent.status_code == 409 and absent.json["code"] == "absence"
    other_day = next_weekday_at(9, days_ahead=8)
    unskilled = client.post(f"jobs/{make.job(required_skills=['solar']).id}/schedule",
                            {"technician_id": technician.id, **window(other_day)})
    assert unskilled.status_code == 409 and unskilled.json["code"] == "missing_skill"
    night = client.post(f"jobs/{make.job().id}/schedule",
                        {"technician_id": technician.id, **window(next_weekday_at(22, days_ahead=8))})
    assert night.status_code == 409 and night.json["code"] == "outside_working_hours"


def test_schedule_bad_input(api, make):
    job = make.job()
    agent_user = make.user("agent")
    client = api.as_user(agent_user)
    start = next_weekday_at(9)
    cases = [
        ({"technician_id": agent_user.id, **window(start)}, "technician_id"),
        ({"technician_id": 999, **window(start)}, "technician_id"),
        ({"technician_id": 1, "start": "tomorrow", "end": start.isoformat()}, "start"),
        ({"technician_id": 1, "start": "2026-11-23T09:00:00", "end": "2026-11-23T10:00:00"}, "start"),
    ]
    for body, field in cases:
        response = client.post(f"jobs/{job.id}/schedule", body)
        assert response.status_code == 422 and field in response.json["errors"], body
    technician = make.user("technician")
    backwards = client.post(f"jobs/{job.id}/schedule", {"technician_id": technician.id, "start": start.isoformat(),
                                                        "end": (start - timedelta(hours=1)).isoformat()})
    assert backwards.status_code == 422 and "end" in backwards.json["errors"]


def test_technician_sees_own_job_only(api, make):
    mine, theirs = make.user("technician"), make.user("technician")
    my_job = make.scheduled_job(mine)
    their_job = make.scheduled_job(theirs)
    client = api.as_user(mine)
    assert client.get(f"jobs/{my_job.id}").status_code == 200
    assert client.get(f"jobs/{their_job.id}").status_code == 404
    assert client.get(f"jobs/{make.job().id}").status_code == 404


def test_billing_can_read_a_job(api, make):
    job = make.job()
    assert api.as_user(make.user("billing")).get(f"jobs/{job.id}").json["customer"]["name"]


def test_suggestions_rank_by_skill_availability_and_distance(api, make):
    near = make.user("technician", name="Near", home_latitude=52.09, home_longitude=5.12)
    far = make.user("technician", name="Far", home_latitude=53.2, home_longitude=6.56)
    make.user("technician", name="Unskilled", skills=["solar"])
    busy = make.user("technician", name="Busy")
    start = next_weekday_at(9)
    make.scheduled_job(busy, start=start)
    job = make.job(required_skills=["boiler"])
    client = api.as_user(make.user("agent"))
    response = client.get(f"jobs/{job.id}/suggestions", query_string={"start": start.isoformat()})
    assert response.status_code == 200
    by_name = {item["name"]: item for item in response.json}
    assert list(by_name) == ["Near", "Busy", "Far"]  # the rest of the day: Busy after their job, Far after driving
    assert response.headers["Suggestions-Left-Out"] == "missing_skill=1"
    assert by_name["Near"]["technician_id"] == near.id and by_name["Near"]["distance_km"] < 5
    assert by_name["Near"]["earliest_start"] == start.isoformat()
    assert by_name["Busy"]["earliest_start"] == (start + timedelta(hours=1)).isoformat()  # same street
    assert by_name["Far"]["technician_id"] == far.id and by_name["Far"]["distance_km"] > 100
    assert by_name["Far"]["travel_minutes"] > 120  # Groningen to Utrecht: two and a half hours by road
    quarter = client.get(f"jobs/{job.id}/suggestions", query_string={
        "start": start.isoformat(), "end": (start + timedelta(minutes=15)).isoformat()})
    assert [item["name"] for item in quarter.json] == ["Near"]
    assert quarter.headers["Suggestions-Left-Out"] == "missing_skill=1, no_slot=2"
    assert any("skill" in reason for reason in response.json[0]["reasons"])


def test_cancelled_job_cannot_be_scheduled(api, make, app):
    from dispatch.enums import JobStatus
    from dispatch.scheduling.services import change_status

    technician = make.user("technician")
    job = make.job()
    change_status(job, JobStatus.CANCELLED, None)
    db.session.commit()
    response = api.as_user(make.user("agent")).post(f"jobs/{job.id}/schedule", {
        "technician_id": technician.id, **window(next_weekday_at(9))})
    assert response.status_code == 409 and response.json["code"] == "invalid_transition"
