"""The admin's webhook pages: register an endpoint, read the secret once, follow the delivery log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from dispatch.enums import Role
from dispatch.extensions import db
from dispatch.integrations.models import WebhookEndpoint
from tests.integrations.helpers import deliveries, emit, endpoint
from tests.integrations.receiver import dead_url
from tests.support.csrf import csrf_token_from


def test_admin_adds_an_endpoint_sees_its_secret_once_and_redelivers(client, auth, make):
    make.user(Role.ADMIN, email="admin@example.com")
    auth.login("admin@example.com")
    page = client.get("/admin/webhooks")
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    token = csrf_token_from(page)

    refused = client.post("/admin/webhooks", data={"csrf_token": token, "url": "ftp://x", "events": ["job.closed"]})
    assert refused.status_code == 422 and "http://" in refused.get_data(as_text=True)

    url = dead_url()
    created = client.post("/admin/webhooks", data={"csrf_token": token, "url": url, "events": ["invoice.paid"],
                                                    "active": "y"})
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    secret = re.search(r"whsec_[A-Za-z0-9+/=]+", created.get_data(as_text=True)).group(0)
    endpoint_id = int(re.search(r"/admin/webhooks/(\d+)/secret", created.get_data(as_text=True)).group(1))

    shown = client.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)
    assert secret not in shown and url in shown

    emit("invoice.paid", {"invoice_id": 3})
    log = client.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "Pending" in log and "refused" in log.lower()
    [delivery] = deliveries()
    redo = client.post(f"/admin/webhooks/deliveries/{delivery.id}/redeliver", data={"csrf_token": token})
    assert redo.status_code == 303
    assert len(deliveries()) == 2


def test_admin_changes_an_endpoint(client, auth, make):
    make.user(Role.ADMIN, email="admin@example.com")
    target, _ = endpoint("https://erp.example.com/hooks")
    auth.login("admin@example.com")
    token = csrf_token_from(client.get(f"/admin/webhooks/{target.id}"))
    saved = client.post(f"/admin/webhooks/{target.id}", data={"csrf_token": token, "url": "https://erp.example.com/v2",
                                                              "events": ["job.closed"]})
    assert saved.status_code == 303
    page = client.get(f"/admin/webhooks/{target.id}").get_data(as_text=True)
    assert "https://erp.example.com/v2" in page and "Inactive" in page


def _stored() -> tuple[list[tuple], list[int]]:
    """What the webhook forms change: each endpoint's settings and secret salt, and which deliveries exist."""
    db.session.expire_all()
    endpoints = [(item.url, item.description, item.events, item.active, item.secret_salt)
                 for item in db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id))]
    return endpoints, [delivery.id for delivery in deliveries()]


def _forms(endpoint_id: int, delivery_id: int) -> list[tuple[str, dict]]:
    """Every form of the webhook pages, filled in as an admin would."""
    change = {"url": "https://evil.example.com/hooks", "events": ["job.closed"], "active": "y"}
    return [("/admin/webhooks", change), (f"/admin/webhooks/{endpoint_id}", change),
            (f"/admin/webhooks/{endpoint_id}/secret", {}),
            (f"/admin/webhooks/deliveries/{delivery_id}/redeliver", {})]


@pytest.mark.parametrize("role", [None, Role.AGENT, Role.BILLING, Role.TECHNICIAN])
def test_other_roles_may_not_open_the_webhook_pages(client, auth, make, role):
    target, _ = endpoint(dead_url())
    emit()
    [delivery] = deliveries()
    before = _stored()
    if role is None:
        expected, token = 302, csrf_token_from(client.get("/login"))
    else:
        make.user(role, email="someone@example.com")
        auth.login("someone@example.com")
        expected, token = 403, csrf_token_from(client.get("/customers"))  # a 403 page carries it too
    assert client.get("/admin/webhooks").status_code == expected
    assert client.get(f"/admin/webhooks/{target.id}").status_code == expected
    for path, data in _forms(target.id, delivery.id):
        assert client.post(path, data={"csrf_token": token, **data}).status_code == expected, path
    assert _stored() == before


def test_bad_forms_are_refused_and_nothing_changes(client, auth, make):
    make.user(Role.ADMIN, email="admin@example.com")
    target, _ = endpoint(dead_url(), description="ERP")
    emit()
    [delivery] = deliveries()
    auth.login("admin@example.com")
    token = csrf_token_from(client.get("/admin/webhooks"))
    before = _stored()

    for path in ("/admin/webhooks", f"/admin/webhooks/{target.id}"):
        for data, message in (({"url": "ftp://erp.example.com", "events": ["job.closed"]}, "http://"),
                              ({"url": "https://erp.example.com/x", "events": []}, "Choose one or more"),
                              ({"url": "https://erp.example.com/x", "events": ["invoice.x"]}, "not a valid choice"),
                              ({"url": "https://erp.example.com/x" + "x" * 2000, "events": ["job.closed"]}, "2000")):
            refused = client.post(path, data={"csrf_token": token, **data})
            assert refused.status_code == 422 and message in refused.get_data(as_text=True), (path, data)
        assert client.post(path, data={"url": "https://erp.example.com/x", "events": ["job.closed"]}).status_code == 400
    for path, data in _forms(999999, 999999)[1:]:
        assert client.post(path, data={"csrf_token": token, **data}).status_code == 404, path
    assert client.get("/admin/webhooks/999999").status_code == 404
    assert _stored() == before

    db.session.get(WebhookEndpoint, target.id).active = False
    db.session.commit()
    before = _stored()
    refused = client.post(f"/admin/webhooks/deliveries/{delivery.id}/redeliver", data={"csrf_token": token})
    assert refused.status_code == 409 and "activate it first" in refused.get_data(as_text=True)
    assert _stored() == before


def test_the_delivery_log_filters_by_status(client, auth, make):
    make.user(Role.ADMIN, email="admin@example.com")
    target, _ = endpoint(dead_url())
    emit()
    auth.login("admin@example.com")
    pending = client.get(f"/admin/webhooks/{target.id}?status=pending").get_data(as_text=True)
    assert "No deliveries." not in pending and "Running" not in pending  # a delivery is never running
    assert "No deliveries." in client.get(f"/admin/webhooks/{target.id}?status=done").get_data(as_text=True)
    assert "No deliveries." not in client.get(f"/admin/webhooks/{target.id}?status=lost").get_data(as_text=True)
