"""The queues API: queues, members and duty slots for admins (agents read), a ticket's assignment and the
hand-over of an agent's tickets for the desk; wrong input is a 4xx naming the field with nothing changed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dispatch.audit import AuditEvent
from dispatch.desk.assignment.models import DutySlot, Queue, QueueMember
from dispatch.desk.models import Ticket
from dispatch.enums import Role
from dispatch.scheduling.models import Absence
from tests.support.queries import count


@pytest.fixture
def admin(api, make):
    return api.as_user(make.user(Role.ADMIN))


def test_an_admin_sets_up_a_queue_with_members_and_duty_slots(admin, make):
    lead, agent = make.user(Role.AGENT, name="Lea Lead"), make.user(Role.AGENT)
    created = admin.post("/api/v1/queues", json={"name": "Service", "email_address": "Service@Example.com",
                                                 "assignment_mode": "round_robin", "team_lead_id": lead.id})
    assert created.status_code == 201, created.json
    queue_id = created.json["id"]
    assert created.json["email_address"] == "service@example.com"
    assert admin.post(f"/api/v1/queues/{queue_id}/members", json={"user_id": agent.id}).status_code == 201
    slot = admin.post(f"/api/v1/queues/{queue_id}/duty-slots",
                      json={"user_id": agent.id, "weekday": 0, "starts_at": "08:00", "ends_at": "12:00"})
    assert slot.status_code == 201, slot.json
    detail = admin.get(f"/api/v1/queues/{queue_id}").json
    assert detail["team_lead_name"] == "Lea Lead"
    assert detail["members"] == [{"user_id": agent.id, "name": agent.name, "active": True, "user_active": True,
                                  "duty_slots": [slot.json]}]
    assert admin.patch(f"/api/v1/queues/{queue_id}/members/{agent.id}", json={"active": False}).json[
        "members"][0]["active"] is False
    assert admin.patch(f"/api/v1/queues/{queue_id}", json={"assignment_mode": "least_loaded"}).json[
        "assignment_mode"] == "least_loaded"
    assert admin.delete(f"/api/v1/duty-slots/{slot.json['id']}").status_code == 204
    assert admin.delete(f"/api/v1/queues/{queue_id}/members/{agent.id}").status_code == 204
    assert count(QueueMember) == 0
    assert admin.get("/api/v1/queues").json["items"][0]["member_count"] == 0
    assert count(AuditEvent, AuditEvent.object_type == "queues") == 7


@pytest.mark.parametrize(("slot", "status", "field"), [
    ({"starts_at": "12:00", "ends_at": "08:00"}, 422, "ends_at"),
    ({"starts_at": "08:10", "ends_at": "12:00"}, 422, "starts_at"),
    ({"starts_at": "08:00", "ends_at": "12:05"}, 422, "ends_at"),
    ({"starts_at": "11:45", "ends_at": "13:00"}, 409, "starts_at"),  # overlaps 08:00-12:00
    ({"weekday": 7}, 422, "weekday"),
    ({"user_id": "x"}, 422, "user_id"),
    ({"starts_at": "8 o'clock"}, 422, "starts_at"),
])
def test_duty_slots_are_whole_quarters_from_before_to_and_never_overlap(admin, make, slot, status, field):
    agent, stranger = make.user(Role.AGENT), make.user(Role.AGENT)
    queue = make.queue("round_robin", [agent])
    make.duty_slot(queue, agent, 0, "08:00", "12:00")
    body = {"user_id": agent.id, "weekday": 0, "starts_at": "12:00", "ends_at": "13:00"} | slot
    refused = admin.post(f"/api/v1/queues/{queue.id}/duty-slots", json=body)
    assert refused.status_code == status, refused.json
    assert refused.mimetype == "application/problem+json" and field in refused.json["errors"]
    assert count(DutySlot) == 1
    outsider = admin.post(f"/api/v1/queues/{queue.id}/duty-slots", json=body | {
        "user_id": stranger.id, "starts_at": "12:00", "ends_at": "13:00", "weekday": 0})
    assert outsider.status_code == 422 and "user_id" in outsider.json["errors"]


def test_the_same_agent_may_have_slots_back_to_back_and_in_other_queues(admin, make):
    agent = make.user(Role.AGENT)
    first, second = make.queue("round_robin", [agent]), make.queue("round_robin", [agent])
    make.duty_slot(first, agent, 0, "08:00", "12:00")
    for queue, start, end in ((first, "12:00", "13:00"), (second, "08:00", "12:00")):
        assert admin.post(f"/api/v1/queues/{queue.id}/duty-slots", json={
            "user_id": agent.id, "weekday": 0, "starts_at": start, "ends_at": end}).status_code == 201


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"name": "Service"}, 409, "name"),
    ({"name": "Other", "email_address": "service@example.com"}, 409, "email_address"),
    ({"name": "Other", "email_address": "not an address"}, 422, "email_address"),
    ({"name": "Other", "team_lead_id": "tech"}, 422, "team_lead_id"),
    ({"name": "Other", "assignment_mode": "lottery"}, 422, "assignment_mode"),
    ({"name": ""}, 422, "name"),
    ({}, 422, "name"),
])
def test_a_wrong_queue_is_refused_naming_the_field(admin, make, body, status, field):
    make.queue("manual", [], name="Service", email_address="service@example.com")
    if body.get("team_lead_id") == "tech":
        body = body | {"team_lead_id": make.user(Role.TECHNICIAN).id}
    refused = admin.post("/api/v1/queues", json=body)
    assert refused.status_code == status, refused.json
    assert field in refused.json["errors"]
    assert count(Queue) == 1


def test_a_ticket_is_moved_and_given_through_the_api(api, make):
    agent = make.user(Role.AGENT)
    colleague = make.user(Role.AGENT)
    client = api.as_user(agent)
    queue = make.queue("round_robin", [colleague])
    ticket = make.ticket()
    moved = client.post(f"/api/v1/tickets/{ticket.id}/assignment", json={"queue_id": queue.id, "reassign": True})
    assert moved.json == {"id": ticket.id, "owner_id": colleague.id, "queue_id": queue.id}
    mine = client.post(f"/api/v1/tickets/{ticket.id}/assignment", json={"owner_id": agent.id})
    assert mine.json["owner_id"] == agent.id


@pytest.mark.parametrize(("body", "field"), [({}, "owner_id"), ({"owner_id": "tech"}, "owner_id"),
                                             ({"owner_id": 999999}, "owner_id"), ({"queue_id": 999999}, "queue_id"),
                                             ({"queue_id": "x"}, "queue_id")])
def test_a_wrong_assignment_is_refused_naming_the_field_and_nothing_changes(api, make, body, field):
    agent = make.user(Role.AGENT)
    ticket = make.ticket(owner_id=agent.id)
    if body.get("owner_id") == "tech":
        body = {"owner_id": make.user(Role.TECHNICIAN).id}
    events = count(AuditEvent)
    refused = api.as_user(agent).post(f"/api/v1/tickets/{ticket.id}/assignment", json=body)
    assert refused.status_code == 422 and field in refused.json["errors"], refused.json
    assert count(Ticket, Ticket.owner_id == agent.id) == 1 and count(AuditEvent) == events


def test_an_away_agents_tickets_are_previewed_then_handed_on(api, make):
    away, other = make.user(Role.AGENT), make.user(Role.AGENT, name="Olga Other")
    queue = make.queue("round_robin", [away, other])
    tickets = [make.ticket(queue_id=queue.id, owner_id=away.id) for _ in range(3)]
    client = api.as_user(make.user(Role.AGENT))
    preview = client.post(f"/api/v1/agents/{away.id}/reassign", json={"target": "rule", "dry_run": True})
    assert preview.json == {"dry_run": True, "total": 3, "ticket_ids": [t.id for t in tickets],
                            "counts": [{"owner_id": other.id, "owner_name": "Olga Other", "count": 3}]}
    assert count(Ticket, Ticket.owner_id == away.id) == 3
    done = client.post(f"/api/v1/agents/{away.id}/reassign", json={"target": "rule"})
    assert done.json["dry_run"] is False and done.json["total"] == 3
    assert count(Ticket, Ticket.owner_id == other.id) == 3
    assert count(AuditEvent, AuditEvent.action == "ticket.assigned", AuditEvent.data["by"].as_string() == "bulk") \
        == 3
    refused = client.post(f"/api/v1/agents/{away.id}/reassign", json={"target": "agent", "owner_id": away.id})
    assert refused.status_code == 422 and "owner_id" in refused.json["errors"]
    missing = client.post(f"/api/v1/agents/{make.user(Role.TECHNICIAN).id}/reassign", json={"target": "rule"})
    assert missing.status_code == 404


def test_an_admin_records_an_agents_absence_and_agents_read_it(api, make):
    agent = make.user(Role.AGENT)
    body = {"starts_at": "2026-12-01T08:00:00+01:00", "ends_at": "2026-12-03T17:00:00+01:00", "reason": "leave"}
    assert api.as_user(make.user(Role.AGENT)).post(f"/api/v1/agents/{agent.id}/absences", json=body
                                                   ).status_code == 403
    admin = api.as_user(make.user(Role.ADMIN))
    created = admin.post(f"/api/v1/agents/{agent.id}/absences", json=body)
    assert created.status_code == 201, created.json
    listed = api.as_user(agent).get(f"/api/v1/agents/{agent.id}/absences").json
    assert [a["id"] for a in listed] == [created.json["id"]]
    assert datetime.fromisoformat(listed[0]["starts_at"]) == datetime(2026, 12, 1, 7, tzinfo=UTC)
    technician = make.user(Role.TECHNICIAN)
    assert admin.post(f"/api/v1/agents/{technician.id}/absences", json=body).status_code == 404
    other = make.user(Role.AGENT)
    assert admin.delete(f"/api/v1/agents/{other.id}/absences/{created.json['id']}").status_code == 404
    assert admin.delete(f"/api/v1/agents/{agent.id}/absences/{created.json['id']}").status_code == 204
    assert count(Absence) == 0


ROUTES = [  # (method, path, roles that may)
    ("GET", "/api/v1/queues", {Role.ADMIN, Role.AGENT}),
    ("POST", "/api/v1/queues", {Role.ADMIN}),
    ("GET", "/api/v1/queues/{queue}", {Role.ADMIN, Role.AGENT}),
    ("PATCH", "/api/v1/queues/{queue}", {Role.ADMIN}),
    ("POST", "/api/v1/queues/{queue}/members", {Role.ADMIN}),
    ("PATCH", "/api/v1/queues/{queue}/members/{agent}", {Role.ADMIN}),
    ("GET", "/api/v1/queues/{queue}/duty-slots", {Role.ADMIN, Role.AGENT}),
    ("POST", "/api/v1/queues/{queue}/duty-slots", {Role.ADMIN}),
    ("DELETE", "/api/v1/duty-slots/{slot}", {Role.ADMIN}),
    ("POST", "/api/v1/tickets/{ticket}/assignment", {Role.ADMIN, Role.AGENT}),
    ("POST", "/api/v1/agents/{agent}/reassign", {Role.ADMIN, Role.AGENT}),
    ("GET", "/api/v1/agents/{agent}/absences", {Role.ADMIN, Role.AGENT}),
    ("POST", "/api/v1/agents/{agent}/absences", {Role.ADMIN}),
    ("DELETE", "/api/v1/agents/{agent}/absences/{absence}", {Role.ADMIN}),
    ("DELETE", "/api/v1/queues/{queue}/members/{agent}", {Role.ADMIN}),
]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_its_answer_on_every_assignment_endpoint(api, make, role):
    agent = make.user(Role.AGENT)
    queue = make.queue("round_robin", [agent])
    ids = {"queue": queue.id, "agent": agent.id, "slot": make.duty_slot(queue, agent, 0, "08:00", "09:00").id,
           "ticket": make.ticket().id,
           "absence": make.absence(agent, datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC)).id}
    client = api.as_user(make.user(role))
    answers = {}
    for method, path, roles in ROUTES:
        response = client.open(path.format(**ids), method, json={})
        allowed = role in roles
        refused = 404 if role == Role.TECHNICIAN else 403
        if (allowed and response.status_code in (401, 403, 404)) or (not allowed and response.status_code != refused):
            answers[(method, path)] = response.status_code
    assert answers == {}
    assert api.get("/api/v1/queues").status_code == 401
