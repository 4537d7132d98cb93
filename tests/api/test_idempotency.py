"""Idempotency-Key: a repeat returns the stored response and changes nothing (DESIGN.md section 4)."""

from datetime import timedelta

from sqlalchemy import func, select

from dispatch.api.idempotency import IdempotencyRecord, purge_expired, request_fingerprint
from dispatch.customers.models import Customer
from dispatch.dbtypes import utcnow
from dispatch.extensions import db
from tests.support.factories import PASSWORD

BODY = {"name": "Bakker", "address": {"street": "Markt 1", "postal_code": "5611 EB", "city": "Eindhoven",
                                      "country": "NL"}}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_same_key_twice_makes_one_row_and_replays(api, make):
    client = api.as_user(make.user("agent"))
    first = client.post("customers", BODY, idempotency_key="key-1")
    second = client.post("customers", BODY, idempotency_key="key-1")
    assert first.status_code == second.status_code == 201
    assert second.json == first.json
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Location"] == first.headers["Location"]
    assert count(Customer) == 1


def test_key_order_and_spacing_do_not_matter(api, make):
    client = api.as_user(make.user("agent"))
    client.post("customers", BODY, idempotency_key="key-2")
    reordered = ('{"address": {"country": "NL", "city": "Eindhoven", "postal_code": "5611 EB", '
                 '"street": "Markt 1"},  "name": "Bakker"}')
    second = client.post("customers", data=reordered, content_type="application/json", idempotency_key="key-2")
    assert second.status_code == 201 and second.headers["Idempotent-Replayed"] == "true"
    assert count(Customer) == 1


def test_same_key_other_body_is_422_and_changes_nothing(api, make):
    client = api.as_user(make.user("agent"))
    client.post("customers", BODY, idempotency_key="key-3")
    other = client.post("customers", {**BODY, "name": "Smit"}, idempotency_key="key-3")
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json["errors"]
    assert count(Customer) == 1


def test_keys_are_per_user(api, make):
    first = api.as_user(make.user("agent")).post("customers", BODY, idempotency_key="shared")
    second = api.as_user(make.user("agent")).post("customers", BODY, idempotency_key="shared")
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second.headers
    assert count(Customer) == 2


def test_refused_request_is_not_stored_and_can_be_retried(api, make):
    client = api.as_user(make.user("agent"))
    bad = client.post("customers", {"name": "No address"}, idempotency_key="key-4")
    assert bad.status_code == 422
    assert count(IdempotencyRecord) == 0
    good = client.post("customers", {**BODY}, idempotency_key="key-4")
    assert good.status_code == 201 and "Idempotent-Replayed" not in good.headers


def fingerprint_of(app, body: dict) -> str:
    """The fingerprint the server keeps for a POST of ``body`` to /customers."""
    with app.test_request_context("/api/v1/customers", method="POST", json=body):
        return request_fingerprint()


def running_record(user, key: str, request_hash: str, **columns) -> None:
    """The record a twin request leaves while it still runs: claimed, no response stored yet."""
    db.session.add(IdempotencyRecord(user_id=user.id, key=key, request_hash=request_hash,
                                     path="/api/v1/customers", expires_at=utcnow() + timedelta(days=30), **columns))
    db.session.commit()


def test_running_twin_is_409(api, make):
    user = make.user("agent")
    client = api.as_user(user)
    running_record(user, "busy", "x" * 64)
    response = client.post("customers", BODY, idempotency_key="busy")
    assert response.status_code in (409, 422)  # 422 when the stored hash differs, as here


def test_running_twin_with_same_body_is_409(api, make, app):
    user = make.user("agent")
    client = api.as_user(user)
    running_record(user, "busy2", fingerprint_of(app, BODY))
    response = client.post("customers", BODY, idempotency_key="busy2")
    assert response.status_code == 409 and response.headers["Retry-After"]
    assert count(Customer) == 0


def test_abandoned_running_key_is_taken_over(api, make, app):
    user = make.user("agent")
    client = api.as_user(user)
    running_record(user, "stale", fingerprint_of(app, BODY), created_at=utcnow() - timedelta(minutes=10))
    assert client.post("customers", BODY, idempotency_key="stale").status_code == 201


def test_invalid_key_header_is_422(api, make):
    client = api.as_user(make.user("agent"))
    response = client.post("customers", BODY, idempotency_key="x" * 201)
    assert response.status_code == 422 and "Idempotency-Key" in response.json["errors"]
    assert count(Customer) == 0


def test_keys_are_kept_thirty_days_at_least_then_purged(api, make):
    client = api.as_user(make.user("agent"))
    client.post("customers", BODY, idempotency_key="old")
    record = db.session.scalar(select(IdempotencyRecord))
    assert record.expires_at - record.created_at >= timedelta(days=30)
    assert purge_expired() == 0
    record.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert purge_expired() == 1


def test_answers_carrying_a_secret_are_never_stored_nor_cached(app, api, make):
    """Token, webhook endpoint and secret, calendar links: marked not_replayable, so no key row holds the secret."""
    marked = {name for name, view in app.view_functions.items() if getattr(view, "not_replayable", False)}
    assert marked == {"api_auth.create_token", "api_webhooks.create_endpoint", "api_webhooks.renew_secret",
                      "api_calendar_feed.create_link", "api_calendar_feed.create_my_link"}
    admin = api.as_user(make.user("admin"))
    created = admin.post("webhooks", {"url": "https://erp.example.com/hooks", "events": ["job.closed"]},
                         idempotency_key="secret-1")
    renewed = admin.post(f"webhooks/{created.json['id']}/secret", idempotency_key="secret-2")
    token = admin.post("auth/token", {"email": make.user("agent").email, "password": PASSWORD},
                       idempotency_key="secret-3")
    assert (created.status_code, renewed.status_code) == (201, 200) and token.status_code == 201
    assert count(IdempotencyRecord) == 0
    assert {answer.headers.get("Cache-Control") for answer in (created, renewed, token)} == {"no-store"}
    assert "no-store" not in admin.get("webhooks").headers.get("Cache-Control", "")  # only secrets
