"""Desk and customer forms refuse unknown tickets and customers, and lists shrug off odd queries; nothing changes."""

from __future__ import annotations

from sqlalchemy import func, select

from dispatch.customers.models import Asset
from dispatch.desk.models import Ticket
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from tests.support.routes import page_rules
from tests.views.helpers import text_of


def _rows() -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (Ticket, Job, Asset))


def test_forms_on_unknown_tickets_and_customers_are_404_or_422_and_change_nothing(pages, client, make):
    pages.login_as("agent")
    make.asset()
    token = pages.token("/tickets/new")
    before = _rows()
    response = client.post("/tickets/424242/jobs", data={"csrf_token": token, "kind": "repair",
                                                         "duration_minutes": "60"})
    assert response.status_code == 404
    response = client.post("/customers/987654/assets", data={
        "csrf_token": token, "asset-product": "Boiler", "asset-serial_number": "S", "asset-purchased_on": "2025-01-01"})
    assert response.status_code == 404
    response = client.post("/tickets/new", data={
        "csrf_token": token, "customer_mode": "existing", "customer_id": "987654", "subject": "X",
        "description": "Y", "priority": "low", "channel": "phone"})
    assert response.status_code == 422 and "No such customer." in text_of(response)
    assert _rows() == before


def test_lists_and_fragments_shrug_off_odd_queries(pages, client, make):
    pages.login_as("agent")
    customer = make.customer(name="Odd Query BV")
    for path in ("/customers?page=abc", "/customers?page=-2&q=Odd", "/customers?q=" + "x" * 500,
                 "/tickets/new/assets?customer_id=abc", "/tickets/new/customers?q=", "/tickets/new?customer_id=x"):
        assert client.get(path).status_code == 200, path
    assert "Odd Query BV" in text_of(client.get("/customers?page=0&q=Odd"))
    # A NUL (which PostgreSQL refuses as a parameter) is dropped from a search, not a 500.
    assert "Odd Query BV" in text_of(client.get("/customers?q=Odd%00"))
    assert "Odd Query BV" in text_of(client.get("/tickets/new/customers?q=Odd%00"))
    assert customer.name in text_of(client.get(f"/tickets/new?customer_id={customer.id}"))


QUERY_ARGUMENTS = ("q", "status", "state", "category", "channel", "priority", "view", "sort", "queue_id", "owner_id",
                   "customer_id", "cursor", "page", "day", "days", "from", "to", "start", "end", "target", "solver")


def test_every_page_drops_a_nul_from_its_query_string_instead_of_failing(app, pages, client, make):
    pages.login_as("admin")
    ticket = make.ticket(category="Boiler")
    for method, rule, _roles in page_rules(app):
        if method == "GET" and not rule.arguments:
            response = client.get(rule.rule, query_string={name: "x\x00" for name in QUERY_ARGUMENTS})
            assert response.status_code < 500, rule.rule
    assert ticket.reference in text_of(client.get("/tickets", query_string={"category": "Boiler\x00"}))
