"""POST /jobs/{id}/photos and GET /photos/{id}: verified uploads, served only as cleaned copies."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from dispatch.enums import PhotoStatus
from dispatch.extensions import db
from dispatch.field.models import Photo
from tests.field.support import NOT_BEING_WORKED_ON, image_bytes, photo_jpeg, photo_row, row_counts, set_status
from tests.support.tasks import wait_for_tasks
from tests.support.uploads import multipart

MB = 1024 * 1024


def upload(client, job_id: int, data: bytes, filename: str = "photo.jpg", **form):
    return client.post(f"jobs/{job_id}/photos", **multipart({"file": (data, filename), **form}))


def stored_files(app) -> int:
    return sum(1 for path in Path(app.config["STORAGE_DIR"]).rglob("*") if path.is_file())


@pytest.fixture
def unchanged(app):
    """Assert that the test's refused request left rows and stored files as they were."""
    state = {}

    def check():
        assert row_counts() == state["rows"]
        assert stored_files(app) == state["files"]

    state["rows"], state["files"] = row_counts(), stored_files(app)
    return check


def test_upload_returns_the_photo_and_cleans_it(tapi, job, tech):
    r = upload(
        tapi, job.id, photo_jpeg((640, 480)), caption=" Meter box ", taken_at="2026-11-20T10:00:00+01:00"
    )
    assert r.status_code == 201, r.json
    body = r.json
    assert body == {
        "id": body["id"],
        "job_id": job.id,
        "status": body["status"],
        "width": 640,
        "height": 480,
        "caption": "Meter box",
        "taken_at": "2026-11-20T09:00:00+00:00",
        "url": f"/api/v1/photos/{body['id']}",
        "thumbnail_url": f"/api/v1/photos/{body['id']}/thumbnail",
    }
    wait_for_tasks()
    db.session.rollback()
    photo = db.session.get(Photo, body["id"])
    assert photo.status == PhotoStatus.PROCESSED and photo.technician_id == tech.id
    assert photo.original_key.startswith("photos/original/") and photo.content_type == "image/jpeg"
    r = tapi.get(body["url"])
    assert r.status_code == 200 and r.mimetype == "image/jpeg"
    assert "private" in r.headers["Cache-Control"] and "public" not in r.headers["Cache-Control"]
    assert Image.open(io.BytesIO(r.data)).size == (640, 480)
    r = tapi.get(body["thumbnail_url"])
    assert r.status_code == 200
    assert Image.open(io.BytesIO(r.data)).size == (320, 240)


@pytest.mark.parametrize(("fmt", "content_type"), [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp_are_accepted(tapi, job, fmt, content_type):
    r = upload(tapi, job.id, image_bytes(fmt, (300, 200)), f"x.{fmt.lower()}")
    assert r.status_code == 201, r.json
    assert db.session.get(Photo, r.json["id"]).content_type == content_type


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"Dear customer, this is not a picture.\n" * 20, "note.jpg"),
        (image_bytes("GIF"), "anim.gif"),
        (image_bytes("BMP"), "old.bmp"),
        (image_bytes("TIFF"), "scan.tiff"),
        (b"%PDF-1.7\n" + b"0" * 500, "receipt.jpg"),
    ],
)
def test_anything_but_jpeg_png_webp_is_415(tapi, job, unchanged, data, filename):
    r = upload(tapi, job.id, data, filename)
    assert r.status_code == 415, r.json
    assert r.mimetype == "application/problem+json"
    unchanged()


def _truncated_jpeg() -> bytes:
    data = photo_jpeg((800, 600))
    return data[: len(data) * 2 // 3]


def _png_with_bad_crc() -> bytes:
    data = bytearray(image_bytes("PNG", (200, 200)))
    data[-20] ^= 0xFF  # inside the image data chunk
    return bytes(data)


def _bomb(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG")  # a few kB that would inflate to gigabytes
    return out.getvalue()


@pytest.mark.parametrize(
    ("make_data", "message"),
    [
        (_truncated_jpeg, "damaged"),
        (lambda: photo_jpeg((800, 600))[:-40], "damaged"),  # only the end missing
        (lambda: (lambda data: data[: len(data) // 2])(photo_jpeg((800, 600), progressive=True)), "damaged"),
        (_png_with_bad_crc, "damaged"),
        (lambda: image_bytes("WEBP", (800, 600))[:400], "damaged"),
        (lambda: _bomb((8000, 8000)), "60 megapixels"),  # 64 MP: over our limit
        (lambda: _bomb((10000, 10000)), "60 megapixels"),  # 100 MP: Pillow's own bomb warning
        (lambda: _bomb((20000, 10000)), "60 megapixels"),  # 200 MP: Pillow's bomb error
        (lambda: b"", "empty"),
    ],
)
def test_damaged_or_hostile_images_are_422(tapi, job, unchanged, make_data, message):
    r = upload(tapi, job.id, make_data())
    assert r.status_code == 422, r.json
    assert r.mimetype == "application/problem+json"
    assert message in " ".join(r.json["errors"]["file"])
    unchanged()


def test_over_20_mb_is_413(tapi, job, unchanged):
    data = photo_jpeg((64, 64))
    r = upload(tapi, job.id, data + b"\0" * (21 * MB))
    assert r.status_code == 413
    assert r.mimetype == "application/problem+json"
    assert "20 MB" in r.json["detail"]
    unchanged()


def test_a_30_mb_body_is_413_problem_json(tapi, job, unchanged):
    r = upload(tapi, job.id, b"\xff\xd8" + b"\0" * (30 * MB))
    assert r.status_code == 413
    assert r.mimetype == "application/problem+json"
    assert r.json["status"] == 413
    unchanged()


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"caption": "no file"}, "file"),
        ({"caption": "x" * 501, "file": (photo_jpeg(), "a.jpg")}, "caption"),
        ({"taken_at": "2026-11-20 10:00", "file": (photo_jpeg(), "a.jpg")}, "taken_at"),
        ({"taken_at": "2099-01-01T00:00:00+00:00", "file": (photo_jpeg(), "a.jpg")}, "taken_at"),
        ({"file": "not a file"}, "file"),
        ({"file": (photo_jpeg(), "a.jpg"), "colour": "red"}, "colour"),
    ],
)
def test_bad_form_fields_are_422(tapi, job, unchanged, form, field):
    r = tapi.post(f"jobs/{job.id}/photos", **multipart(form))
    assert r.status_code == 422, r.json
    assert field in r.json["errors"], r.json
    unchanged()


def test_json_instead_of_a_file_is_422(tapi, job, unchanged):
    r = tapi.post(f"jobs/{job.id}/photos", {"file": "aGVsbG8="})
    assert r.status_code == 422
    assert "file" in r.json["errors"]
    unchanged()


@pytest.mark.parametrize(("statuses", "code"), NOT_BEING_WORKED_ON)
def test_same_state_rule_as_time_entries(app, tapi, job, statuses, code):
    set_status(job, *statuses)
    rows, files = row_counts(), stored_files(app)
    r = upload(tapi, job.id, photo_jpeg())
    assert r.status_code == 409
    assert r.json["code"] == code
    assert (row_counts(), stored_files(app)) == (rows, files)


# ---- serving ---------------------------------------------------------------------------------------


@pytest.fixture
def photo_id(tapi, job):
    r = upload(tapi, job.id, photo_jpeg((300, 200)))
    assert r.status_code == 201
    wait_for_tasks()
    return r.json["id"]


@pytest.mark.parametrize("role", ["agent", "admin", "billing"])
def test_staff_see_photos(api, make, photo_id, role):
    client = api.as_user(make.user(role))
    assert client.get(f"photos/{photo_id}").status_code == 200
    assert client.get(f"photos/{photo_id}/thumbnail").status_code == 200


def test_other_technicians_and_strangers_do_not(api, make, photo_id):
    other = api.as_user(make.user("technician"))
    for path in (f"photos/{photo_id}", f"photos/{photo_id}/thumbnail", "photos/999999"):
        r = other.get(path)
        assert r.status_code == 404
        assert r.mimetype == "application/problem+json"
    assert api.get(f"photos/{photo_id}").status_code == 401


@pytest.mark.parametrize(
    ("status", "code"), [(PhotoStatus.PENDING, "photo_pending"), (PhotoStatus.REJECTED, "photo_rejected")]
)
def test_a_photo_not_cleaned_is_never_served(tapi, job, tech, status, code):
    photo = photo_row(job.id, tech.id, status)
    db.session.add(photo)
    db.session.commit()
    for path in (f"photos/{photo.id}", f"photos/{photo.id}/thumbnail"):
        r = tapi.get(path)
        assert r.status_code == 409
        assert r.json["code"] == code
