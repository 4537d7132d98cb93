"""POST /jobs/{id}/signature: the customer's signature, once, on site, over a hashed receipt content."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.field import services
from dispatch.field.models import Signature
from dispatch.storage import storage
from tests.field.support import (
    data_url,
    image_bytes,
    photo_jpeg,
    row_counts,
    set_status,
    signature_png,
    stroke_points,
)
from tests.support.uploads import multipart


def signature_body(**overrides):
    return {
        "signer_name": "Anna de Vries",
        "image": data_url(signature_png()),
        "strokes": stroke_points(),
    } | overrides


def test_signature_is_stored_with_the_hash_of_what_was_signed(tapi, on_site_job, make):
    job = on_site_job
    now = utcnow()
    tapi.post(
        f"jobs/{job.id}/time-entries",
        {"kind": "work", "started_at": (now - timedelta(hours=1)).isoformat(), "ended_at": now.isoformat()},
    )
    make.product(sku="GASKET", name="Gasket")
    tapi.post(f"jobs/{job.id}/parts", {"sku": "GASKET", "quantity": "2"})
    png = signature_png()
    r = tapi.post(
        f"jobs/{job.id}/signature", signature_body(image=data_url(png), signer_name="  Anna de Vries ")
    )
    assert r.status_code == 201, r.json
    body = r.json
    assert set(body) == {"id", "job_id", "signer_name", "signed_at", "signed_content_hash"}
    assert body["signer_name"] == "Anna de Vries"

    signature = db.session.scalar(select(Signature).where(Signature.job_id == job.id))
    assert storage().read(signature.png_key) == png and signature.png_key.startswith("signatures/")
    assert signature.strokes == stroke_points()
    content = services.receipt_content(db.session.get(type(job), job.id))
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert (
        body["signed_content_hash"] == hashlib.sha256(canonical).hexdigest() == signature.signed_content_hash
    )
    assert content["signer_name"] == "Anna de Vries" and content["signed_at"] == body["signed_at"]
    assert content["parts"] == [{"sku": "GASKET", "name": "Gasket", "quantity": "2.000", "unit": "C62"}]
    assert [entry["minutes"] for entry in content["time_entries"]] == [60]
    assert content["total_minutes"] == {"work": 60, "travel": 0}


def test_signed_at_may_be_given_for_offline_signing(tapi, on_site_job):
    moment = (utcnow() - timedelta(hours=2)).replace(microsecond=0)
    r = tapi.post(f"jobs/{on_site_job.id}/signature", signature_body(signed_at=moment.isoformat()))
    assert r.status_code == 201, r.json
    assert r.json["signed_at"] == moment.isoformat()


def test_white_background_signatures_count_their_ink(tapi, on_site_job):
    png = signature_png(background=(255, 255, 255, 255))
    assert (
        tapi.post(f"jobs/{on_site_job.id}/signature", signature_body(image=data_url(png))).status_code == 201
    )


def test_only_once(tapi, on_site_job):
    assert tapi.post(f"jobs/{on_site_job.id}/signature", signature_body()).status_code == 201
    before = row_counts()
    r = tapi.post(f"jobs/{on_site_job.id}/signature", signature_body(signer_name="Someone else"))
    assert r.status_code == 409
    assert r.json["code"] == "already_signed" and "Anna de Vries" in r.json["detail"]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ((), "not_on_site"),
        ((JobStatus.EN_ROUTE,), "not_on_site"),
        ((JobStatus.ON_SITE, JobStatus.COMPLETED), "not_on_site"),
        ((JobStatus.CANCELLED,), "job_cancelled"),
    ],
)
def test_only_on_site(tapi, job, statuses, code):
    set_status(job, *statuses)
    before = row_counts()
    r = tapi.post(f"jobs/{job.id}/signature", signature_body())
    assert r.status_code == 409
    assert r.json["code"] == code
    assert row_counts() == before


def _png(size: tuple[int, int], mode: str = "RGBA") -> bytes:
    return image_bytes("PNG", size, mode=mode)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"image": data_url(signature_png(strokes=0))}, "image", "too short"),  # empty
        ({"image": data_url(signature_png(dot=True))}, "image", "too short"),  # one dot
        ({"strokes": [[{"x": 10, "y": 10, "t": 1}, {"x": 12, "y": 11, "t": 9}]]}, "strokes", "too short"),
        ({"strokes": [[{"x": 10, "y": 10}]] * 30}, "strokes", "too short"),  # thirty taps
        ({"strokes": []}, "strokes", "too short"),
        (
            {"image": "data:image/jpeg;base64," + base64.b64encode(photo_jpeg()).decode()},
            "image",
            "data:image/png",
        ),
        ({"image": "iVBORw0KGgo="}, "image", "data:image/png"),
        ({"image": "data:image/png;base64,***"}, "image", "base64"),
        ({"image": "data:image/png;base64," + base64.b64encode(photo_jpeg()).decode()}, "image", "PNG"),
        (
            {
                "image": "data:image/png;base64,"
                + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 100).decode()
            },
            "image",
            "PNG",
        ),
        ({"image": data_url(_png((4001, 10)))}, "image", "4000"),
        ({"image": data_url(b"\x89PNG" + b"\0" * (1024 * 1024))}, "image", "1 MB"),
        ({"signer_name": ""}, "signer_name", ""),
        ({"signer_name": "   "}, "signer_name", ""),
        ({"signer_name": "x" * 121}, "signer_name", ""),
        ({"strokes": [[{"x": "left", "y": 1}]]}, "strokes.0.0.x", ""),
        ({"strokes": "scribble"}, "strokes", ""),
        ({"signed_at": (utcnow() + timedelta(hours=1)).isoformat()}, "signed_at", "future"),
    ],
)
def test_bad_signatures_are_422(tapi, on_site_job, overrides, field, message):
    before = row_counts()
    r = tapi.post(f"jobs/{on_site_job.id}/signature", signature_body(**overrides))
    assert r.status_code == 422, r.json
    assert field in r.json["errors"], r.json
    assert message in " ".join(r.json["errors"][field])
    assert row_counts() == before


def test_a_png_with_too_little_ink_is_refused_even_without_strokes(tapi, on_site_job):
    body = signature_body(image=data_url(signature_png(dot=True)))
    del body["strokes"]
    assert tapi.post(f"jobs/{on_site_job.id}/signature", body).status_code == 422


def test_the_record_is_frozen_once_signed(tapi, on_site_job, make):
    job = on_site_job
    product = make.product()
    assert tapi.post(f"jobs/{job.id}/signature", signature_body()).status_code == 201
    before = row_counts()
    now = utcnow()
    attempts = [
        tapi.post(
            f"jobs/{job.id}/time-entries",
            {
                "kind": "work",
                "started_at": (now - timedelta(hours=1)).isoformat(),
                "ended_at": now.isoformat(),
            },
        ),
        tapi.post(f"jobs/{job.id}/parts", {"product_id": product.id, "quantity": 1}),
        tapi.post(f"jobs/{job.id}/photos", **multipart({"file": (photo_jpeg(), "late.jpg")})),
    ]
    assert [(r.status_code, r.json["code"]) for r in attempts] == [(409, "job_signed")] * 3
    assert row_counts() == before


def test_signature_image_is_a_real_png_of_the_strokes(tapi, on_site_job):
    r = tapi.post(f"jobs/{on_site_job.id}/signature", signature_body())
    signature = db.session.get(Signature, r.json["id"])
    with Image.open(io.BytesIO(storage().read(signature.png_key))) as image:
        assert image.format == "PNG" and image.size == (600, 200)
