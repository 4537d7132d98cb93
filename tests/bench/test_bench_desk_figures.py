"""Desk figures over 50,000 tickets: time and statements of the service, the API and the page, printed."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import insert

from dispatch.dbtypes import utcnow
from dispatch.desk.figures import services
from dispatch.desk.models import Ticket
from dispatch.desk.services import status_by_key
from dispatch.enums import Channel, Priority, Role
from dispatch.extensions import db

pytestmark = pytest.mark.bench
CHANNELS = list(Channel)
CATEGORIES = ["heating", "cooling", "billing", "installation", "maintenance", "warranty", None]


def add_tickets(customer_id: int, queue_ids: list[int], owner_ids: list[int], count: int, start: int) -> None:
    """``count`` tickets over the last 28 days: most answered, two in three resolved, some breached."""
    generator = random.Random(start)
    now = utcnow()
    statuses = {key: status_by_key(key).id for key in ("open", "resolved")}
    rows = []
    for number in range(start, start + count):
        created = now - timedelta(minutes=generator.randrange(10, 28 * 24 * 60))
        resolved = created + timedelta(minutes=generator.randrange(30, 5 * 24 * 60)) if number % 3 else None
        resolved = resolved if resolved and resolved < now else None
        rows.append({
            "reference": f"F-{number:08d}", "channel": CHANNELS[number % len(CHANNELS)], "subject": f"Fault {number}",
            "description": "Bulk ticket for the figures benchmark.", "priority": Priority.MEDIUM,
            "category": CATEGORIES[number % len(CATEGORIES)], "queue_id": queue_ids[number % len(queue_ids)],
            "owner_id": owner_ids[number % len(owner_ids)] if number % 11 else None,
            "status_id": statuses["resolved" if resolved else "open"], "state_rank": 2 if resolved else 0,
            "customer_id": customer_id,
            "created_at": created, "updated_at": now,
            "first_responded_at": created + timedelta(minutes=generator.randrange(5, 2000)) if number % 7 else None,
            "resolved_at": resolved, "first_response_due_at": created + timedelta(hours=4),
            "due_at": created + timedelta(days=2),
            "first_response_breached_at": created + timedelta(hours=4) if number % 9 == 0 else None,
            "resolution_breached_at": created + timedelta(days=2) if number % 13 == 0 else None,
            "escalation_level": 1 if number % 17 == 0 else 0, "reopened_count": 1 if number % 19 == 0 else 0,
        })
    for offset in range(0, len(rows), 2000):
        db.session.execute(insert(Ticket), rows[offset:offset + 2000])
    db.session.commit()


def test_desk_figures_over_50000_tickets(app, api, make, bench):
    make.company()
    agent = make.user(Role.AGENT)
    client = api.as_user(agent)
    customer_id = make.customer().id
    queue_ids = [make.queue(mode="manual").id for _ in range(6)]
    owner_ids = [make.user(Role.AGENT).id for _ in range(25)]

    def service():
        db.session.expunge_all()
        return services.desk_figures(services.default_period())

    def api_call():
        response = client.get("reports/desk-figures")
        assert response.status_code == 200
        return response

    def csv_call():
        response = client.get("reports/desk-figures.csv?dimension=agent")
        assert response.status_code == 200
        return response.get_data()

    add_tickets(customer_id, queue_ids, owner_ids, 500, 0)
    small = bench.measure("desk_figures(), 500 tickets", service, repeat=5)
    small_api = bench.measure("GET /reports/desk-figures, 500 tickets", api_call, repeat=5)

    add_tickets(customer_id, queue_ids, owner_ids, 49_500, 500)
    assert service().total.created == 50_000
    large = bench.measure("desk_figures(), 50,000 tickets", service, repeat=5, warmup=1)
    large_api = bench.measure("GET /reports/desk-figures, 50,000 tickets", api_call, repeat=5, warmup=1)
    bench.measure("GET /reports/desk-figures.csv?dimension=agent, 50,000", csv_call, repeat=3, warmup=1)
    bench.profile(service, times=1)

    print(f"\n  ratio 50,000 / 500 tickets: service {large.median_ms / small.median_ms:.1f}x, "
          f"API {large_api.median_ms / small_api.median_ms:.1f}x; "
          f"{large.median_ms / 50_000 * 1000:.1f} µs per ticket")
    assert large.query_count == small.query_count
    assert large_api.query_count == small_api.query_count
