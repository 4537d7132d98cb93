"""The admin's webhook pages: register an endpoint, read the secret once, follow the delivery log."""

from __future__ import annotations

import re

import pytest

from dispatch.enums import Role
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


@pytest.mark.parametrize("role", [Role.AGENT, Role.BILLING, Role.TECHNICIAN])
def test_other_roles_may_not_open_the_webhook_pages(client, auth, make, role):
    make.user(role, email="someone@example.com")
    auth.login("someone@example.com")
    assert client.get("/admin/webhooks").status_code == 403
