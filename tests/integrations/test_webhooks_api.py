"""/api/v1/webhooks: admins register endpoints (secret shown once), read the log and redeliver."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dispatch.api.idempotency import IdempotencyRecord
from dispatch.enums import DeliveryStatus, Role
from dispatch.extensions import db
from dispatch.integrations.models import WebhookDelivery, WebhookEndpoint
from tests.integrations.helpers import deliveries, emit, endpoint
from tests.integrations.receiver import Receiver, dead_url
from tests.support.queries import count


def test_admin_registers_an_endpoint_and_sees_the_secret_only_in_that_answer(api, make):
    admin = api.as_user(make.user(Role.ADMIN))
    created = admin.post("webhooks", {"url": "https://erp.example.com/hooks", "events": ["invoice.paid", "job.closed"],
                                      "description": "ERP"}, idempotency_key="create-1")
    assert created.status_code == 201, created.json
    body = created.json
    assert body["secret"].startswith("whsec_") and body["events"] == ["job.closed", "invoice.paid"]
    assert body["active"] is True
    # The answer is not kept for replay: the idempotency store never holds the secret.
    assert count(IdempotencyRecord) == 0

    shown = admin.get(f"webhooks/{body['id']}").json
    assert "secret" not in shown and shown["url"] == "https://erp.example.com/hooks"
    assert [item["id"] for item in admin.get("webhooks").json["items"]] == [body["id"]]

    renewed = admin.post(f"webhooks/{body['id']}/secret")
    assert renewed.status_code == 200 and renewed.json["secret"] not in (body["secret"], None)

    changed = admin.patch(f"webhooks/{body['id']}", {"active": False, "events": ["job.closed"]})
    assert changed.status_code == 200 and changed.json["active"] is False and changed.json["events"] == ["job.closed"]


@pytest.mark.parametrize(("payload", "field"), [
    ({"url": "ftp://erp.example.com/x", "events": ["job.closed"]}, "url"),
    ({"url": "https://user:pw@erp.example.com/x", "events": ["job.closed"]}, "url"),
    ({"url": "https://erp.example.com:99999/x", "events": ["job.closed"]}, "url"),
    ({"url": "erp.example.com/hooks", "events": ["job.closed"]}, "url"),
    ({"url": 42, "events": ["job.closed"]}, "url"),
    ({"events": ["job.closed"]}, "url"),
    ({"url": "https://erp.example.com/x", "events": []}, "events"),
    ({"url": "https://erp.example.com/x", "events": ["invoice.deleted"]}, "events"),
    ({"url": "https://erp.example.com/x", "events": "job.closed"}, "events"),
    ({"url": "https://erp.example.com/x"}, "events"),
    ({"url": "https://erp.example.com/x", "events": ["job.closed"], "active": "maybe"}, "active"),
])
def test_bad_endpoints_are_refused_naming_the_field_and_nothing_is_stored(api, make, payload, field):
    admin = api.as_user(make.user(Role.ADMIN))
    response = admin.post("webhooks", payload)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert field in {name.split(".")[0] for name in response.json["errors"]}, response.json  # events.0 too
    assert count(WebhookEndpoint) == 0


def test_a_bad_change_is_refused_and_the_endpoint_unchanged(api, make):
    admin = api.as_user(make.user(Role.ADMIN))
    target, _ = endpoint("https://erp.example.com/hooks")
    response = admin.patch(f"webhooks/{target.id}", {"url": "javascript:alert(1)"})
    assert response.status_code == 422 and "url" in response.json["errors"]
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, target.id).url == "https://erp.example.com/hooks"
    assert admin.get("webhooks/999999").status_code == 404


def test_the_delivery_log_and_redelivery(api, make):
    admin = api.as_user(make.user(Role.ADMIN))
    target, _ = endpoint(dead_url())
    emit()
    log = admin.get(f"webhooks/{target.id}/deliveries")
    [item] = log.json["items"]
    assert item["status"] == "pending" and item["attempts"] == 1 and item["event_type"] == "invoice.approved"
    assert admin.get(f"webhooks/{target.id}/deliveries", query_string={"status": "done"}).json["items"] == []
    assert admin.get(f"webhooks/{target.id}/deliveries", query_string={"status": "lost"}).status_code == 422

    with Receiver() as erp:
        db.session.get(WebhookEndpoint, target.id).url = erp.url
        db.session.commit()
        again = admin.post(f"webhooks/deliveries/{item['id']}/redeliver")
        assert again.status_code == 201, again.json
        from tests.support.tasks import wait_for_tasks

        wait_for_tasks()
        assert len(erp.received) == 1
    first, second = deliveries()
    assert second.redelivery_of_id == first.id and second.status == DeliveryStatus.DONE
    assert admin.post("webhooks/deliveries/999999/redeliver").status_code == 404
    assert count(WebhookDelivery) == 2


def stored() -> tuple[list[tuple], list[int]]:
    """What the webhook API changes: each endpoint's settings and secret salt, and which deliveries exist."""
    db.session.expire_all()
    endpoints = [(item.url, item.description, item.events, item.active, item.secret_salt)
                 for item in db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id))]
    return endpoints, [delivery.id for delivery in deliveries()]


def test_bad_requests_on_an_endpoint_change_nothing(api, make):
    admin = api.as_user(make.user(Role.ADMIN))
    target, _ = endpoint(dead_url(), description="ERP")
    emit()
    [delivery] = deliveries()
    before = stored()
    for change, field in (({"events": []}, "events"), ({"events": ["invoice.deleted"]}, "events"),
                          ({"active": "maybe"}, "active"), ({"url": "x" * 2001}, "url"), ({"colour": "red"}, "colour")):
        response = admin.patch(f"webhooks/{target.id}", change)
        assert response.status_code == 422 and field in {name.split(".")[0] for name in response.json["errors"]}, change
    broken = admin.patch(f"webhooks/{target.id}", data="{", content_type="application/json")
    assert broken.status_code == 400 and broken.mimetype == "application/problem+json"
    missing = admin.patch("webhooks/999999", {"active": False})
    assert missing.status_code == 404
    assert admin.post("webhooks/999999/secret").status_code == 404
    assert admin.get("webhooks/999999/deliveries").status_code == 404
    assert stored() == before

    db.session.get(WebhookEndpoint, target.id).active = False
    db.session.commit()
    before = stored()
    refused = admin.post(f"webhooks/deliveries/{delivery.id}/redeliver")
    assert refused.status_code == 422 and "active" in refused.json["errors"]
    assert stored() == before


@pytest.mark.parametrize(("role", "expected"), [(None, 401), (Role.AGENT, 403), (Role.BILLING, 403),
                                                (Role.TECHNICIAN, 404)])
def test_only_admins_reach_webhooks(api, make, role, expected):
    client = api.as_user(make.user(role)) if role else api
    target, _ = endpoint(dead_url())
    emit()
    [delivery] = deliveries()
    before = stored()
    assert client.get("webhooks").status_code == expected
    assert client.get(f"webhooks/{target.id}").status_code == expected
    assert client.get(f"webhooks/{target.id}/deliveries").status_code == expected
    created = client.post("webhooks", {"url": "https://evil.example.com", "events": ["job.closed"]})
    assert created.status_code == expected
    changed = client.patch(f"webhooks/{target.id}", {"url": "https://evil.example.com"})
    assert changed.status_code == expected
    assert client.post(f"webhooks/{target.id}/secret").status_code == expected
    assert client.post(f"webhooks/deliveries/{delivery.id}/redeliver").status_code == expected
    assert count(WebhookEndpoint) == 1
    assert stored() == before
