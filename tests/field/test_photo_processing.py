"""The background cleaning of photos: upright, RGB, no metadata, bounded size, thumbnail; measured."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import pytest
from PIL import Image, ImageCms, ImageDraw

from dispatch.enums import PhotoStatus
from dispatch.extensions import db
from dispatch.field import photos
from dispatch.field.models import Photo
from dispatch.storage import storage
from tests.field.support import GPS_IFD, image_bytes, photo_jpeg
from tests.support.tasks import wait_for_tasks
from tests.support.uploads import multipart


def cleaned(client, job_id: int, data: bytes, filename: str = "photo.jpg") -> tuple[dict, Photo, Image.Image]:
    """Upload, let the task run, and return the answer, the row and the cleaned image (opened)."""
    r = client.post(f"jobs/{job_id}/photos", **multipart({"file": (data, filename)}))
    assert r.status_code == 201, r.json
    wait_for_tasks()
    db.session.rollback()
    photo = db.session.get(Photo, r.json["id"])
    assert photo.status == PhotoStatus.PROCESSED
    served = client.get(r.json["url"])
    assert served.status_code == 200
    assert served.data == storage().read(photo.processed_key)
    return r.json, photo, Image.open(io.BytesIO(served.data))


def colour_at(image: Image.Image, xy: tuple[int, int]) -> str:
    r, g, b = image.convert("RGB").getpixel(xy)
    return "red" if r > 200 and b < 60 else "blue" if b > 200 and r < 60 else f"other {r, g, b}"


def test_exif_rotation_is_applied_and_gps_is_gone(tapi, job):
    original = photo_jpeg((400, 300), orientation=6, gps=True)
    # The test input really carries what must disappear.
    with Image.open(io.BytesIO(original)) as source:
        assert source.getexif().get_ifd(GPS_IFD)[1] == "N" and source.getexif()[0x0112] == 6
    answer, photo, image = cleaned(tapi, job.id, original)

    assert image.size == (300, 400) == (answer["width"], answer["height"]) == (photo.width, photo.height)
    # Stored with its left half red: rotated 90 degrees clockwise, red is on top.
    assert colour_at(image, (150, 50)) == "red" and colour_at(image, (150, 350)) == "blue"
    processed = storage().read(photo.processed_key)
    assert len(image.getexif()) == 0 and "exif" not in image.info
    assert b"Exif" not in processed and b"\xff\xe1" not in processed  # no APP1 segment at all
    assert b"PhoneMaker" not in processed
    thumbnail = Image.open(io.BytesIO(storage().read(photo.thumbnail_key)))
    assert thumbnail.size == (240, 320) and len(thumbnail.getexif()) == 0
    assert colour_at(thumbnail, (120, 40)) == "red"
    # The original is kept as evidence, exactly as received, and never served.
    assert storage().read(photo.original_key) == original


def test_big_jpeg_is_bounded_progressive_and_reported_at_its_final_size(tapi, job):
    answer, photo, image = cleaned(tapi, job.id, photo_jpeg((4000, 3000)))
    # Decoded at half scale (draft): 2000x1500 fills 98% of the 2048 bound.
    assert image.size == (2000, 1500) == (answer["width"], answer["height"])
    assert image.format == "JPEG" and image.mode == "RGB"
    assert image.info.get("progressive") or image.info.get("progression")
    thumbnail = Image.open(io.BytesIO(storage().read(photo.thumbnail_key)))
    assert thumbnail.size == (320, 240)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((6000, 4000), (2048, 1365)),  # draft to 3000x2000, then resized
        ((3000, 2250), (2048, 1536)),  # half scale would be too small: decoded whole
        ((1200, 900), (1200, 900)),  # never enlarged
    ],
)
def test_jpeg_sizes(tapi, job, size, expected):
    answer, _photo, image = cleaned(tapi, job.id, photo_jpeg(size, quality=70))
    assert image.size == expected == (answer["width"], answer["height"])


def test_png_with_transparency_is_laid_on_white(tapi, job):
    picture = Image.new("RGBA", (5000, 2000), (0, 0, 0, 0))
    ImageDraw.Draw(picture).rectangle((0, 0, 2499, 1999), fill=(255, 0, 0, 255))
    out = io.BytesIO()
    picture.save(out, "PNG")
    answer, _photo, image = cleaned(tapi, job.id, out.getvalue(), "plan.png")
    assert image.size == (2048, 819) == (answer["width"], answer["height"])
    assert colour_at(image, (100, 400)) == "red"
    assert image.getpixel((2000, 400)) == (255, 255, 255)


def test_cmyk_jpeg_becomes_rgb_and_drops_its_cmyk_profile(tapi, job):
    _answer, _photo, image = cleaned(tapi, job.id, image_bytes("JPEG", (300, 200), mode="CMYK"))
    assert image.mode == "RGB" and "icc_profile" not in image.info


def test_srgb_profile_is_kept_as_colour_data(tapi, job):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    _answer, _photo, image = cleaned(tapi, job.id, photo_jpeg((400, 300), icc_profile=srgb))
    assert image.info["icc_profile"] == srgb


def test_comments_and_xmp_are_dropped(tapi, job):
    data = photo_jpeg(
        (400, 300), comment=b"Jansen, Dorpsstraat 5", xmp=b"<x:xmpmeta>GPS 52.1 5.1</x:xmpmeta>"
    )
    _answer, photo, image = cleaned(tapi, job.id, data)
    processed = storage().read(photo.processed_key)
    assert b"Jansen" not in processed and b"xmpmeta" not in processed
    assert "comment" not in image.info and "xmp" not in image.info


def test_sixteen_bit_grey_png_keeps_its_tones(tapi, job):
    ramp = Image.linear_gradient("L").resize((256, 256)).convert("I").point(lambda value: value * 257)
    grey = ramp.convert("I;16")
    out = io.BytesIO()
    grey.save(out, "PNG")
    _answer, _photo, image = cleaned(tapi, job.id, out.getvalue(), "scan.png")
    top, bottom = image.getpixel((128, 2)), image.getpixel((128, 253))
    assert top[0] < 20 and bottom[0] > 235  # scaled, not clipped to white


def test_mpo_from_a_phone_camera_is_a_jpeg(tapi, job):
    first, second = Image.new("RGB", (400, 300), "red"), Image.new("RGB", (400, 300), "blue")
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second])
    answer, photo, image = cleaned(tapi, job.id, out.getvalue())
    assert photo.content_type == "image/jpeg" and image.size == (400, 300)
    assert colour_at(image, (10, 10)) == "red"


def test_processing_is_idempotent(tapi, job):
    _answer, photo, _image = cleaned(tapi, job.id, photo_jpeg())
    keys = (photo.processed_key, photo.thumbnail_key)
    photos.process(photo.id)
    photos.process(999999)  # gone: nothing to do
    db.session.commit()
    assert (db.session.get(Photo, photo.id).processed_key, photo.thumbnail_key) == keys


def test_an_original_that_cannot_be_read_is_rejected_not_retried(tapi, job):
    r = tapi.post(f"jobs/{job.id}/photos", **multipart({"file": (photo_jpeg(), "a.jpg")}))
    wait_for_tasks()
    db.session.rollback()
    photo = db.session.get(Photo, r.json["id"])
    photo.status = PhotoStatus.PENDING  # as if the task had not run yet, over a damaged stored file
    storage().path(photo.original_key).write_bytes(b"\xff\xd8 broken")
    db.session.commit()
    photos.process(photo.id)
    db.session.commit()
    assert db.session.get(Photo, photo.id).status == PhotoStatus.REJECTED
    r = tapi.get(f"photos/{photo.id}")
    assert r.status_code == 409 and r.json["code"] == "photo_rejected"


MEASURE = textwrap.dedent("""
    import io, sys, time
    from PIL import Image
    from dispatch.field import images

    def kilobytes(name):
        for line in open("/proc/self/status"):
            if line.startswith(name):
                return int(line.split()[1])

    data = open(sys.argv[1], "rb").read()
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # resets the peak (VmHWM) to the current resident size
    before = kilobytes("VmRSS:")
    started = time.perf_counter()
    if sys.argv[2] == "decode":
        Image.open(io.BytesIO(data)).load()
    else:
        images.render(data)
    print(time.perf_counter() - started, kilobytes("VmHWM:") - before)
""")


def test_a_12_megapixel_photo_is_cleaned_in_less_memory_than_decoding_it(tmp_path):
    """Peak resident memory, each in a fresh process (Pillow's pixel buffers are invisible to tracemalloc)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pytest.skip("needs Linux's /proc/self/clear_refs to reset the peak memory")
    noise = Image.effect_noise((4000, 3000), 60)
    Image.merge("RGB", (noise, noise.transpose(Image.Transpose.ROTATE_180), noise)).save(
        tmp_path / "12mp.jpg", quality=90
    )
    figures = {}
    for mode in ("decode", "render"):
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, str(tmp_path / "12mp.jpg"), mode],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        figures[mode] = (float(out[0]), int(out[1]))  # seconds, kB of peak growth
    assert figures["decode"][1] > 35_000  # 36 MB of pixels: the measurement sees them
    assert figures["render"][1] < 0.6 * figures["decode"][1], figures
