"""The technician's whole job through the API, from en route to completion."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dispatch.enums import JobStatus, PhotoStatus
from dispatch.extensions import db
from dispatch.field import services
from dispatch.field.models import Photo, Signature
from dispatch.tasks import BackgroundTask
from tests.field.support import (
    data_url,
    past,
    photo_jpeg,
    row_counts,
    signature_png,
    stroke_points,
)
from tests.support.tasks import wait_for_tasks
from tests.support.uploads import multipart


def test_whole_job_through_the_api(tapi, job, make):
    product = make.product(sku="PUMP-1", name="Circulation pump", unit_price="120.00")

    r = tapi.post(f"jobs/{job.id}/status", {"status": "en_route"})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "en_route"
    r = tapi.post(f"jobs/{job.id}/status", {"status": "on_site"})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "on_site"

    r = tapi.post(
        f"jobs/{job.id}/time-entries", {"kind": "travel", "started_at": past(90), "ended_at": past(60)}
    )
    assert r.status_code == 201, r.json
    assert r.json["minutes"] == 30
    r = tapi.post(
        f"jobs/{job.id}/time-entries",
        {"kind": "work", "started_at": past(60), "ended_at": past(0), "note": "Pump seized"},
    )
    assert r.status_code == 201, r.json

    r = tapi.post(f"jobs/{job.id}/parts", {"sku": "PUMP-1", "quantity": "1"})
    assert r.status_code == 201, r.json
    assert r.json == {
        "id": r.json["id"],
        "job_id": job.id,
        "product_id": product.id,
        "sku": "PUMP-1",
        "name": "Circulation pump",
        "unit": "C62",
        "unit_price": "120.0000",
        "quantity": "1.000",
    }

    r = tapi.post(
        f"jobs/{job.id}/photos", **multipart({"file": (photo_jpeg(), "pump.jpg"), "caption": "Old pump"})
    )
    assert r.status_code == 201, r.json
    photo_id = r.json["id"]
    assert r.json["url"] == f"/api/v1/photos/{photo_id}"
    wait_for_tasks()

    r = tapi.post(
        f"jobs/{job.id}/signature",
        {"signer_name": "Mrs Jansen", "image": data_url(signature_png()), "strokes": stroke_points()},
    )
    assert r.status_code == 201, r.json
    signed_hash = r.json["signed_content_hash"]

    r = tapi.post(f"jobs/{job.id}/complete", {"summary": "Replaced the pump.", "flags": ["damage"]})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "completed"
    # Closure itself (coverage, receipt, invoice) is the closure capability's, tested there.

    db.session.rollback()
    photo = db.session.get(Photo, photo_id)
    assert photo.status == PhotoStatus.PROCESSED
    signature = db.session.scalar(select(Signature).where(Signature.job_id == job.id))
    assert signature.signed_content_hash == signed_hash
    job = db.session.get(type(job), job.id)
    assert job.status in (JobStatus.COMPLETED, JobStatus.CLOSED)
    assert job.technician_flags == ["damage"]
    # What closure renders later hashes to what the customer signed.
    assert services.content_hash(services.receipt_content(job)) == signed_hash
    names = set(db.session.scalars(select(BackgroundTask.name)))
    assert {"field.process_photo", "closure.close_job"} <= names


def test_openapi_documents_the_field_endpoints(client):
    doc = client.get("/api/v1/openapi.json").json
    paths = doc["paths"]
    for path, method in [
        ("/api/v1/me/jobs", "get"),
        ("/api/v1/jobs/{job_id}/status", "post"),
        ("/api/v1/jobs/{job_id}/time-entries", "post"),
        ("/api/v1/jobs/{job_id}/parts", "post"),
        ("/api/v1/jobs/{job_id}/photos", "post"),
        ("/api/v1/photos/{photo_id}", "get"),
        ("/api/v1/photos/{photo_id}/thumbnail", "get"),
        ("/api/v1/jobs/{job_id}/signature", "post"),
        ("/api/v1/jobs/{job_id}/complete", "post"),
    ]:
        assert method in paths[path], path
    upload = paths["/api/v1/jobs/{job_id}/photos"]["post"]["requestBody"]["content"]["multipart/form-data"]
    schema = doc["components"]["schemas"][upload["schema"]["$ref"].rsplit("/", 1)[1]]
    assert schema["properties"]["file"] == schema["properties"]["file"] | {
        "type": "string",
        "format": "binary",
    }
    assert set(schema["properties"]) == {"file", "caption", "taken_at"}
    assert "parameters" not in paths["/api/v1/jobs/{job_id}/photos"]["post"] or all(
        parameter["in"] == "path" for parameter in paths["/api/v1/jobs/{job_id}/photos"]["post"]["parameters"]
    )
    assert {"from", "to"} <= {p["name"] for p in paths["/api/v1/me/jobs"]["get"]["parameters"]}


@pytest.mark.parametrize("endpoint", ["status", "time-entries", "parts", "signature", "complete"])
@pytest.mark.parametrize("body", ['{"status": ', "not json", "[1, 2", '{"a": 1} trailing'])
def test_malformed_json_is_400_everywhere(tapi, on_site_job, endpoint, body):
    before = row_counts()
    r = tapi.post(f"jobs/{on_site_job.id}/{endpoint}", data=body, content_type="application/json")
    assert r.status_code == 400, r.json
    assert r.mimetype == "application/problem+json"
    assert row_counts() == before
