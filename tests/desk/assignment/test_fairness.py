"""New tickets of a queue go round its agents fairly: round robin, least loaded, skipping the absent and
those off duty, over 1,000 tickets."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dispatch.audit import AuditEvent
from dispatch.dbtypes import utcnow
from dispatch.desk import services as desk
from dispatch.desk.assignment import services as assignment
from dispatch.desk.assignment.models import QueueMember
from dispatch.desk.models import Ticket
from dispatch.enums import Role
from dispatch.extensions import db
from tests.desk.assignment.conftest import new_tickets

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def owners(tickets) -> Counter:
    return Counter(ticket.owner_id for ticket in tickets)


def test_round_robin_gives_every_agent_within_one_ticket_of_the_others_over_1000_tickets(make):
    agents = [make.user(Role.AGENT) for _ in range(3)] + [make.user(Role.ADMIN)]
    queue = make.queue("round_robin", agents, name="Service")
    tickets = new_tickets(make.customer(), queue, 1000)
    db.session.commit()
    counts = owners(tickets)
    assert set(counts) == {agent.id for agent in agents}
    assert max(counts.values()) - min(counts.values()) <= 1
    # In turn, by user id: the first four tickets go to the four agents in id order.
    assert [ticket.owner_id for ticket in tickets[:4]] == sorted(agent.id for agent in agents)
    assert queue.last_assigned_id == tickets[-1].owner_id


def test_least_loaded_keeps_the_open_load_balanced_while_tickets_close_in_between(make):
    agents = [make.user(Role.AGENT) for _ in range(4)]
    busy = agents[0]
    customer = make.customer()
    earlier = [make.ticket(customer, owner_id=busy.id) for _ in range(5)]  # open work from before
    queue = make.queue("least_loaded", agents)
    tickets = []
    for round_ in range(100):
        tickets += new_tickets(customer, queue, 10)
        # The first agent closes everything they have each round; the others close nothing.
        for ticket in tickets + earlier:
            if ticket.owner_id == busy.id and ticket.status.key != "resolved":
                desk.change_status(ticket, "resolved", None)
        loads = Counter(t.owner_id for t in tickets + earlier if t.status.key != "resolved")
        others = [loads[agent.id] for agent in agents[1:]]
        assert max(others) - min(others) <= 1, (round_, loads)
    db.session.commit()
    counts = owners(tickets)
    # Who closes their tickets gets more new ones; the load of the others stays level.
    assert counts[busy.id] > max(counts[agent.id] for agent in agents[1:])
    assert sum(counts.values()) == 1000


def test_least_loaded_breaks_ties_in_round_robin_order(make):
    agents = [make.user(Role.AGENT) for _ in range(3)]
    queue = make.queue("least_loaded", agents)
    tickets = new_tickets(make.customer(), queue, 6)
    assert [t.owner_id for t in tickets] == [a.id for a in agents] * 2


def test_an_absent_member_gets_no_ticket_while_absent_and_takes_turns_again_after(make, clock):
    agents = [make.user(Role.AGENT) for _ in range(3)]
    away = agents[1]
    start = datetime(2026, 11, 23, 8, tzinfo=UTC)
    make.absence(away, start, start + timedelta(days=2))
    queue = make.queue("round_robin", agents)
    customer = make.customer()
    clock.set(start + timedelta(hours=1))
    during = new_tickets(customer, queue, 1000)
    counts = owners(during)
    assert away.id not in counts
    assert abs(counts[agents[0].id] - counts[agents[2].id]) <= 1
    clock.set(start + timedelta(days=2))  # the absence ends at this moment
    after = new_tickets(customer, queue, 3)
    assert away.id in owners(after)


def test_duty_slots_decide_who_is_on_duty_at_local_times_including_a_dst_day(make, clock):
    morning, afternoon, off_roster = (make.user(Role.AGENT) for _ in range(3))
    queue = make.queue("round_robin", [morning, afternoon, off_roster])
    # Sunday 25 October 2026: clocks go back from 03:00 CEST to 02:00 CET in Amsterdam.
    make.duty_slot(queue, morning, 6, "08:00", "12:00")
    make.duty_slot(queue, afternoon, 6, "13:00", "17:00")
    make.duty_slot(queue, morning, 0, "08:00", "12:00")  # Monday 26 October
    customer = make.customer()

    def owner_at(year, month, day, hour, minute=0):
        clock.set(datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM).astimezone(UTC))
        return new_tickets(customer, queue, 1)[0].owner_id

    # 08:00 local on the DST day is 07:00 UTC (CET), not 06:00 UTC as the day before.
    assert owner_at(2026, 10, 25, 8) == morning.id
    assert owner_at(2026, 10, 25, 11, 45) == morning.id
    assert owner_at(2026, 10, 25, 12) is None  # the slot ends at 12:00: nobody in the lunch hour
    assert owner_at(2026, 10, 25, 13) == afternoon.id
    assert owner_at(2026, 10, 25, 16, 59) == afternoon.id
    assert owner_at(2026, 10, 26, 9) == morning.id
    assert owner_at(2026, 10, 26, 13) is None  # Monday afternoon: no slot
    # The same UTC moment (07:30) is 08:30 local on the DST day but 09:30 the day before (CEST).
    clock.set(datetime(2026, 10, 25, 7, 30, tzinfo=UTC))
    assert new_tickets(customer, queue, 1)[0].owner_id == morning.id
    clock.set(datetime(2026, 10, 24, 6, 30, tzinfo=UTC))  # Saturday 08:30 local: no slots on Saturdays
    assert new_tickets(customer, queue, 1)[0].owner_id is None
    assert off_roster.id not in {t.owner_id for t in new_tickets(customer, queue, 0)}


def test_duty_slots_over_1000_tickets_only_reach_the_agents_on_duty(make, clock):
    on_duty = [make.user(Role.AGENT) for _ in range(2)]
    off_duty = make.user(Role.AGENT)
    queue = make.queue("round_robin", [*on_duty, off_duty])
    tuesday_10 = datetime(2026, 11, 24, 10, tzinfo=AMSTERDAM)
    for agent in on_duty:
        make.duty_slot(queue, agent, tuesday_10.weekday(), "09:00", "12:00")
    make.duty_slot(queue, off_duty, tuesday_10.weekday(), "13:00", "17:00")
    clock.set(tuesday_10.astimezone(UTC))
    counts = owners(new_tickets(make.customer(), queue, 1000))
    assert counts == {on_duty[0].id: 500, on_duty[1].id: 500}


def test_the_turn_survives_members_joining_and_leaving(make):
    a, b, c, d = (make.user(Role.AGENT) for _ in range(4))
    queue = make.queue("round_robin", [a, b, c])
    customer = make.customer()
    assert [t.owner_id for t in new_tickets(customer, queue, 2)] == [a.id, b.id]
    # b, who had the last ticket, leaves; c is next all the same.
    db.session.delete(db.session.get(QueueMember, (queue.id, b.id)))
    db.session.commit()
    assert [t.owner_id for t in new_tickets(customer, queue, 2)] == [c.id, a.id]
    # d joins: their turn comes after c in id order, without starting over.
    db.session.add(QueueMember(queue_id=queue.id, user_id=d.id))
    db.session.commit()
    assert [t.owner_id for t in new_tickets(customer, queue, 3)] == [c.id, d.id, a.id]


def test_paused_members_inactive_accounts_and_non_desk_users_are_passed_over(make):
    active = make.user(Role.AGENT)
    paused = make.user(Role.AGENT)
    gone = make.user(Role.AGENT)
    technician = make.user(Role.TECHNICIAN)
    queue = make.queue("round_robin", [active, paused, gone, technician])
    db.session.get(QueueMember, (queue.id, paused.id)).active = False
    gone.active = False
    db.session.commit()
    assert owners(new_tickets(make.customer(), queue, 5)) == {active.id: 5}


def test_with_nobody_available_the_ticket_stays_unassigned_in_its_queue_with_the_reason_noted(make):
    away = make.user(Role.AGENT)
    make.absence(away, utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1))
    queue = make.queue("least_loaded", [away], name="Complaints")
    ticket = new_tickets(make.customer(), queue, 1)[0]
    db.session.commit()
    assert ticket.owner_id is None and ticket.queue_id == queue.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_id == ticket.id,
                                                       AuditEvent.action == "ticket.assignment_skipped"))
    assert event.data == {"queue_id": queue.id, "queue_name": "Complaints", "reason": "nobody_available"}


def test_manual_queues_and_tickets_with_an_owner_are_left_alone(make):
    agent, other = make.user(Role.AGENT), make.user(Role.AGENT)
    manual = make.queue("manual", [agent])
    customer = make.customer()
    assert new_tickets(customer, manual, 1)[0].owner_id is None
    assigning = make.queue("round_robin", [agent])
    given = desk.create_ticket({"customer_id": customer.id, "subject": "s", "description": "d",
                                "queue_id": assigning.id, "owner_id": other.id, "acknowledge": False}, None)
    assert given.owner_id == other.id


def test_each_automatic_assignment_is_noted_on_the_ticket(make):
    agent = make.user(Role.AGENT, name="Ada Agent")
    queue = make.queue("round_robin", [agent])
    ticket = new_tickets(make.customer(), queue, 1)[0]
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_id == ticket.id,
                                                       AuditEvent.object_type == "tickets",
                                                       AuditEvent.action == "ticket.assigned"))
    assert event.actor_id is None
    assert event.data == {"owner_id": agent.id, "owner_name": "Ada Agent", "previous_owner_id": None,
                          "previous_owner_name": None, "by": "round_robin", "queue_id": queue.id}


def test_tickets_assigned_at_the_same_moment_each_take_their_own_turn(app, make):
    agents = [make.user(Role.AGENT) for _ in range(3)]
    queue = make.queue("manual", agents)
    tickets = [ticket.id for ticket in new_tickets(make.customer(), queue, 60)]
    queue.assignment_mode = "round_robin"
    db.session.commit()
    ready = threading.Barrier(4)
    failures = []

    def assign_each(ticket_ids: list[int]) -> None:
        try:
            with app.app_context():
                ready.wait()
                for ticket_id in ticket_ids:
                    assignment.assign_new(db.session.get(Ticket, ticket_id), None)
                    db.session.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(repr(error))

    threads = [threading.Thread(target=assign_each, args=(tickets[n::4],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    db.session.expire_all()
    counts = Counter(db.session.scalars(select(Ticket.owner_id).where(Ticket.queue_id == queue.id)))
    assert counts == {agent.id: 20 for agent in agents}
