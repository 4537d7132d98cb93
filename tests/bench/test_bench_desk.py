"""Issue 6, the desk's lists and search over 200,000 tickets: constant queries per page, and the time of a page
against the cheapest signed-in request (``GET /api/v1/me``).

Volume goes in by bulk core inserts (executemany in batches; the full-text index follows by its triggers on
SQLite, by its GIN indexes on PostgreSQL). Most tickets are closed, as on a desk that has run for years; a
quarter carry a customer message. Each case is measured at 2,000 and at 200,000 tickets.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from dispatch.dbtypes import utcnow
from dispatch.desk.models import STATE_RANKS, Ticket, TicketMessage
from dispatch.desk.services import status_by_key
from dispatch.desk.sla.models import SlaPolicy
from dispatch.enums import Channel, MessageKind, Priority, Role
from dispatch.extensions import db

pytestmark = pytest.mark.bench
BATCH = 5000
WORDS = ["boiler", "pressure", "radiator", "thermostat", "leak", "noise", "pump", "valve", "display", "error",
         "heating", "water", "tap", "shower", "filter", "fan", "smell", "sensor", "pipe", "meter"]
CATEGORIES = ["heating", "cooling", "plumbing", "billing", None]


def add_tickets(customer_ids: list[int], queue_ids: list[int], owner_ids: list[int], count: int, start: int) -> None:
    """``count`` tickets: 80% closed, 12% open, 8% on hold; due times around now; every fourth with a message."""
    generator = random.Random(start)
    now = utcnow()
    statuses = {key: status_by_key(key) for key in ("new", "open", "on_hold", "closed")}
    policies = dict(db.session.execute(select(SlaPolicy.priority, SlaPolicy.id).where(
        SlaPolicy.customer_group.is_(None))).all())
    rows = []
    for number in range(start, start + count):
        roll = number % 25
        key = "closed" if roll < 20 else ("open" if roll < 23 else "on_hold")
        if key == "open" and number % 2:
            key = "new"
        created = now - timedelta(minutes=generator.randrange(10, 3 * 365 * 24 * 60))
        words = generator.sample(WORDS, 3)
        rows.append({
            "reference": f"T-2025-{number:06d}", "channel": list(Channel)[number % len(Channel)],
            "subject": f"{words[0].title()} {words[1]} problem",
            "description": f"The {words[2]} shows code E{number % 90}.",
            "priority": (priority := generator.choice(list(Priority))), "sla_policy_id": policies.get(priority),
            "category": CATEGORIES[number % len(CATEGORIES)],
            "status_id": statuses[key].id, "state_rank": STATE_RANKS[statuses[key].category],
            "customer_id": customer_ids[number % len(customer_ids)],
            "queue_id": queue_ids[number % len(queue_ids)] if number % 3 else None,
            "owner_id": owner_ids[number % 7 % len(owner_ids)] if number % 5 else None,
            "escalation_level": 1 if number % 41 == 0 else 0, "custom_fields": {},
            "first_response_due_at": now + timedelta(minutes=generator.randrange(-600, 600)),
            "due_at": now + timedelta(minutes=generator.randrange(-3000, 6000)),
            "created_at": created, "updated_at": now,
        })
    for offset in range(0, len(rows), BATCH):
        db.session.execute(insert(Ticket), rows[offset:offset + BATCH])
    ids = list(db.session.scalars(select(Ticket.id).where(
        Ticket.reference.between(rows[0]["reference"], rows[-1]["reference"])).order_by(Ticket.id)))[::4]
    messages = [{"ticket_id": ticket_id, "kind": MessageKind.CUSTOMER, "created_at": now,
                 "body": f"The {generator.choice(WORDS)} still has a {generator.choice(WORDS)} issue."}
                for ticket_id in ids]
    for offset in range(0, len(messages), BATCH):
        db.session.execute(insert(TicketMessage), messages[offset:offset + BATCH])
    db.session.commit()


def test_ticket_lists_and_search_over_200000_tickets(api, client, auth, make, bench):
    make.company()
    agent = make.user(Role.AGENT)
    api_client = api.as_user(agent)
    assert auth.login(agent.email).status_code == 302
    customer_ids = [make.customer().id for _ in range(20)]
    queue_ids = [make.queue(mode="manual").id for _ in range(5)]
    owner_ids = [agent.id] + [make.user(Role.AGENT).id for _ in range(9)]

    def api_page(query: str, second: bool = False):
        def call():
            response = api_client.get(f"tickets?limit=50&{query}")
            assert response.status_code == 200, response.json
            assert response.json["items"], query
            if second:
                cursor = response.json["next_cursor"]
                assert cursor, query
                response = api_client.get(f"tickets?limit=50&{query}&cursor={cursor}")
                assert response.status_code == 200 and response.json["items"], query
            return response
        return call

    def html_page(query: str):
        def call():
            response = client.get(f"/tickets?{query}")
            assert response.status_code == 200, query
            return response
        return call

    def simplest():
        assert api_client.get("me").status_code == 200

    cases = {
        "API all, most urgent first": api_page("view=all"),
        "API all, pages 1 and 2": api_page("view=all", second=True),
        "API mine": api_page("view=mine"),
        f"API queue {queue_ids[0]}": api_page(f"view=queue&queue_id={queue_ids[0]}"),
        "API all, newest first": api_page("view=all&sort=newest"),
        "API unassigned, priority urgent": api_page("view=unassigned&priority=urgent"),
        "API search 'radiator pressure'": api_page("q=radiator%20pressure"),
        "API search 'radiator', pages 1 and 2": api_page("q=radiator", second=True),
        "API search a reference": api_page("q=T-2025-000404"),
        "page /tickets (views, counts, filters)": html_page(""),
        "page /tickets?view=mine": html_page("view=mine"),
        "page /tickets?q=thermostat": html_page("q=thermostat"),
    }
    results = {}
    for scale, (count, start) in {"2,000": (2_000, 0), "200,000": (198_000, 2_000)}.items():
        add_tickets(customer_ids, queue_ids, owner_ids, count, start)
        for label, call in cases.items():
            results[(scale, label)] = bench.measure(f"{label}, {scale} tickets", call, repeat=7, warmup=1)
    floor = bench.measure("GET /me (the simplest signed-in request)", simplest)

    print(f"\n  {'case at 200,000 tickets':<48} {'median ms':>9} {'x GET /me':>9} {'queries':>8} {'at 2,000':>8}")
    for label in cases:
        large, small = results[("200,000", label)], results[("2,000", label)]
        print(f"  {label:<48} {large.median_ms:>9.1f} {large.median_ms / floor.median_ms:>9.1f} "
              f"{large.query_count:>8d} {small.query_count:>8d}")
    for label in cases:
        assert results[("200,000", label)].query_count == results[("2,000", label)].query_count, label
