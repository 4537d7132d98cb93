"""Merging ticket A into B: messages, attachments and jobs move, A is closed pointing at B, both carry a system
note; only tickets of the same customer merge."""

from __future__ import annotations

from sqlalchemy import select

from dispatch.audit import AuditEvent
from dispatch.desk import services
from dispatch.desk.models import Ticket, TicketAttachment, TicketMessage
from dispatch.enums import MessageKind
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from tests.support.queries import count
from tests.views.helpers import text_of


def two_tickets(make):
    customer = make.customer()
    duplicate = make.ticket(customer, subject="Boiler again", description="Still noisy.")
    original = make.ticket(customer, subject="Boiler noise")
    services.add_message(duplicate, MessageKind.NOTE, "Called twice today.")
    db.session.add(TicketAttachment(ticket_id=duplicate.id, filename="noise.mp3", content_type="audio/mpeg", size=3,
                                    storage_key="k"))
    job = make.job(duplicate)
    db.session.commit()
    return duplicate, original, job


def test_merge_moves_messages_attachments_and_jobs_and_closes_the_source(api, make):
    duplicate, original, job = two_tickets(make)
    client = api.as_user(make.user("agent"))
    response = client.post(f"tickets/{duplicate.id}/merge", {"target_id": original.id})
    assert response.status_code == 200 and response.json["id"] == original.id
    db.session.expire_all()
    assert count(TicketMessage, TicketMessage.ticket_id == duplicate.id) == 0
    assert count(TicketMessage, TicketMessage.ticket_id == original.id) == 3
    assert count(TicketAttachment, TicketAttachment.ticket_id == original.id) == 1
    assert db.session.get(Job, job.id).ticket_id == original.id
    source = db.session.get(Ticket, duplicate.id)
    assert source.merged_into_id == original.id and source.status.key == "closed"
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "tickets")))
    assert {"ticket.merged", "ticket.merged_from"} <= actions
    timeline = client.get(f"tickets/{original.id}/timeline").json
    assert any(entry["type"] == "system" and f"merged {duplicate.reference} into this ticket" in entry["text"]
               for entry in timeline)


def test_merge_refuses_other_customers_itself_and_unknown_tickets_changing_nothing(api, make):
    duplicate, original, _job = two_tickets(make)
    stranger = make.ticket(make.customer())
    client = api.as_user(make.user("agent"))
    other = client.post(f"tickets/{duplicate.id}/merge", {"target_id": stranger.id})
    assert other.status_code == 409 and other.json["code"] == "different_customer"
    assert "target_id" in other.json["errors"]
    for body in ({"target_id": duplicate.id}, {"target_id": 999999}, {"target_id": "x"}, {}):
        response = client.post(f"tickets/{duplicate.id}/merge", body)
        assert response.status_code == 422 and "target_id" in response.json["errors"], body
    assert client.post("tickets/999999/merge", {"target_id": original.id}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Ticket, duplicate.id).merged_into_id is None
    assert count(TicketMessage, TicketMessage.ticket_id == duplicate.id) == 2
    assert count(AuditEvent, AuditEvent.action == "ticket.merged") == 0


def test_a_merged_ticket_cannot_be_merged_or_edited_again(api, make):
    duplicate, original, _job = two_tickets(make)
    client = api.as_user(make.user("agent"))
    assert client.post(f"tickets/{duplicate.id}/merge", {"target_id": original.id}).status_code == 200
    again = client.post(f"tickets/{duplicate.id}/merge", {"target_id": original.id})
    assert again.status_code == 409
    third = make.ticket(db.session.get(Ticket, original.id).customer)
    into_merged = client.post(f"tickets/{third.id}/merge", {"target_id": duplicate.id})
    assert into_merged.status_code == 409 and "target_id" in into_merged.json["errors"]
    assert client.patch(f"tickets/{duplicate.id}", {"subject": "New"}).status_code == 409


def test_merge_on_the_page_and_the_page_of_a_points_to_b(pages, client, make):
    duplicate, original, _job = two_tickets(make)
    pages.login_as("agent")
    token = pages.token(f"/tickets/{duplicate.id}")
    refused = client.post(f"/tickets/{duplicate.id}/merge", data={"csrf_token": token, "target": "T-1999-000001"})
    assert refused.status_code == 422 and "No ticket has this reference." in text_of(refused)
    stranger = make.ticket(make.customer())
    other = client.post(f"/tickets/{duplicate.id}/merge", data={"csrf_token": token, "target": stranger.reference})
    assert other.status_code == 409 and "This ticket belongs to another customer." in text_of(other)
    response = client.post(f"/tickets/{duplicate.id}/merge",
                           data={"csrf_token": token, "target": original.reference.lower()})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/tickets/{original.id}")
    page = text_of(client.get(f"/tickets/{duplicate.id}"))
    assert f"This ticket was merged into {original.reference}" in page
    assert "merged this ticket into" in page


def test_merge_records_how_many_rows_moved(api, make):
    duplicate, original, _job = two_tickets(make)
    response = api.as_user(make.user("agent")).post(f"tickets/{duplicate.id}/merge", {"target_id": original.id})
    assert response.status_code == 200
    events = {event.action: event.data for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(["ticket.merged", "ticket.merged_from"])))}
    moved = {"messages": 2, "attachments": 1, "jobs": 1, "mails": 0}  # the first message and the note
    assert {key: events["ticket.merged"][key] for key in moved} == moved
    assert {key: events["ticket.merged_from"][key] for key in moved} == moved
