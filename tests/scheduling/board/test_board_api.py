"""GET /api/v1/board: lanes with conflicts in place, the queue by urgency, who may read it, constant queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatch.dbtypes import utcnow
from dispatch.enums import AbsenceReason
from dispatch.extensions import db
from dispatch.scheduling.models import Absence
from tests.scheduling.board.support import AMSTERDAM_CENTRE, MAASTRICHT, at, board_day, planned
from tests.support.queries import recorded_statements


def board_of(api, make, day, days=1):
    response = api.as_user(make.user("agent")).get(f"board?day={day.isoformat()}&days={days}")
    assert response.status_code == 200, response.json
    return response.json


def lane_of(board, technician):
    return next(lane for lane in board["lanes"] if lane["technician_id"] == technician.id)


def conflict_codes(board, job):
    found = [item for lane in board["lanes"] for item in lane["jobs"] if item["id"] == job.id]
    assert len(found) == 1, found
    return [conflict["code"] for conflict in found[0]["conflicts"]]


# A technician meets the board as something that does not exist, like everything outside their jobs.
@pytest.mark.parametrize(("role", "status"), [("agent", 200), ("admin", 200), ("billing", 403),
                                              ("technician", 404)])
def test_board_is_for_agents_and_admins(api, make, role, status):
    assert api.as_user(make.user(role)).get("board").status_code == status


def test_board_needs_a_signed_in_user(api):
    response = api.get("board")
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize(("query", "field"), [("day=23-11-2026", "day"), ("day=2026-02-30", "day"),
                                              ("days=3", "days"), ("days=x", "days"),
                                              ("queue_limit=0", "queue_limit")])
def test_bad_arguments_are_422_naming_the_field(api, make, query, field):
    response = api.as_user(make.user("agent")).get(f"board?{query}")
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_lane_shows_the_technicians_day_in_utc_with_the_job_details(api, make):
    day = board_day()
    technician = make.user("technician", name="Ada Visser", skills=["boiler"])
    customer = make.customer(name="Bakker B.V.", **AMSTERDAM_CENTRE)
    job = planned(make, technician, at(day, 9), customer=customer)
    make.user("technician", name="Inactive Ian").active = False
    db.session.commit()

    board = board_of(api, make, day)
    lane = lane_of(board, technician)
    assert [lane["name"] for lane in board["lanes"]] == ["Ada Visser"]
    assert lane["skills"] == ["boiler"] and lane["home"] == {"latitude": 52.37, "longitude": 4.89}
    assert lane["working"] == [{"start": at(day, 8).isoformat(), "end": at(day, 17).isoformat()}]
    assert lane["absences"] == []
    [card] = lane["jobs"]
    assert card["id"] == job.id and card["number"] == job.number and card["status"] == "scheduled"
    assert card["start"] == at(day, 9).isoformat() and card["end"] == at(day, 10).isoformat()
    assert card["customer_name"] == "Bakker B.V." and card["address"].startswith("Dorpsstraat")
    assert card["location"] == AMSTERDAM_CENTRE and card["required_skills"] == ["boiler"]
    assert card["ticket_reference"] == job.ticket.reference and card["priority"] == "medium"
    assert card["conflicts"] == []
    assert board["start"] == at(day, 0).isoformat() and board["end"] == at(day + timedelta(days=1), 0).isoformat()


def test_the_week_view_spans_seven_days(api, make):
    day = board_day()
    technician = make.user("technician")
    later = planned(make, technician, at(day + timedelta(days=6), 9))
    beyond = planned(make, technician, at(day + timedelta(days=7), 9))
    ids = [job["id"] for job in lane_of(board_of(api, make, day, days=7), technician)["jobs"]]
    assert later.id in ids and beyond.id not in ids
    assert lane_of(board_of(api, make, day), technician)["jobs"] == []


def test_each_kind_of_conflict_is_flagged_on_the_job(api, make):
    day = board_day()
    technician = make.user("technician", skills=["boiler"])
    first = planned(make, technician, at(day, 9))
    overlapping = planned(make, technician, at(day, 9, 30))
    evening = planned(make, technician, at(day, 20))
    unskilled = planned(make, technician, at(day, 12), required_skills=["solar"])
    far = make.customer(**MAASTRICHT)
    amsterdam = make.customer(**AMSTERDAM_CENTRE)
    driver = make.user("technician")
    near = planned(make, driver, at(day, 14), customer=amsterdam)
    too_far = planned(make, driver, at(day, 15, 15), customer=far)
    absent = make.user("technician")
    db.session.add(Absence(technician_id=absent.id, starts_at=at(day, 13), ends_at=at(day, 17),
                           reason=AbsenceReason.SICKNESS.value))
    db.session.commit()
    away = planned(make, absent, at(day, 14))

    board = board_of(api, make, day)
    assert conflict_codes(board, first) == ["overlap"]
    assert conflict_codes(board, overlapping) == ["overlap"]
    assert conflict_codes(board, evening) == ["outside_working_hours"]
    assert conflict_codes(board, unskilled) == ["missing_skill"]
    assert conflict_codes(board, near) == ["travel_time"]
    assert conflict_codes(board, too_far) == ["travel_time"]
    assert conflict_codes(board, away) == ["absence"]
    [message] = [c["message"] for c in lane_of(board, technician)["jobs"][0]["conflicts"]]
    assert overlapping.number in message


def test_queue_is_sorted_by_sla_then_priority_then_waiting_time(api, make):
    now = utcnow()

    def queued(due_in_hours, priority, waiting_hours):
        job = make.job(make.ticket(priority=priority))
        job.ticket.due_at = None if due_in_hours is None else now + timedelta(hours=due_in_hours)
        job.created_at = now - timedelta(hours=waiting_hours)
        db.session.commit()
        return job

    no_sla = queued(None, "urgent", 50)
    later_low = queued(48, "low", 1)
    overdue = queued(-2, "low", 1)
    soon_old = queued(4, "medium", 30)
    soon_new = queued(4, "medium", 2)
    soon_urgent = queued(4, "urgent", 1)
    more_overdue = queued(-5, "none", 1)
    postponed = queued(10, "high", 3)
    planned(make, make.user("technician"), at(board_day(), 9))  # not in the queue
    postponed.status = postponed.status.POSTPONED
    db.session.commit()

    board = board_of(api, make, board_day())
    expected = [more_overdue, overdue, soon_urgent, soon_old, soon_new, postponed, later_low, no_sla]
    assert [job["id"] for job in board["queue"]] == [job.id for job in expected]
    assert board["queue_total"] == 8
    assert [job["sla"] for job in board["queue"][:2]] == ["overdue", "overdue"]
    assert board["queue"][-1]["sla"] is None and board["queue"][-1]["due_at"] is None

    client = api.as_user(make.user("agent"))
    capped = client.get("board?queue_limit=3").json
    assert [job["id"] for job in capped["queue"]] == [job.id for job in expected[:3]]
    assert capped["queue_total"] == 8


def board_statements(client, day) -> int:
    db.session.expunge_all()
    with recorded_statements() as statements:
        response = client.get(f"board?day={day.isoformat()}")
    assert response.status_code == 200
    return len(statements)


def test_board_costs_the_same_queries_for_5_or_50_technicians(api, make):
    day = board_day()
    client = api.as_user(make.user("agent"))

    def add_team(size):
        for n in range(size):
            technician = make.user("technician")
            planned(make, technician, at(day, 9 + n % 6))
            planned(make, technician, at(day, 9 + n % 6, 30))  # an overlap: conflicts are computed too
            make.job()

    add_team(5)
    small = board_statements(client, day)
    add_team(45)
    large = board_statements(client, day)
    assert large == small
    assert small <= 10
    week = client.get(f"board?day={day.isoformat()}&days=7")
    assert week.status_code == 200 and len(week.json["lanes"]) == 50
