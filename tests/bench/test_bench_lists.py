"""Issue 2 lists at scale: a page of tickets costs the same with 100 or 10,000 tickets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert

from dispatch.dbtypes import utcnow
from dispatch.desk.models import Ticket
from dispatch.desk.services import status_by_key
from dispatch.enums import Channel, Priority
from dispatch.extensions import db

pytestmark = pytest.mark.bench
PRIORITIES = list(Priority)


def add_tickets(customer_id: int, count: int, start: int) -> None:
    """Insert ``count`` plain tickets in bulk (the service path is measured elsewhere; this is volume)."""
    status_id = status_by_key("new").id
    now = utcnow()
    rows = [
        {"reference": f"B-{number:08d}", "channel": Channel.PHONE, "subject": f"Boiler fault {number}",
         "description": "Bulk ticket for the benchmark.", "priority": PRIORITIES[number % len(PRIORITIES)],
         "status_id": status_id, "customer_id": customer_id, "created_at": now - timedelta(minutes=number),
         "updated_at": now, "due_at": now + timedelta(hours=number % 72)}
        for number in range(start, start + count)
    ]
    for offset in range(0, len(rows), 2000):
        db.session.execute(insert(Ticket), rows[offset:offset + 2000])
    db.session.commit()


def test_ticket_page_cost_is_flat_from_100_to_10000_tickets(api, make, bench):
    client = api.as_user(make.user("agent"))
    customer = make.customer()

    def first_page():
        response = client.get("tickets?limit=50")
        assert response.status_code == 200, response.json
        assert len(response.json["items"]) == 50
        return response

    def second_page():
        response = client.get(f"tickets?limit=50&cursor={cursor}")
        assert response.status_code == 200 and len(response.json["items"]) == 50
        return response

    def filtered():
        response = client.get("tickets?limit=50&priority=urgent")
        assert response.status_code == 200 and response.json["items"]
        assert {item["priority"] for item in response.json["items"]} == {"urgent"}
        return response

    add_tickets(customer.id, 100, 0)
    small = bench.measure("GET /tickets?limit=50, 100 tickets", first_page)
    cursor = first_page().json["next_cursor"]
    small_second = bench.measure("GET /tickets?cursor=(page 2), 100 tickets", second_page)
    small_filter = bench.measure("GET /tickets?priority=urgent, 100 tickets", filtered)

    add_tickets(customer.id, 9_900, 100)
    large = bench.measure("GET /tickets?limit=50, 10,000 tickets", first_page)
    cursor = first_page().json["next_cursor"]
    large_second = bench.measure("GET /tickets?cursor=(page 2), 10,000 tickets", second_page)
    large_filter = bench.measure("GET /tickets?priority=urgent, 10,000 tickets", filtered)

    print(f"\n  ratio 10,000 / 100 tickets: first page {large.median_ms / small.median_ms:.2f}x, "
          f"second page {large_second.median_ms / small_second.median_ms:.2f}x, "
          f"filtered {large_filter.median_ms / small_filter.median_ms:.2f}x")
    assert large.query_count == small.query_count
    assert large_second.query_count == small_second.query_count
    assert large_filter.query_count == small_filter.query_count
    # Keyset pages read an index range: a generous bound on the best runs, which only a scan of the table
    # (or a sort of all of it) trips. Filtered lists sort the matching rows, so they are only reported.
    assert large.best_ms < small.best_ms * 4 + 10
    assert large_second.best_ms < small_second.best_ms * 4 + 10
