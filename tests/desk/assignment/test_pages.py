"""The assignment pages: admins keep queues, duty and agents' absences, agents read them; agents give
tickets on from the ticket page and hand an away colleague's tickets on after a preview."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import render_template
from flask_login import login_user

from dispatch.audit import AuditEvent
from dispatch.desk.assignment import services
from dispatch.desk.assignment.models import DutySlot, Queue, QueueMember
from dispatch.desk.assignment.services import DESK_ROLES
from dispatch.desk.models import Ticket
from dispatch.enums import Role
from dispatch.extensions import db
from dispatch.scheduling.models import Absence
from tests.support.queries import count, statements_for


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


def test_the_previews_own_form_hands_the_tickets_on(client, pages, make):
    pages.login_as(Role.AGENT)
    away, other = make.user(Role.AGENT), make.user(Role.AGENT)
    queue = make.queue("round_robin", [away, other])
    make.ticket(queue_id=queue.id, owner_id=away.id)
    preview = client.get(f"/desk/agents/{away.id}/reassign?target=rule&owner_id=&queue_id=").get_data(as_text=True)
    form = preview[preview.index(f'method="post" action="/desk/agents/{away.id}/reassign"'):]
    form = form[:form.index("</form>")]
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    assert set(fields) == {"csrf_token", "target", "owner_id", "queue_id"}
    assert client.post(f"/desk/agents/{away.id}/reassign", data=fields).status_code == 303
    assert count(Ticket, Ticket.owner_id == other.id) == 1


def test_wrong_input_on_the_pages_is_refused_naming_the_field_and_nothing_changes(client, pages, make):
    pages.login_as(Role.ADMIN)
    agent = make.user(Role.AGENT)
    queue = make.queue("round_robin", [agent], name="Service")
    ticket = make.ticket(owner_id=agent.id)
    token = pages.token("/admin/queues")
    events = count(AuditEvent)
    taken = client.post("/admin/queues", data={"csrf_token": token, "name": "Service", "assignment_mode": "manual",
                                               "team_lead_id": "", "position": "0"})
    assert taken.status_code == 409 and 'id="name-error"' in taken.get_data(as_text=True)
    empty = client.post(f"/admin/queues/{queue.id}", data={"csrf_token": token, "name": "",
                                                            "assignment_mode": "manual", "position": "0"})
    assert empty.status_code == 422 and 'id="name-error"' in empty.get_data(as_text=True)
    stranger = client.post(f"/admin/queues/{queue.id}/duty-slots", data={
        "csrf_token": token, "user_id": make.user(Role.AGENT).id, "weekday": "0", "starts_at": "08:00",
        "ends_at": "09:00"})
    assert stranger.status_code == 422 and 'id="user_id-error"' in stranger.get_data(as_text=True)
    today = date.today()
    backwards = client.post(f"/admin/desk-agents/{agent.id}/absences", data={
        "csrf_token": token, "reason": "leave", "first_day": today.isoformat(),
        "last_day": (today - timedelta(days=1)).isoformat()})
    assert backwards.status_code == 422 and 'id="last_day-error"' in backwards.get_data(as_text=True)
    sideways = client.get(f"/desk/agents/{agent.id}/reassign?target=sideways")
    assert sideways.status_code == 422 and 'id="target-error"' in sideways.get_data(as_text=True)
    moved = client.post(f"/tickets/{ticket.id}/assignment/queue", data={"csrf_token": token, "queue_id": "999999"})
    assert moved.status_code == 422
    assert client.post(f"/admin/queues/{queue.id}/members/999999/active",
                       data={"csrf_token": token, "active": "0"}).status_code == 404
    assert client.get(f"/admin/desk-agents/{make.user(Role.TECHNICIAN).id}").status_code == 404
    assert count(Queue) == 1 and count(Queue, Queue.name == "Service") == 1
    assert count(DutySlot) == 0 and count(Absence) == 0
    assert count(Ticket, Ticket.owner_id == agent.id, Ticket.queue_id.is_(None)) == 1
    assert count(AuditEvent) == events


PAGES = [  # (method, path, roles that may)
    ("GET", "/admin/queues", {Role.ADMIN, Role.AGENT}),
    ("POST", "/admin/queues", {Role.ADMIN}),
    ("GET", "/admin/queues/{queue}", {Role.ADMIN, Role.AGENT}),
    ("POST", "/admin/queues/{queue}", {Role.ADMIN}),
    ("POST", "/admin/queues/{queue}/members", {Role.ADMIN}),
    ("POST", "/admin/queues/{queue}/duty-slots", {Role.ADMIN}),
    ("GET", "/admin/desk-agents", {Role.ADMIN, Role.AGENT}),
    ("GET", "/admin/desk-agents/{agent}", {Role.ADMIN, Role.AGENT}),
    ("POST", "/admin/desk-agents/{agent}/absences", {Role.ADMIN}),
    ("GET", "/desk/agents/{agent}/reassign", {Role.ADMIN, Role.AGENT}),
    ("POST", "/desk/agents/{agent}/reassign", {Role.ADMIN, Role.AGENT}),
    ("POST", "/tickets/{ticket}/assignment/owner", {Role.ADMIN, Role.AGENT}),
    ("POST", "/tickets/{ticket}/assignment/queue", {Role.ADMIN, Role.AGENT}),
    ("POST", "/tickets/{ticket}/assignment/take", {Role.ADMIN, Role.AGENT}),
    ("POST", "/admin/queues/{queue}/members/{agent}/active", {Role.ADMIN}),
    ("POST", "/admin/duty-slots/{slot}/delete", {Role.ADMIN}),
    ("POST", "/admin/desk-agents/{agent}/absences/{absence}/delete", {Role.ADMIN}),
    ("POST", "/admin/queues/{queue}/members/{agent}/delete", {Role.ADMIN}),
]


@pytest.mark.parametrize("role", [*Role, None])
def test_each_role_gets_its_answer_on_every_assignment_page(client, pages, make, role):
    agent = make.user(Role.AGENT)
    queue = make.queue("round_robin", [agent])
    ids = {"queue": queue.id, "agent": agent.id, "slot": make.duty_slot(queue, agent, 0, "08:00", "09:00").id,
           "ticket": make.ticket().id,
           "absence": make.absence(agent, datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC)).id}
    if role is not None:
        pages.login_as(role)
    token = pages.token("/customers" if role else "/login")  # a 403 page carries the token too
    events = count(AuditEvent)
    answers = {}
    for method, path, roles in PAGES:
        response = client.open(path.format(**ids), method=method, data={"csrf_token": token})
        status = response.status_code
        if role is None:
            wrong = status != 302 or "/login" not in response.headers["Location"]
        elif role in roles:
            wrong = status in (401, 403) or status >= 500 or (method == "GET" and status != 200)
        else:
            wrong = status != 403
        if wrong:
            answers[(method, path)] = status
    assert answers == {}
    if role not in DESK_ROLES:
        assert count(AuditEvent) == events and count(QueueMember) == 1 and count(DutySlot) == 1
        assert count(Absence) == 1


def test_the_queue_pages_take_the_same_number_of_queries_for_2_or_12_members(client, pages, make):
    pages.login_as(Role.ADMIN)
    figures = []
    for size in (2, 12):
        members = [make.user(Role.AGENT) for _ in range(size)]
        queue = make.queue("round_robin", members)
        for member in members:
            make.duty_slot(queue, member, 0, "08:00", "12:00")
            make.duty_slot(queue, member, 1, "08:00", "12:00")
        figures.append((statements_for(client, f"/admin/queues/{queue.id}")[0],
                        statements_for(client, "/admin/queues")[0], statements_for(client, "/admin/desk-agents")[0]))
    assert figures[0] == figures[1], figures
