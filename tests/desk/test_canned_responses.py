"""Canned responses: agents and admins keep them (per language and queue); placeholders are filled in for a
ticket and nothing else in braces is touched."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dispatch.desk.canned import services
from dispatch.desk.models import CannedResponse
from dispatch.extensions import db
from tests.support.queries import count
from tests.views.helpers import text_of


def test_placeholders_are_filled_and_other_braces_stay():
    values = {"customer_name": "Jansen", "reference": "T-2026-000042"}
    assert services.fill("Dear {customer_name}, re {reference}.", values) == "Dear Jansen, re T-2026-000042."
    assert services.fill("{customer_name.__class__} {0} {} {{x}}", values) == "{customer_name.__class__} {0} {} {{x}}"


def test_the_ticket_gets_responses_of_its_queue_and_its_customers_language(app, make):
    service, sales = make.queue(mode="manual"), make.queue(mode="manual")
    ticket = make.ticket(make.customer(language="nl"), queue_id=service.id)
    anywhere = make.canned_response(title="Anywhere")
    dutch_service = make.canned_response(title="Dutch service", language="nl", queue_id=service.id)
    make.canned_response(title="German", language="de")
    make.canned_response(title="Sales", queue_id=sales.id)
    make.canned_response(title="Retired", active=False)
    assert services.responses_for(ticket, "nl") == [anywhere, dutch_service]


def test_appointment_without_a_visit_says_so(app, make):
    ticket = make.ticket()
    assert services.placeholder_values(ticket, None)["appointment"] == "(no appointment yet)"


def test_agents_keep_canned_responses_on_pages(pages, client, make):
    pages.login_as("agent")
    token = pages.token("/desk/canned-responses")
    created = client.post("/desk/canned-responses", data={
        "csrf_token": token, "title": "Parts ordered", "body": "Dear {customer_name}, the part is ordered.",
        "language": "", "queue_id": "", "active": "y"})
    assert created.status_code == 303
    response = client.get("/desk/canned-responses")
    assert "Parts ordered" in text_of(response)
    item = db.session.scalar(select(CannedResponse))
    refused = client.post(f"/desk/canned-responses/{item.id}", data={
        "csrf_token": token, "title": "Parts ordered", "body": "Hello {nme}", "language": "", "queue_id": ""})
    assert refused.status_code == 422 and "Unknown placeholders: nme." in text_of(refused)
    saved = client.post(f"/desk/canned-responses/{item.id}", data={
        "csrf_token": token, "title": "Parts on the way", "body": "Hello {customer_name}", "language": "nl",
        "queue_id": ""})
    assert saved.status_code == 303
    assert client.post(f"/desk/canned-responses/{item.id}/delete", data={"csrf_token": token}).status_code == 303
    assert count(CannedResponse) == 0


def test_canned_responses_through_the_api(api, make):
    client = api.as_user(make.user("agent"))
    created = client.post("canned-responses", {"title": "Visit", "body": "We come {appointment}.", "language": "en"})
    assert created.status_code == 201
    response_id = created.json["id"]
    assert client.get("canned-responses").json["items"][0]["title"] == "Visit"
    assert client.patch(f"canned-responses/{response_id}", {"active": False}).json["active"] is False
    ticket = make.ticket()
    filled = client.get(f"tickets/{ticket.id}/canned-responses/{response_id}").json
    assert filled["text"] == "We come (no appointment yet)."
    assert client.delete(f"canned-responses/{response_id}").status_code == 204
    assert client.get(f"canned-responses/{response_id}").status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"title": "", "body": "x"}, "title"), ({"title": "T"}, "body"), ({"title": "T", "body": "{who}"}, "body"),
    ({"title": "T", "body": "x", "language": "xx"}, "language"), ({"title": "T", "body": "x", "queue_id": 999},
                                                                   "queue_id"),
    ({"title": ["T"], "body": "x"}, "title"), ({"title": "T", "body": "x", "active": "maybe"}, "active"),
])
def test_bad_canned_responses_name_the_field_and_store_nothing(api, make, body, field):
    response = api.as_user(make.user("admin")).post("canned-responses", body)
    assert response.status_code == 422 and field in response.json["errors"], response.json
    assert count(CannedResponse) == 0


@pytest.mark.parametrize(("role", "status"), [("technician", 404), ("billing", 403)])
def test_others_cannot_read_or_keep_canned_responses(api, make, role, status):
    existing = make.canned_response()
    client = api.as_user(make.user(role))
    assert client.get("canned-responses").status_code == status
    assert client.post("canned-responses", {"title": "T", "body": "x"}).status_code == status
    assert client.patch(f"canned-responses/{existing.id}", {"title": "Mine"}).status_code == status
    assert client.delete(f"canned-responses/{existing.id}").status_code == status
    assert count(CannedResponse) == 1
