"""Working a ticket on its page: editing fields, status, internal notes, the timeline with system notes,
canned responses without script, the customer sidebar, and bounded queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dispatch import audit
from dispatch.audit import AuditEvent
from dispatch.desk import services, timeline
from dispatch.desk.models import Ticket, TicketMessage
from dispatch.enums import MessageKind
from dispatch.extensions import db
from tests.support.factories import next_weekday_at
from tests.support.queries import count, recorded_statements
from tests.views.helpers import text_of


def post(pages, client, ticket: Ticket, action: str, data: dict):
    token = pages.token(f"/tickets/{ticket.id}")
    return client.post(f"/tickets/{ticket.id}/{action}", data={"csrf_token": token, **data})


def reloaded(ticket: Ticket) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def test_editing_fields_records_what_changed_and_a_new_priority_moves_the_due_time(pages, client, make):
    pages.login_as("agent")
    customer = make.customer()
    asset = make.asset(customer, serial_number="HP-77")
    ticket = make.ticket(customer, priority="low")
    low_due = ticket.due_at
    response = post(pages, client, ticket, "edit", {
        "subject": "No heating at all", "category": "heating", "subcategory": "heat pump",
        "priority": "urgent", "asset_id": str(asset.id)})
    assert response.status_code == 303
    ticket = reloaded(ticket)
    assert (ticket.subject, ticket.category, ticket.subcategory, ticket.asset_id) == (
        "No heating at all", "heating", "heat pump", asset.id)
    assert ticket.priority.value == "urgent" and ticket.due_at < low_due  # the urgent policy applies
    page = text_of(client.get(f"/tickets/{ticket.id}"))
    assert "changed the subject from “Boiler makes noise” to “No heating at all”" in page
    assert "the priority from “Low” to “Urgent”" in page


def test_edit_refuses_bad_input_and_changes_nothing(pages, client, make):
    pages.login_as("agent")
    ticket = make.ticket(subject="Original")
    foreign = make.asset(make.customer())
    for data, field in (({"subject": ""}, "subject"), ({"subject": "x" * 201}, "subject"),
                        ({"subject": "Fine", "priority": "whenever"}, "priority"),
                        ({"subject": "Fine", "asset_id": str(foreign.id)}, "asset_id")):
        response = post(pages, client, ticket, "edit", {"priority": "medium"} | data)
        assert response.status_code == 422, data
        assert f'id="{field}-error"' in response.get_data(as_text=True) or "field--invalid" in \
            response.get_data(as_text=True), data
    assert reloaded(ticket).subject == "Original"
    assert count(AuditEvent, AuditEvent.action == "ticket.updated") == 0


def test_custom_fields_on_the_page_are_checked_by_type(pages, client, make):
    pages.login_as("agent")
    make.custom_field("meter_reading", "number")
    make.custom_field("contract_kind", "choice", choices=["basic", "premium"], required=True)
    ticket = make.ticket()
    bad = post(pages, client, ticket, "edit", {"subject": "S", "priority": "medium", "cf-meter_reading": "lots",
                                               "cf-contract_kind": "gold"})
    assert bad.status_code == 422
    assert "Not a number." in text_of(bad)
    assert reloaded(ticket).custom_fields == {}
    good = post(pages, client, ticket, "edit", {"subject": "S", "priority": "medium", "cf-meter_reading": "1234,5",
                                                "cf-contract_kind": "premium"})
    assert good.status_code == 303
    assert reloaded(ticket).custom_fields == {"meter_reading": 1234.5, "contract_kind": "premium"}


def test_status_change_goes_through_the_desk_service(pages, client, make):
    pages.login_as("agent")
    ticket = make.ticket()
    assert post(pages, client, ticket, "status", {"status": "on_hold"}).status_code == 303
    ticket = reloaded(ticket)
    assert ticket.status.key == "on_hold" and ticket.sla_paused_at is not None
    assert post(pages, client, ticket, "status", {"status": "resolved"}).status_code == 303
    assert reloaded(ticket).resolved_at is not None
    assert post(pages, client, ticket, "status", {"status": "no_such"}).status_code == 422
    page = text_of(client.get(f"/tickets/{ticket.id}"))
    assert "changed the status from New to On hold" in page and "The SLA clock stopped." in page


def test_internal_note_is_on_the_timeline_marked_and_never_for_the_customer(pages, client, make):
    pages.login_as("agent")
    ticket = make.ticket()
    assert post(pages, client, ticket, "notes", {"body": "Customer is hard of hearing; call loudly."}).status_code \
        == 303
    note = db.session.scalar(select(TicketMessage).where(TicketMessage.kind == MessageKind.NOTE))
    assert note.ticket_id == ticket.id
    page = text_of(client.get(f"/tickets/{ticket.id}"))
    assert "Internal note not shown to the customer" in page and "call loudly" in page
    customer_view = timeline.timeline(reloaded(ticket), internal=False)
    assert all(entry.message is not None and entry.message.kind != MessageKind.NOTE for entry in customer_view)
    assert post(pages, client, ticket, "notes", {"body": "  "}).status_code == 422


def test_system_notes_are_sentences_and_unknown_actions_get_a_generic_one(app, make):
    ticket = make.ticket()
    audit.record("ticket.sla_warning", ticket, None, due_at=ticket.due_at, minutes_left=42, to=[])
    audit.record("ticket.something_new", ticket, None, colour="blue")
    audit.record("ticket.assigned", ticket, None)  # data missing: still a sentence, never an error
    db.session.commit()
    notes = [entry.note for entry in timeline.timeline(ticket) if entry.is_note]
    assert "The SLA due time is near (42 business minutes left)." in notes
    assert "The system: ticket.something_new." in notes
    assert "The system: ticket.assigned." in notes


def test_system_notes_cannot_be_changed_or_deleted(app, make):
    ticket = make.ticket()
    event = timeline.ticket_events(ticket)[0]
    event.data = {"forged": True}
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_timeline_loads_in_constant_queries(app, make):
    counts = []
    authors = [make.user("agent").id for _ in range(3)]
    for number in (1, 15):
        ticket = make.ticket()
        for n in range(number):
            services.add_message(ticket, MessageKind.NOTE, f"Note {n}", author_id=authors[n % 3])
            services.change_status(ticket, ("open", "on_hold")[n % 2], None)
        db.session.commit()
        ticket_id = ticket.id
        db.session.expunge_all()
        ticket = db.session.get(Ticket, ticket_id)
        with recorded_statements() as statements:
            entries = timeline.timeline(ticket)
        assert len(entries) > number
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_canned_response_without_script_fills_the_reply(pages, client, make):
    agent = pages.login_as("agent")
    technician = make.user("technician")
    customer = make.customer(name="Familie Jansen")
    ticket = make.ticket(customer, subject="Boiler E10")
    make.scheduled_job(technician, ticket, start=next_weekday_at(9, days_ahead=2))
    response = make.canned_response("Dear {customer_name}, {reference} ({subject}): we come {appointment}. "
                                    "{agent_name}", title="Visit planned")
    page = client.get(f"/tickets/{ticket.id}?canned={response.id}")
    assert page.status_code == 200
    text = text_of(page)
    assert f"Dear Familie Jansen, {ticket.reference} (Boiler E10): we come" in text
    assert "09:00" in text and agent.name in text
    assert 'data-canned-picker' in page.get_data(as_text=True)
    assert "js/desk-canned.js" in page.get_data(as_text=True)
    as_json = client.get(f"/tickets/{ticket.id}/canned/{response.id}").json
    assert as_json["text"].startswith("Dear Familie Jansen")
    assert client.get(f"/tickets/{ticket.id}/canned/999999").status_code == 404


def test_a_canned_response_for_a_ticket_without_an_address_is_still_shown_to_read_out(pages, client, make):
    pages.login_as("agent")
    ticket = make.ticket(make.customer(name="Familie Bakker", email=None), subject="No hot water")
    response = make.canned_response("Dear {customer_name}, we call you back today.", title="Call back")
    text = text_of(client.get(f"/tickets/{ticket.id}?canned={response.id}"))
    assert "replies cannot be mailed" in text
    assert "Dear Familie Bakker, we call you back today." in text


def test_page_shows_sidebar_history_and_costs_the_same_queries_for_small_and_large_customers(pages, client, make):
    pages.login_as("agent")
    counts = {}
    for number in (1, 6):
        customer = make.customer()
        assets = [make.asset(customer, supplier="Remeha") for _ in range(number)]
        make.contract(customer, assets, ["labour"])
        ticket = make.ticket(customer, asset=assets[0])
        for _ in range(number):
            make.ticket(customer, subject="Earlier trouble")
            make.delivery_receipt(make.job(ticket))
            services.add_message(ticket, MessageKind.NOTE, "note")
        db.session.commit()
        path = f"/tickets/{ticket.id}"
        db.session.expunge_all()
        with recorded_statements() as statements:
            response = client.get(path)
        assert response.status_code == 200
        counts[number] = len(statements)
        page = text_of(response)
        for expected in ("Remeha", "Earlier trouble", "Receipt of", "Covers: labour"):
            assert expected in page, expected
    assert counts[1] == counts[6], counts


def test_a_ticket_of_nobody_is_404(pages, client):
    pages.login_as("agent")
    assert client.get("/tickets/999999").status_code == 404
    assert client.get("/tickets/999999/canned/1").status_code == 404


def test_due_time_is_shown_and_overdue_in_words(pages, client, make):
    pages.login_as("agent")
    ticket = make.ticket()
    ticket.due_at = ticket.created_at - timedelta(minutes=1)
    db.session.commit()
    assert "Overdue" in text_of(client.get(f"/tickets/{ticket.id}"))


def test_status_and_note_refuse_bad_input_naming_the_field_and_change_nothing(pages, client, make):
    pages.login_as("agent")
    ticket = make.ticket()
    for action, data, field in (("status", {"status": "no_such"}, "status"), ("status", {}, "status"),
                                ("notes", {"body": "  "}, "body"), ("notes", {"body": "x" * 20001}, "body")):
        response = post(pages, client, ticket, action, data)
        assert response.status_code == 422, data
        assert f'id="{field}-error"' in response.get_data(as_text=True), data
    assert reloaded(ticket).status.key == "new"
    assert count(TicketMessage, TicketMessage.kind == MessageKind.NOTE) == 0
    assert count(AuditEvent, AuditEvent.action.in_(["ticket.status_changed", "ticket.note_added"])) == 0


@pytest.mark.parametrize(("role", "expected"), [("agent", 303), ("admin", 303), ("billing", 403),
                                                ("technician", 403), (None, 302)])
def test_only_agents_and_admins_work_a_ticket(pages, client, make, role, expected):
    ticket = make.ticket(subject="Original")
    if role is not None:
        pages.login_as(role)
    token = pages.token(f"/tickets/{ticket.id}" if role else "/login")  # a refusal page carries one too
    for action, data in (("edit", {"subject": "Changed", "priority": "medium"}), ("status", {"status": "on_hold"}),
                         ("notes", {"body": "Called back."})):
        response = client.post(f"/tickets/{ticket.id}/{action}", data={"csrf_token": token, **data})
        assert response.status_code == expected, (role, action)
    ticket = reloaded(ticket)
    worked = (ticket.subject, ticket.status.key, count(TicketMessage, TicketMessage.kind == MessageKind.NOTE))
    assert worked == (("Changed", "on_hold", 1) if expected == 303 else ("Original", "new", 0))
