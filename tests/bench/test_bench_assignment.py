"""Issue 6, assignment: the time to assign 1,000 new tickets of a queue, and the statements per assignment
(the same for the 1st and the 1,000th ticket, for 5 or 50 agents, with a duty roster and absences)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import insert

from dispatch.auth.models import User
from dispatch.dbtypes import utcnow
from dispatch.desk.assignment import services as assignment
from dispatch.desk.assignment.models import DutySlot, QueueMember
from dispatch.enums import Role
from dispatch.extensions import db
from dispatch.scheduling.models import Absence
from tests.desk.assignment.conftest import new_tickets
from tests.support.queries import recorded_statements

pytestmark = pytest.mark.bench

TICKETS = 1000


def _agents(count: int, prefix: str) -> list[int]:
    return [row.id for row in db.session.execute(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"email": f"{prefix}{n}@example.com", "name": f"Agent {prefix} {n:03d}", "role": Role.AGENT,
         "password_hash": "-", "language": "en", "active": True} for n in range(count)])]


def _queue(make, mode: str, agents: int, prefix: str):
    queue = make.queue(mode, [])
    ids = _agents(agents, prefix)
    db.session.execute(insert(QueueMember), [{"queue_id": queue.id, "user_id": user_id} for user_id in ids])
    # Everyone on duty all day every day (so the roster is consulted, and the figures do not depend on the hour);
    # every fifth agent away.
    db.session.execute(insert(DutySlot), [
        {"queue_id": queue.id, "user_id": user_id, "weekday": day, "starts_at": clock, "ends_at": end}
        for user_id in ids for day in range(7)
        for clock, end in ((time_(0), time_(12)), (time_(12), time_(23, 45)))])
    now = utcnow()
    db.session.execute(insert(Absence), [
        {"technician_id": user_id, "starts_at": now - timedelta(days=1), "ends_at": now + timedelta(days=1),
         "reason": "leave"} for user_id in ids[::5]])
    db.session.commit()
    return queue


def time_(hour: int, minute: int = 0):
    from datetime import time as clock

    return clock(hour, minute)


@pytest.mark.parametrize(("mode", "agents"), [("round_robin", 5), ("round_robin", 50), ("least_loaded", 5),
                                              ("least_loaded", 50)])
def test_bench_assigning_1000_tickets(make, bench, mode, agents):
    queue = _queue(make, mode, agents, f"{mode}-{agents}-")
    customer = make.customer()
    tickets = new_tickets(customer, queue, 5)  # warm up
    db.session.commit()
    started = time.perf_counter()
    tickets = new_tickets(customer, queue, TICKETS)
    db.session.commit()
    total_ms = (time.perf_counter() - started) * 1000
    ticket = tickets[-1]

    def assign_one() -> None:
        ticket.owner_id = None
        assignment.assign_new(ticket, None)

    measured = bench.measure(f"assign_new {mode}, {agents} agents (1,000 tickets)", assign_one, repeat=50)
    db.session.rollback()
    with recorded_statements() as statements:
        new_tickets(customer, queue, 1)
    print(f"\n  {TICKETS} tickets created and assigned ({mode}, {agents} agents): {total_ms:.0f} ms, "
          f"{total_ms / TICKETS:.2f} ms per ticket; assign_new alone {measured.median_ms:.2f} ms, "
          f"{measured.query_count} statements; create_ticket with assignment {len(statements)} statements")
    owners = {t.owner_id for t in tickets}
    assert None not in owners and len(owners) == agents - len(range(0, agents, 5))
