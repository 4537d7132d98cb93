"""Agents give tickets to one another, move them between queues, and hand an away colleague's open tickets
on at once: every change noted on the ticket, wrong input refused with nothing changed."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from dispatch.audit import AuditEvent
from dispatch.desk import services as desk
from dispatch.desk.assignment import bulk, services
from dispatch.desk.models import Ticket
from dispatch.enums import Role
from dispatch.errors import Invalid
from dispatch.extensions import db
from tests.desk.assignment.conftest import new_tickets
from tests.support.queries import count, recorded_statements


def events(ticket, action: str) -> list[dict]:
    db.session.flush()
    return [e.data | {"actor_id": e.actor_id} for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "tickets", AuditEvent.object_id == ticket.id,
                                 AuditEvent.action == action).order_by(AuditEvent.id))]


def test_an_agent_gives_a_ticket_to_a_colleague_and_it_is_noted(make):
    me, colleague = make.user(Role.AGENT), make.user(Role.AGENT, name="Cor Collega")
    ticket = make.ticket()
    services.assign(ticket, colleague.id, me.id)
    services.assign(ticket, colleague.id, me.id)  # the same owner again changes nothing
    services.assign(ticket, None, me.id)
    assert ticket.owner_id is None
    assert events(ticket, "ticket.assigned") == [{
        "owner_id": colleague.id, "owner_name": "Cor Collega", "previous_owner_id": None,
        "previous_owner_name": None, "by": "agent", "queue_id": None, "actor_id": me.id}]
    assert events(ticket, "ticket.unassigned") == [{
        "previous_owner_id": colleague.id, "previous_owner_name": "Cor Collega", "by": "agent", "queue_id": None,
        "actor_id": me.id}]


@pytest.mark.parametrize("kind", ["technician", "billing", "inactive", "missing"])
def test_only_an_active_agent_or_admin_can_own_a_ticket(make, kind):
    target = {"technician": lambda: make.user(Role.TECHNICIAN).id, "billing": lambda: make.user(Role.BILLING).id,
              "inactive": lambda: make.user(Role.AGENT, ).id, "missing": lambda: 999999}[kind]()
    if kind == "inactive":
        db.session.get(type(make.user()), target).active = False
        db.session.commit()
    ticket = make.ticket()
    with pytest.raises(Invalid) as refused:
        services.assign(ticket, target, None)
    assert list(refused.value.errors) == ["owner_id"]


def test_moving_to_a_queue_keeps_the_owner_or_hands_on_by_the_queue_rule(make):
    me, a, b = make.user(Role.AGENT), make.user(Role.AGENT), make.user(Role.AGENT)
    service = make.queue("manual", [], name="Service")
    complaints = make.queue("least_loaded", [a, b], name="Complaints")
    ticket = make.ticket(queue_id=service.id, owner_id=me.id)
    services.move_to_queue(ticket, complaints.id, me.id)
    assert (ticket.queue_id, ticket.owner_id) == (complaints.id, me.id)
    assert events(ticket, "ticket.queue_changed") == [{
        "queue_id": complaints.id, "queue_name": "Complaints", "previous_queue_id": service.id,
        "previous_queue_name": "Service", "actor_id": me.id}]
    services.move_to_queue(ticket, complaints.id, me.id, reassign=True)
    assert ticket.owner_id == a.id
    assert events(ticket, "ticket.assigned")[-1]["by"] == "least_loaded"
    with pytest.raises(Invalid) as refused:
        services.move_to_queue(ticket, 999999, me.id)
    assert list(refused.value.errors) == ["queue_id"]


def test_the_owner_panel_offers_agents_and_queues_in_a_fixed_number_of_queries(make):
    agents = [make.user(Role.AGENT) for _ in range(5)]
    make.user(Role.TECHNICIAN)
    queue = make.queue("round_robin", agents, name="Service")
    ticket = new_tickets(make.customer(), queue, 1)[0]
    db.session.commit()
    db.session.refresh(ticket)
    with recorded_statements() as statements:
        panel = services.owner_panel(ticket)
    assert len(statements) <= 2
    assert panel["owner_id"] == agents[0].id and panel["queue_name"] == "Service"
    assert {a.id for a in panel["agents"]} >= {a.id for a in agents}
    assert all(a.name.startswith(("Agent", "Admin")) for a in panel["agents"])  # no technician offered


def away_agent_with_tickets(make, per_queue: int):
    away = make.user(Role.AGENT, name="Away Agent")
    others = [make.user(Role.AGENT) for _ in range(3)]
    rr = make.queue("round_robin", [away, *others[:2]])
    ll = make.queue("least_loaded", [away, *others])
    customer = make.customer()
    tickets = [make.ticket(customer, queue_id=q.id, owner_id=away.id) for q in (rr, ll) for _ in range(per_queue)]
    return away, others, rr, ll, tickets


def test_bulk_by_rule_shares_an_away_agents_open_tickets_among_the_others_and_notes_each(make):
    away, others, rr, ll, tickets = away_agent_with_tickets(make, 6)
    desk.change_status(tickets[0], "resolved", None)  # closed: stays with its owner
    db.session.commit()
    preview = bulk.plan(away, "rule")
    assert sum(row["count"] for row in preview.counts()) == 11
    assert count(Ticket, Ticket.owner_id == away.id) == 12  # a preview changes nothing
    done = bulk.apply(away, "rule", others[0].id)
    db.session.commit()
    assert [row["count"] for row in done.counts()] == [row["count"] for row in preview.counts()]
    new = Counter(t.owner_id for t in tickets[1:])
    assert away.id not in new
    assert set(new) == {o.id for o in others}
    assert tickets[0].owner_id == away.id
    note = events(tickets[1], "ticket.assigned")[-1]
    assert note["by"] == "bulk" and note["previous_owner_id"] == away.id and note["actor_id"] == others[0].id


def test_bulk_to_one_agent_or_to_unassigned_optionally_of_one_queue(make):
    away, others, rr, ll, tickets = away_agent_with_tickets(make, 3)
    done = bulk.apply(away, "agent", None, owner_id=others[2].id, queue_id=rr.id)
    assert done.counts() == [{"owner_id": others[2].id, "owner_name": others[2].name, "count": 3}]
    bulk.apply(away, "unassigned", None)
    db.session.commit()
    assert [t.owner_id for t in tickets] == [others[2].id] * 3 + [None] * 3
    assert events(tickets[3], "ticket.unassigned")[-1]["by"] == "bulk"


def test_bulk_reassignment_takes_the_same_number_of_queries_for_10_or_100_tickets(make):
    figures = []
    for per_queue in (5, 50):
        away, others, *_ = away_agent_with_tickets(make, per_queue)
        away_id, user_model = away.id, type(away)
        db.session.expunge_all()
        away = db.session.get(user_model, away_id)
        with recorded_statements() as statements:
            bulk.apply(away, "rule", None)
        figures.append(len(statements))
        db.session.rollback()
    assert figures[0] == figures[1], figures


@pytest.mark.parametrize(("target", "owner", "field"), [("agent", None, "owner_id"), ("agent", "self", "owner_id"),
                                                        ("agent", "tech", "owner_id"), ("sideways", None, "target")])
def test_bulk_refuses_a_wrong_target_and_changes_nothing(make, target, owner, field):
    away, others, *_ = away_agent_with_tickets(make, 2)
    owner_id = {"self": away.id, "tech": make.user(Role.TECHNICIAN).id}.get(owner)
    with pytest.raises(Invalid) as refused:
        bulk.apply(away, target, None, owner_id=owner_id)
    assert list(refused.value.errors) == [field]
    db.session.rollback()
    assert count(Ticket, Ticket.owner_id == away.id) == 4
