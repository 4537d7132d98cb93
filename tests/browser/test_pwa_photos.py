"""Photos as phones take them: EXIF-rotated, made small on the phone the right way up."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.field.models import Photo
from dispatch.storage import storage
from tests.pwa.browser_support import PageErrors, open_job, sign_in, wait_until_synced

pytestmark = pytest.mark.browser

ORIENTATION = 0x0112


def test_portrait_photo_with_exif_rotation_is_downscaled_upright(page, live_server, make, tmp_path):
    errors = PageErrors(page)
    technician = make.user("technician")
    job = make.scheduled_job(technician, make.ticket(asset=make.asset()))
    # Stored landscape, 4000 x 3000, left half red and right half blue; EXIF 6 says "turn 90° clockwise
    # to show", as a phone held upright writes it: shown, it is 3000 x 4000 with red on top.
    stored = Image.new("RGB", (4000, 3000), "blue")
    stored.paste((255, 0, 0), (0, 0, 2000, 3000))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    path = tmp_path / "upright.jpg"
    stored.save(path, "JPEG", quality=90, exif=exif)

    sign_in(page, live_server, technician.email)
    open_job(page, job)
    page.locator("#photo-input").set_input_files(str(path))
    expect(page.locator("#photo-list li .chip")).to_have_text("Sent", timeout=30_000)
    wait_until_synced(page)

    db.session.rollback()
    photo = db.session.scalar(select(Photo).where(Photo.job_id == job.id))
    with Image.open(BytesIO(storage().read(photo.original_key))) as sent:
        assert sent.size == (1536, 2048)
        assert sent.getexif().get(ORIENTATION) in (None, 1)  # pixels already upright, no metadata kept
        top, bottom = sent.convert("RGB").getpixel((768, 200)), sent.convert("RGB").getpixel((768, 1850))
    assert top[0] > 200 and top[2] < 60  # red on top
    assert bottom[2] > 200 and bottom[0] < 60  # blue below
    errors.assert_none()
