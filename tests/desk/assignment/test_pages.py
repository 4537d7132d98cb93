"""The assignment pages: admins keep queues, duty and agents' absences, agents read them; agents give
tickets on from the ticket page and hand an away colleague's tickets on after a preview."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import render_template
from flask_login import login_user

from dispatch.audit import AuditEvent
from dispatch.desk.assignment import services
from dispatch.desk.assignment.models import DutySlot, Queue, QueueMember
from dispatch.desk.models import Ticket
from dispatch.enums import Role
from dispatch.extensions import db
from dispatch.scheduling.models import Absence
from tests.support.queries import count


def test_an_admin_keeps_a_queue_its_members_and_their_duty_slots_on_the_pages(client, pages, make):
    pages.login_as(Role.ADMIN)
    agent = make.user(Role.AGENT, name="Ada Agent")
    token = pages.token("/admin/queues")
    created = client.post("/admin/queues", data={"csrf_token": token, "name": "Service", "assignment_mode":
                                                 "round_robin", "email_address": "service@example.com",
                                                 "team_lead_id": "", "position": "0", "active": "y"})
    assert created.status_code == 303, created.get_data(as_text=True)
    queue = db.session.scalar(db.select(Queue))
    base = f"/admin/queues/{queue.id}"
    assert client.post(f"{base}/members", data={"csrf_token": token, "user_id": agent.id}).status_code == 303
    slot = {"csrf_token": token, "user_id": agent.id, "weekday": "0", "starts_at": "08:00", "ends_at": "12:00"}
    assert client.post(f"{base}/duty-slots", data=slot).status_code == 303
    overlapping = client.post(f"{base}/duty-slots", data=slot | {"starts_at": "11:00", "ends_at": "13:00"})
    assert overlapping.status_code == 409 and "Overlaps 08:00-12:00" in overlapping.get_data(as_text=True)
    odd = client.post(f"{base}/duty-slots", data=slot | {"starts_at": "12:05", "ends_at": "13:00"})
    assert odd.status_code == 422
    page = client.get(base).get_data(as_text=True)
    assert "Ada Agent" in page and "08:00" in page and "service@example.com" in page
    assert client.post(f"{base}/members/{agent.id}/active", data={"csrf_token": token, "active": "0"}
                       ).status_code == 303
    assert db.session.get(QueueMember, (queue.id, agent.id)).active is False
    assert client.post(f"{base}/members/{agent.id}/delete", data={"csrf_token": token}).status_code == 303
    assert count(QueueMember) == 0 and count(DutySlot) == 0
    assert "Queues, duty schedules" in client.get("/admin/settings").get_data(as_text=True)


def test_agents_read_queues_but_only_admins_change_them(client, pages, make):
    queue = make.queue("round_robin", [], name="Service")
    pages.login_as(Role.AGENT)
    assert "Service" in client.get("/admin/queues").get_data(as_text=True)
    page = client.get(f"/admin/queues/{queue.id}")
    assert page.status_code == 200 and "Save queue" not in page.get_data(as_text=True)
    token = pages.token("/admin/queues")
    assert client.post(f"/admin/queues/{queue.id}", data={"csrf_token": token, "name": "Mine"}).status_code == 403


def test_an_admin_records_an_agents_absence_and_no_ticket_reaches_them_meanwhile(client, pages, make):
    pages.login_as(Role.ADMIN)
    away, present = make.user(Role.AGENT), make.user(Role.AGENT)
    queue = make.queue("round_robin", [away, present])
    token = pages.token(f"/admin/desk-agents/{away.id}")
    today = date.today()
    added = client.post(f"/admin/desk-agents/{away.id}/absences", data={
        "csrf_token": token, "reason": "sickness", "first_day": today.isoformat(),
        "last_day": (today + timedelta(days=1)).isoformat()})
    assert added.status_code == 303
    assert "absent until" in client.get("/admin/desk-agents").get_data(as_text=True)
    assert {make.ticket(queue_id=queue.id).owner_id for _ in range(3)} == {present.id}
    absence = db.session.scalar(db.select(Absence))
    assert client.post(f"/admin/desk-agents/{present.id}/absences/{absence.id}/delete",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/desk-agents/{away.id}/absences/{absence.id}/delete",
                       data={"csrf_token": token}).status_code == 303
    assert count(Absence) == 0


def test_an_agent_previews_then_hands_on_an_away_colleagues_tickets(client, pages, make):
    me = pages.login_as(Role.AGENT)
    away, other = make.user(Role.AGENT), make.user(Role.AGENT, name="Olga Other")
    queue = make.queue("least_loaded", [away, other])
    [make.ticket(queue_id=queue.id, owner_id=away.id) for _ in range(4)]
    preview = client.get(f"/desk/agents/{away.id}/reassign?target=rule&owner_id=&queue_id=")
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Olga Other" in text and "Hand on 4 tickets" in text
    assert count(Ticket, Ticket.owner_id == away.id) == 4
    token = pages.token(f"/desk/agents/{away.id}/reassign")
    wrong = client.post(f"/desk/agents/{away.id}/reassign", data={"csrf_token": token, "target": "agent",
                                                                  "owner_id": "", "queue_id": ""})
    assert wrong.status_code == 422 and count(Ticket, Ticket.owner_id == away.id) == 4
    done = client.post(f"/desk/agents/{away.id}/reassign", data={"csrf_token": token, "target": "rule",
                                                                 "owner_id": "", "queue_id": ""})
    assert done.status_code == 303
    assert count(Ticket, Ticket.owner_id == other.id) == 4
    assert count(AuditEvent, AuditEvent.actor_id == me.id, AuditEvent.action == "ticket.assigned") == 4


def test_the_ticket_pages_owner_box_assigns_takes_and_moves(app, client, pages, make):
    me = pages.login_as(Role.AGENT)
    colleague = make.user(Role.AGENT, name="Cor Collega")
    queue = make.queue("round_robin", [colleague], name="Complaints")
    ticket = make.ticket()
    token = pages.token("/admin/queues")
    base = f"/tickets/{ticket.id}/assignment"
    assert client.post(f"{base}/take", data={"csrf_token": token}).status_code == 303
    assert count(Ticket, Ticket.owner_id == me.id) == 1
    assert client.post(f"{base}/queue", data={"csrf_token": token, "queue_id": queue.id, "reassign": "y"}
                       ).status_code == 303
    assert count(Ticket, Ticket.owner_id == colleague.id, Ticket.queue_id == queue.id) == 1
    technician = make.user(Role.TECHNICIAN)
    refused = client.post(f"{base}/owner", data={"csrf_token": token, "owner_id": technician.id})
    assert refused.status_code == 422
    assert client.post(f"{base}/owner", data={"owner_id": me.id}).status_code == 400  # no CSRF token
    assert client.post(f"{base}/owner", data={"csrf_token": token, "owner_id": ""}).status_code == 303
    assert count(Ticket, Ticket.owner_id.is_(None)) == 1


@pytest.mark.parametrize("owned", [True, False])
def test_the_owner_box_renders_with_the_ticket_and_its_panel(app, make, owned):
    me = make.user(Role.AGENT, name="Me Myself")
    ticket = make.ticket(owner_id=me.id if owned else None, queue_id=make.queue("manual", [], name="Service").id)
    with app.test_request_context():
        login_user(me)
        html = render_template("desk/assignment/_owner.html", ticket=ticket, panel=services.owner_panel(ticket))
    assert f'action="/tickets/{ticket.id}/assignment/owner"' in html and 'name="csrf_token"' in html
    assert ("Assign to me" in html) is not owned
    selected = f'<option value="{me.id}" selected>Me Myself</option>' if owned else '<option value="" selected>'
    assert selected in html


def test_the_demo_has_a_round_robin_service_queue_and_a_least_loaded_complaints_queue(runner, app):
    assert runner.invoke(args=["demo"]).exit_code == 0
    found = {queue.name: queue for queue in db.session.scalars(db.select(Queue))}
    assert {name: q.assignment_mode.value for name, q in found.items()} == {
        "Service": "round_robin", "Complaints": "least_loaded"}
    service_members = db.session.scalars(db.select(QueueMember).where(QueueMember.queue_id == found["Service"].id))
    assert len(list(service_members)) == 2 and count(DutySlot) == 10
