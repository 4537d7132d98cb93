"""Who may call the field endpoints: technicians on their own jobs; nobody else; nothing changes otherwise."""

from __future__ import annotations

import pytest

from dispatch.dbtypes import utcnow
from dispatch.field import api as field_api
from tests.field.support import data_url, photo_jpeg, row_counts, signature_png
from tests.support.uploads import multipart

# Technician-only POSTs with a body that would succeed for the right technician at the right moment.
ENDPOINTS = {
    "status": lambda: {"json": {"status": "en_route"}},
    "time-entries": lambda: {
        "json": {
            "kind": "work",
            "started_at": utcnow().replace(hour=0).isoformat(),
            "ended_at": utcnow().isoformat(),
        }
    },
    "parts": lambda: {"json": {"sku": "SKU-AUTH", "quantity": 1}},
    "photos": lambda: multipart({"file": (photo_jpeg(), "a.jpg")}),
    "signature": lambda: {"json": {"signer_name": "A", "image": data_url(signature_png())}},
    "complete": lambda: {"json": {"summary": "Done"}},
}


def post(client, job_id: int, endpoint: str):
    return client.post(f"jobs/{job_id}/{endpoint}", **ENDPOINTS[endpoint]())


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_is_401(api, job, endpoint):
    before = row_counts()
    r = post(api, job.id, endpoint)
    assert r.status_code == 401
    assert r.mimetype == "application/problem+json"
    assert row_counts() == before


@pytest.mark.parametrize("role", ["agent", "billing", "admin"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_staff_are_403(api, make, job, role, endpoint):
    client = api.as_user(make.user(role))
    before = row_counts()
    r = post(client, job.id, endpoint)
    assert r.status_code == 403
    assert r.mimetype == "application/problem+json"
    assert row_counts() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_another_technicians_job_is_404(api, make, job, endpoint):
    make.product(sku="SKU-AUTH")
    client = api.as_user(make.user("technician"))
    before = row_counts()
    r = post(client, job.id, endpoint)
    assert r.status_code == 404, r.json
    assert r.mimetype == "application/problem+json"
    assert str(job.number) not in r.json.get("detail", "")
    assert row_counts() == before


def test_every_field_endpoint_declares_its_roles(app):
    """No field endpoint is reachable without a role check (the decorator marks what it guards)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api_field."):
            view = app.view_functions[rule.endpoint]
            roles = getattr(view, "required_roles", None)
            while roles is None and hasattr(view, "__wrapped__"):
                view = view.__wrapped__
                roles = getattr(view, "required_roles", None)
            assert roles, rule.endpoint
    assert field_api.PHOTO_VIEWERS
