"""problem+json for every error, CSRF for session-authenticated changes, and the OpenAPI document."""

import pytest
from sqlalchemy import func, select

from dispatch.customers.models import Customer
from dispatch.extensions import db
from tests.support.csrf import csrf_token_from

BODY = {"name": "Visser", "address": {"street": "Dam 1", "postal_code": "1012 JS", "city": "Amsterdam",
                                      "country": "NL"}}


def test_unknown_api_path_is_problem_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 404


def test_wrong_method_is_problem_json(api, make):
    response = api.as_user(make.user("agent")).client.delete("/api/v1/tickets")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"


def test_nested_field_errors_are_flattened(api, make):
    response = api.as_user(make.user("agent")).post(
        "customers", {"name": "", "address": {"street": "x", "postal_code": "1", "city": "y", "country": "Holland"}}
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"name", "address.country"}


def test_wrong_types_are_422(api, make):
    response = api.as_user(make.user("agent")).post("customers", {"name": 12, "address": "Dam 1"})
    assert response.status_code == 422
    assert {"name", "address"} <= set(response.json["errors"])


def test_json_array_body_is_422_not_500(api, make):
    response = api.as_user(make.user("agent")).post("customers", [1, 2, 3])
    assert response.status_code == 422


def test_oversized_body_is_413_problem(api, make):
    client = api.as_user(make.user("agent"))
    response = client.post("customers", data=b"x" * (26 * 1024 * 1024), content_type="application/json",
                           idempotency_key=None)
    assert response.status_code == 413 and response.mimetype == "application/problem+json"


def test_session_authenticated_change_needs_csrf(client, make, auth):
    make.user("agent", email="sess@example.com")
    assert auth.login("sess@example.com").status_code == 302
    refused = client.post("/api/v1/customers", json=BODY)
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0
    token = client.get("/api/v1/me").json["csrf_token"]
    accepted = client.post("/api/v1/customers", json=BODY, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_login_form_needs_csrf(client, make):
    make.user("agent", email="form@example.com")
    response = client.post("/login", data={"email": "form@example.com", "password": "correct horse battery"})
    assert response.status_code == 400
    assert client.get("/api/v1/me").status_code == 401


def test_login_rejects_offsite_next(client, make):
    make.user("agent", email="next@example.com")
    token = csrf_token_from(client.get("/login"))
    response = client.post("/login?next=https://evil.example/", data={
        "email": "next@example.com", "password": "correct horse battery", "csrf_token": token})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


def test_openapi_document_describes_the_contract(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path in ("/api/v1/auth/token", "/api/v1/me", "/api/v1/customers", "/api/v1/customers/{customer_id}",
                 "/api/v1/customers/{customer_id}/assets", "/api/v1/contracts", "/api/v1/tickets",
                 "/api/v1/tickets/{ticket_id}", "/api/v1/tickets/{ticket_id}/jobs", "/api/v1/jobs/{job_id}",
                 "/api/v1/jobs/{job_id}/suggestions", "/api/v1/jobs/{job_id}/schedule"):
        assert path in paths, path
    ticket_in = spec["components"]["schemas"]["TicketIn"]
    assert set(ticket_in["required"]) == {"customer_id", "subject", "description"}
    assert "bearer" in spec["components"]["securitySchemes"]


NOT_FOUND = [
    ("customers/999999", "Customer 999999 does not exist.", "Klant 999999 bestaat niet."),
    ("tickets/999999", "Ticket 999999 does not exist.", "Ticket 999999 bestaat niet."),
    ("jobs/999999", "Job 999999 does not exist.", "Opdracht 999999 bestaat niet."),
    ("invoices/999999", "Invoice 999999 does not exist.", "Factuur 999999 bestaat niet."),
    ("credit-notes/999999", "Credit note 999999 does not exist.", "Creditnota 999999 bestaat niet."),
    ("webhooks/999999", "Webhook endpoint 999999 does not exist.", "Webhook-endpoint 999999 bestaat niet."),
    ("photos/999999", "Photo 999999 does not exist.", "Foto 999999 bestaat niet."),
]


@pytest.mark.parametrize(("language", "column"), [("en", 1), ("nl", 2)])
def test_unknown_objects_are_404_in_the_users_language(api, make, language, column):
    client = api.as_user(make.user("admin", language=language))
    for row in NOT_FOUND:
        response = client.get(row[0])
        assert response.status_code == 404 and response.mimetype == "application/problem+json", row[0]
        assert response.json["detail"] == row[column]
    redelivered = client.post("webhooks/deliveries/999999/redeliver")
    assert redelivered.status_code == 404
    assert redelivered.json["detail"] == ("Webhook delivery 999999 does not exist.",
                                          "Webhook-verzending 999999 bestaat niet.")[column - 1]


def test_a_domain_errors_members_extend_its_problem_without_hiding_the_standard_ones(app):
    from dispatch.api.problems import from_domain_error
    from dispatch.errors import Conflict

    error = Conflict("Overlaps job J-1.", code="overlap", members={"conflicts": [{"code": "overlap"}], "status": 200})
    with app.test_request_context("/api/v1/jobs/1/schedule"):
        response = from_domain_error(error)
    body = response.get_json()
    assert response.status_code == 409 and body["status"] == 409 and body["code"] == "overlap"
    assert body["conflicts"] == [{"code": "overlap"}]
