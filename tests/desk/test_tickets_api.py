"""Tickets through the API: references, SLA due times, lists with filters and cursors."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from dispatch.desk.models import Ticket, TicketMessage
from dispatch.desk.sla.clock import business_minutes_between
from dispatch.desk.sla.services import load_calendar
from dispatch.numbering import formatted
from tests.support.queries import count


def test_ticket_gets_reference_and_sla_due_from_priority(api, make):
    customer = make.customer()
    client = api.as_user(make.user("agent"))
    urgent = client.post("tickets", {"customer_id": customer.id, "subject": "No heating",
                                     "description": "Cold house", "priority": "urgent", "channel": "phone"}).json
    low = client.post("tickets", {"customer_id": customer.id, "subject": "Noise", "description": "Hum",
                                  "priority": "low"}).json
    year = int(urgent["created_at"][:4])
    assert urgent["reference"] == formatted("T", year, 1) and low["reference"] == formatted("T", year, 2)
    assert urgent["status"] == "new" and urgent["status_category"] == "open"
    # The seeded policies in business minutes (Monday to Friday 08:00-17:00, Amsterdam; tests/desk/sla has the
    # weekend, holiday and pause cases): urgent 60 / 240, low 1440 / 7200. Each due time falls in opening hours.
    calendar = load_calendar()
    for ticket, first, resolution in ((urgent, 60, 240), (low, 1440, 7200)):
        created = datetime.fromisoformat(ticket["created_at"])
        for due, minutes in ((ticket["first_response_due_at"], first), (ticket["due_at"], resolution)):
            due = datetime.fromisoformat(due)
            assert business_minutes_between(calendar, created, due) == minutes
            local = due.astimezone(ZoneInfo("Europe/Amsterdam"))
            assert local.weekday() < 5 and time(8) < local.time() <= time(17), (ticket["priority"], local)
    assert urgent["traffic_light"] in ("green", "amber")
    assert count(TicketMessage) == 2


def test_ticket_defaults_site_from_asset(api, make):
    asset = make.asset()
    body = api.as_user(make.user("agent")).post("tickets", {
        "customer_id": asset.customer_id, "subject": "Leak", "description": "Drips", "asset_id": asset.id}).json
    assert body["asset_id"] == asset.id and body["site_id"] == asset.site_id and body["priority"] == "medium"


def test_ticket_bad_input(api, make):
    customer, other = make.customer(), make.customer()
    foreign_asset = make.asset(other)
    client = api.as_user(make.user("agent"))
    cases = [
        ({"subject": ""}, "subject"),
        ({"priority": "whenever"}, "priority"),
        ({"channel": "pigeon"}, "channel"),
        ({"customer_id": "abc"}, "customer_id"),
        ({"customer_id": 999999}, "customer_id"),
        ({"asset_id": foreign_asset.id}, "asset_id"),
        ({"subject": "x" * 201}, "subject"),
    ]
    for change, field in cases:
        body = {"customer_id": customer.id, "subject": "Leak", "description": "Drips"} | change
        response = client.post("tickets", body)
        assert response.status_code == 422, change
        assert field in response.json["errors"], (change, response.json)
    missing = client.post("tickets", {})
    assert set(missing.json["errors"]) == {"customer_id", "subject", "description"}
    assert count(Ticket) == 0


def test_list_pages_with_a_cursor_newest_first(api, make):
    customer = make.customer()
    tickets = [make.ticket(customer, subject=f"Ticket {n}") for n in range(7)]
    client = api.as_user(make.user("agent"))
    seen, cursor = [], None
    while True:
        page = client.get("tickets", query_string={"limit": 3, "sort": "newest",
                                                   **({"cursor": cursor} if cursor else {})}).json
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [ticket.id for ticket in reversed(tickets)]


def test_list_filters(api, make):
    customer, other = make.customer(), make.customer()
    urgent = make.ticket(customer, priority="urgent", subject="Burst pipe")
    make.ticket(other, priority="low", subject="Squeak")
    client = api.as_user(make.user("agent"))
    assert [t["id"] for t in client.get("tickets?priority=urgent").json["items"]] == [urgent.id]
    assert [t["id"] for t in client.get(f"tickets?customer_id={customer.id}").json["items"]] == [urgent.id]
    assert [t["id"] for t in client.get("tickets?q=burst").json["items"]] == [urgent.id]
    assert len(client.get("tickets?status=new").json["items"]) == 2
    assert client.get("tickets?state=closed").json["items"] == []


def test_list_bad_query_is_422(api, make):
    client = api.as_user(make.user("agent"))
    assert "limit" in client.get("tickets?limit=0").json["errors"]
    assert "limit" in client.get("tickets?limit=many").json["errors"]
    assert "priority" in client.get("tickets?priority=soon").json["errors"]
    response = client.get("tickets?cursor=%%%garbage")
    assert response.status_code == 422 and "cursor" in response.json["errors"]


def test_ticket_detail_and_404(api, make):
    ticket = make.ticket()
    client = api.as_user(make.user("agent"))
    assert client.get(f"tickets/{ticket.id}").json["reference"] == ticket.reference
    assert client.get("tickets/999999").status_code == 404
