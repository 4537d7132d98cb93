"""Working a ticket through the API: fields, status, internal notes and the timeline; bad input names the field
and changes nothing; only agents and admins get in."""

from __future__ import annotations

import pytest

from dispatch.audit import AuditEvent
from dispatch.desk.models import Ticket, TicketMessage
from dispatch.enums import MessageKind
from dispatch.extensions import db
from tests.support.queries import count


def test_patch_changes_fields_and_a_new_priority_reapplies_the_sla(api, make):
    make.custom_field("meter", "number")
    ticket = make.ticket(priority="low")
    asset = make.asset(ticket.customer)
    low_due = ticket.due_at
    client = api.as_user(make.user("agent"))
    body = client.patch(f"tickets/{ticket.id}", {"subject": "Pump failed", "priority": "urgent",
                                                 "category": "heating", "asset_id": asset.id,
                                                 "custom_fields": {"meter": "12.5"}}).json
    assert (body["subject"], body["priority"], body["category"], body["asset_id"]) == (
        "Pump failed", "urgent", "heating", asset.id)
    assert body["custom_fields"] == {"meter": 12.5}
    assert body["due_at"] < low_due.isoformat()
    assert count(AuditEvent, AuditEvent.action == "ticket.sla_reapplied") == 1
    unchanged = client.patch(f"tickets/{ticket.id}", {"subject": "Pump failed"})
    assert unchanged.status_code == 200
    assert count(AuditEvent, AuditEvent.action == "ticket.updated") == 1  # nothing changed: nothing recorded


@pytest.mark.parametrize(("body", "field"), [
    ({"subject": ""}, "subject"), ({"subject": "x" * 201}, "subject"), ({"subject": 5}, "subject"),
    ({"priority": "soon"}, "priority"), ({"asset_id": "one"}, "asset_id"), ({"category": "x" * 81}, "category"),
    ({"custom_fields": []}, "custom_fields"), ({"custom_fields": {"nope": 1}}, "custom_fields.nope"),
    ({"custom_fields": {"meter": "many"}}, "custom_fields.meter"), ({"asset_id": 999999}, "asset_id"),
])
def test_patch_bad_input_names_the_field_and_changes_nothing(api, make, body, field):
    make.custom_field("meter", "number")
    ticket = make.ticket(subject="Original")
    response = api.as_user(make.user("agent")).patch(f"tickets/{ticket.id}", body)
    assert response.status_code == 422, response.json
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert field in response.json["errors"], response.json
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).subject == "Original"
    assert count(AuditEvent, AuditEvent.action == "ticket.updated") == 0


def test_patch_refuses_an_asset_of_another_customer(api, make):
    ticket = make.ticket()
    foreign = make.asset(make.customer())
    response = api.as_user(make.user("agent")).patch(f"tickets/{ticket.id}", {"asset_id": foreign.id})
    assert response.status_code == 422 and "asset_id" in response.json["errors"]


def test_status_and_notes(api, make):
    ticket = make.ticket()
    client = api.as_user(make.user("agent"))
    assert client.post(f"tickets/{ticket.id}/status", {"status": "on_hold"}).json["status"] == "on_hold"
    bad = client.post(f"tickets/{ticket.id}/status", {"status": "sleeping"})
    assert bad.status_code == 422 and "status" in bad.json["errors"]
    assert "status" in client.post(f"tickets/{ticket.id}/status", {}).json["errors"]
    note = client.post(f"tickets/{ticket.id}/notes", {"body": "Spoke to the neighbour."})
    assert note.status_code == 201 and note.json["kind"] == "note"
    assert "body" in client.post(f"tickets/{ticket.id}/notes", {"body": ""}).json["errors"]
    assert "body" in client.post(f"tickets/{ticket.id}/notes", {"body": ["x"]}).json["errors"]
    assert count(TicketMessage, TicketMessage.kind == MessageKind.NOTE) == 1
    entries = client.get(f"tickets/{ticket.id}/timeline").json
    assert [entry["type"] for entry in entries].count("message") == 2
    assert any(entry["type"] == "system" and "changed the status from New to On hold" in entry["text"]
               for entry in entries)
    assert client.get("tickets/999999/timeline").status_code == 404


ROUTES = [
    ("get", "tickets/{id}", None), ("patch", "tickets/{id}", {"subject": "X"}),
    ("post", "tickets/{id}/status", {"status": "open"}), ("post", "tickets/{id}/notes", {"body": "x"}),
    ("post", "tickets/{id}/merge", {"target_id": 1}), ("get", "tickets/{id}/timeline", None),
    ("get", "tickets/views", None), ("get", "tickets?view=mine", None),
]


@pytest.mark.parametrize("role", ["technician", "billing"])
def test_only_the_desk_works_tickets(api, make, role):
    ticket = make.ticket(subject="Untouched")
    client = api.as_user(make.user(role))
    expected = 404 if role == "technician" else 403  # to a technician, the desk does not exist
    for method, path, body in ROUTES:
        response = getattr(client, method)(path.format(id=ticket.id), *([body] if body else []))
        assert response.status_code == expected, (role, method, path, response.status_code)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).subject == "Untouched"


def test_anonymous_callers_get_401(api, make):
    ticket = make.ticket()
    for method, path, body in ROUTES:
        response = getattr(api, method)(path.format(id=ticket.id), *([body] if body else []))
        assert response.status_code == 401, (method, path)


def test_admin_works_tickets_too(api, make):
    ticket = make.ticket()
    client = api.as_user(make.user("admin"))
    assert client.patch(f"tickets/{ticket.id}", {"subcategory": "pressure"}).json["subcategory"] == "pressure"
