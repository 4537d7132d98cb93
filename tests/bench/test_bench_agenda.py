"""Issue 2, technician app: the agenda costs the same number of queries for 5 or 50 jobs."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dispatch.dbtypes import utcnow
from dispatch.enums import TimeKind
from dispatch.extensions import db
from dispatch.field import services as field
from dispatch.scheduling.availability import WEEKDAYS
from dispatch.scheduling.services import ensure_technician_profile

pytestmark = pytest.mark.bench


def test_my_jobs_query_count_is_flat_from_5_to_50_jobs(app, api, make, bench):
    technician = make.user("technician")
    ensure_technician_profile(technician).working_hours = {day: [["07:00", "21:00"]] for day in WEEKDAYS}
    product = make.product()
    db.session.commit()
    client = api.as_user(technician)
    zone = ZoneInfo(app.config["COMPANY_TIMEZONE"])
    first_day = datetime.now(zone).date() + timedelta(days=1)
    window = f"me/jobs?from={first_day.isoformat()}&to={(first_day + timedelta(days=7)).isoformat()}"
    made = 0

    def add_jobs(count: int) -> None:
        """Jobs at different customers, each with a part and a time entry already logged."""
        nonlocal made
        for _ in range(count):
            day, slot = divmod(made, 12)
            start = datetime.combine(first_day + timedelta(days=day), time(8 + slot), zone)
            customer = make.customer()
            job = make.scheduled_job(technician, make.ticket(asset=make.asset(customer)), start=start)
            logged = utcnow() - timedelta(minutes=15 * (made + 1))
            field.add_time_entry(job, technician.id, {"kind": TimeKind.TRAVEL, "started_at": logged,
                                                      "ended_at": logged + timedelta(minutes=10)})
            field.add_part(job, technician.id, {"product_id": product.id, "quantity": Decimal("1")})
            db.session.commit()
            made += 1

    def agenda(expected: int):
        def call():
            response = client.get(window)
            assert response.status_code == 200, response.json
            assert len(response.json["items"]) == expected
            return response
        return call

    add_jobs(5)
    small = bench.measure("GET /me/jobs, 5 jobs in the window", agenda(5))
    add_jobs(45)
    large = bench.measure("GET /me/jobs, 50 jobs in the window", agenda(50))
    print(f"\n  ratio 50 / 5 jobs: {large.median_ms / small.median_ms:.2f}x time, "
          f"{large.query_count} vs {small.query_count} queries")
    assert large.query_count == small.query_count
