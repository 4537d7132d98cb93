"""Issue 5, dispatch board: 100 technicians with 800 jobs in a day and ~200 jobs to plan, in constant queries.

Volume is inserted in bulk (users through the service: they need password hashes and profiles); the board is
measured through the API and as the page, against the cheapest signed-in request (``GET /api/v1/me``).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert

from dispatch.customers.models import Site
from dispatch.dbtypes import utcnow
from dispatch.enums import GeocodeStatus, JobKind, JobStatus
from dispatch.extensions import db
from dispatch.scheduling.board import services
from dispatch.scheduling.board.schemas import BoardOut, dump_board
from dispatch.scheduling.models import Job
from tests.scheduling.board.support import at, board_day

pytestmark = pytest.mark.bench

JOBS_PER_TECHNICIAN = 8


def add_team(make, technicians: int, jobs_per_technician: int, queued: int, day, serial: list[int]) -> None:
    """Technicians with a full day each (45 min visits every hour from 08:00, sites around the country,
    so travel conflicts occur as well) and a queue of unplanned jobs."""
    customer = make.customer()
    ticket = make.ticket(customer=customer)
    sites = []
    for n in range(20):
        sites.append({"customer_id": customer.id, "street": f"Straat {n}", "postal_code": "1234 AB", "city": "Plaats",
                      "country": "NL", "latitude": 51.5 + (n % 10) * 0.15, "longitude": 4.3 + (n // 2) * 0.12,
                      "geocode_status": GeocodeStatus.LOCATED})
    site_ids = [row.id for row in db.session.execute(insert(Site).returning(Site.id), sites)]
    now = utcnow()
    rows = []

    def job(**values) -> dict:
        serial[0] += 1
        return {"number": f"J-BENCH-{serial[0]:06d}", "kind": JobKind.REPAIR, "ticket_id": ticket.id,
                "site_id": site_ids[serial[0] % len(site_ids)], "required_skills": ["boiler"],
                "duration_minutes": 45, "checklist": [], "technician_flags": [], "created_at": now,
                "updated_at": now, "status_changed_at": now} | values

    for _ in range(technicians):
        technician = make.user("technician")
        for slot in range(jobs_per_technician):
            start = at(day, 8 + slot)
            rows.append(job(status=JobStatus.SCHEDULED, technician_id=technician.id, scheduled_start=start,
                            scheduled_end=start + timedelta(minutes=45)))
    rows.extend(job(status=JobStatus.UNSCHEDULED, created_at=now - timedelta(minutes=n)) for n in range(queued))
    db.session.execute(insert(Job), rows)
    db.session.commit()


def test_board_for_100_technicians_and_800_jobs(api, client, auth, make, bench):
    day = board_day()
    agent = make.user("agent")
    api_client = api.as_user(agent)
    assert auth.login(agent.email).status_code == 302
    serial = [0]

    def board_api(lanes: int, jobs: int):
        def call():
            response = api_client.get(f"board?day={day.isoformat()}")
            assert response.status_code == 200, response.json
            assert len(response.json["lanes"]) == lanes
            assert sum(len(lane["jobs"]) for lane in response.json["lanes"]) == jobs
            return response
        return call

    def board_page():
        response = client.get(f"/board?day={day.isoformat()}")
        assert response.status_code == 200
        return response

    def simplest():
        assert api_client.get("me").status_code == 200

    add_team(make, 10, JOBS_PER_TECHNICIAN, 20, day, serial)
    small = bench.measure("GET /board?day=, 10 technicians, 80 jobs, 20 queued", board_api(10, 80), repeat=10)
    small_page = bench.measure("/board page, 10 technicians, 80 jobs", board_page, repeat=10)
    add_team(make, 90, JOBS_PER_TECHNICIAN, 180, day, serial)
    large = bench.measure("GET /board?day=, 100 technicians, 800 jobs, 200 queued", board_api(100, 800), repeat=10)
    large_page = bench.measure("/board page, 100 technicians, 800 jobs", board_page, repeat=10)
    bench.profile(board_api(100, 800), board_page, times=3, lines=35)
    # The API's direct dump gives exactly what the documented schema gives, on the full board with its conflicts.
    full = services.board(day)
    assert sum(len(job.conflicts) for lane in full.lanes for job in lane.jobs) > 0
    assert dump_board(full) == BoardOut().dump(full)
    week = bench.measure("GET /board?days=7, 100 technicians", board_api(100, 800), repeat=5)
    floor = bench.measure("GET /me (the simplest signed-in request)", simplest)

    print(f"\n  board API: {large.median_ms:.0f} ms median for 100 technicians / 800 jobs "
          f"({large.median_ms / floor.median_ms:.0f}x GET /me), {large.query_count} queries "
          f"(10 technicians: {small.query_count}); page {large_page.median_ms:.0f} ms "
          f"({large_page.median_ms / floor.median_ms:.0f}x GET /me), {large_page.query_count} queries "
          f"(10 technicians: {small_page.query_count}); week {week.median_ms:.0f} ms")
    assert large.query_count == small.query_count
    assert large_page.query_count == small_page.query_count
