"""Absences through the API: who may record them, what is refused, and the planned jobs they hit."""

from datetime import timedelta

import pytest

from dispatch.audit import events_for
from dispatch.extensions import db
from dispatch.scheduling.models import Absence
from tests.support.factories import next_weekday_at
from tests.support.queries import count


def leave(start, days=1, reason="leave", **extra):
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(days=days)).isoformat(), "reason": reason,
            **extra}


@pytest.mark.parametrize(("role", "expected"), [("agent", 201), ("admin", 201), ("billing", 403),
                                                ("technician", 404)])
def test_who_records_an_absence(api, make, role, expected):
    technician = make.user("technician")
    client = api.as_user(make.user(role))
    response = client.post(f"technicians/{technician.id}/absences", leave(next_weekday_at(0)))
    assert response.status_code == expected
    assert count(Absence) == (1 if expected == 201 else 0)
    listed = client.get(f"technicians/{technician.id}/absences")
    assert listed.status_code == (200 if expected == 201 else expected)


@pytest.mark.parametrize(("role", "expected"), [("agent", 204), ("admin", 204), ("billing", 403),
                                                ("technician", 404)])
def test_who_deletes_an_absence(api, make, role, expected):
    technician = make.user("technician")
    created = api.as_user(make.user("agent")).post(f"technicians/{technician.id}/absences",
                                                   leave(next_weekday_at(0))).json
    response = api.as_user(make.user(role)).delete(f"absences/{created['id']}")
    assert response.status_code == expected
    assert count(Absence) == (0 if expected == 204 else 1)


def test_anonymous_gets_401(api, make):
    technician = make.user("technician")
    assert api.post(f"technicians/{technician.id}/absences", leave(next_weekday_at(0))).status_code == 401
    assert api.get(f"technicians/{technician.id}/absences").status_code == 401
    assert api.delete("absences/1").status_code == 401


def test_an_absence_lists_the_planned_jobs_it_overlaps(api, make):
    technician = make.user("technician")
    other = make.user("technician")
    morning = make.scheduled_job(technician, start=next_weekday_at(9))
    afternoon = make.scheduled_job(technician, start=next_weekday_at(14))
    make.scheduled_job(technician, start=next_weekday_at(9, days_ahead=8))  # after the absence
    make.scheduled_job(other, start=next_weekday_at(9))  # someone else's
    agent = make.user("agent")
    response = api.as_user(agent).post(f"technicians/{technician.id}/absences", {
        "starts_at": next_weekday_at(0).isoformat(), "ends_at": next_weekday_at(23).isoformat(),
        "reason": "sickness", "note": "Flu"})
    assert response.status_code == 201
    body = response.json
    assert (body["reason"], body["note"], body["technician_id"]) == ("sickness", "Flu", technician.id)
    assert [job["number"] for job in body["affected_jobs"]] == [morning.number, afternoon.number]
    assert body["affected_jobs"][0]["customer"] == morning.site.customer.name
    assert events_for(technician)[-1].action == "absence.added"
    listed = api.as_user(agent).get(f"technicians/{technician.id}/absences").json
    assert [item["id"] for item in listed] == [body["id"]] and "affected_jobs" not in listed[0]


def test_an_absence_over_no_jobs_lists_none(api, make):
    technician = make.user("technician")
    response = api.as_user(make.user("agent")).post(f"technicians/{technician.id}/absences",
                                                    leave(next_weekday_at(0), days=14))
    assert response.status_code == 201 and response.json["affected_jobs"] == []


@pytest.mark.parametrize(("body", "field"), [
    ({"ends_at": "start"}, "ends_at"),  # ends when it starts
    ({"ends_at": "before"}, "ends_at"),
    ({"ends_at": "two years"}, "ends_at"),
    ({"reason": "holiday"}, "reason"),
    ({"starts_at": "2026-12-01T09:00:00"}, "starts_at"),  # no offset
    ({"note": "x" * 2001}, "note"),
])
def test_bad_absences_are_422_naming_the_field(api, make, body, field):
    technician = make.user("technician")
    start = next_weekday_at(0)
    ends = {"start": start, "before": start - timedelta(hours=1), "two years": start + timedelta(days=730)}
    data = leave(start) | body
    if data["ends_at"] in ends:
        data["ends_at"] = ends[data["ends_at"]].isoformat()
    response = api.as_user(make.user("agent")).post(f"technicians/{technician.id}/absences", data)
    assert response.status_code == 422 and field in response.json["errors"], response.json
    assert count(Absence) == 0


def test_a_year_is_allowed_and_unknown_ids_are_404(api, make):
    technician = make.user("technician")
    agent = make.user("agent")
    client = api.as_user(agent)
    assert client.post(f"technicians/{technician.id}/absences", leave(next_weekday_at(0), 365)).status_code == 201
    assert client.post(f"technicians/{agent.id}/absences", leave(next_weekday_at(0))).status_code == 404
    assert client.post("technicians/424242/absences", leave(next_weekday_at(0))).status_code == 404
    assert client.delete("absences/424242").status_code == 404
    assert count(Absence) == 1


def test_deleting_is_audited_on_the_technician(api, make):
    technician = make.user("technician")
    client = api.as_user(make.user("agent"))
    created = client.post(f"technicians/{technician.id}/absences", leave(next_weekday_at(0))).json
    assert client.delete(f"absences/{created['id']}").status_code == 204
    db.session.expire_all()
    assert [event.action for event in events_for(technician)][-2:] == ["absence.added", "absence.deleted"]


def test_a_desk_agents_absence_cannot_be_deleted_through_the_technicians_routes(api, client, pages, make):
    # Desk agents' absences are the admins' (desk/assignment); the team's routes only reach technicians'.
    colleague = make.user("agent")
    start = next_weekday_at(0)
    absence = make.absence(colleague, start, start + timedelta(days=1))
    assert api.as_user(make.user("agent")).delete(f"absences/{absence.id}").status_code == 404
    pages.login_as("agent")
    token = pages.token("/technicians")
    assert client.post(f"/absences/{absence.id}/delete", data={"csrf_token": token}).status_code == 404
    assert count(Absence) == 1
