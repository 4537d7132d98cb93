"""Helpers of the field API tests: real images made with Pillow, row counts, job states."""

from __future__ import annotations

import base64
import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw
from sqlalchemy import func, select, text

from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus, PhotoStatus
from dispatch.extensions import db
from dispatch.field.models import Photo
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job

COUNTED_TABLES = (
    "time_entries",
    "part_usages",
    "photos",
    "signatures",
    "audit_events",
    "background_tasks",
    "idempotency_records",
    "jobs",
)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# The states in which a job takes no more hours, parts, photos or notes (one rule for all), reached
# through these statuses, and the refusal's code.
NOT_BEING_WORKED_ON = [
    ((JobStatus.ON_SITE, JobStatus.COMPLETED), "job_finished"),
    ((JobStatus.CANCELLED,), "job_cancelled"),
    ((JobStatus.POSTPONED,), "job_postponed"),
]
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo_row(job_id: int, technician_id: int, status: PhotoStatus, **columns: object) -> Photo:
    """A photo's row with no file behind it, for tests that read rows only (not yet added to the session)."""
    return Photo(job_id=job_id, technician_id=technician_id, status=status, original_key="photos/original/x.jpg",
                 content_type="image/jpeg", width=1, height=1, size=1, sha256="0" * 64, **columns)


def row_counts() -> dict[str, object]:
    """Rows per table of the field capability and its neighbours, plus every job's status."""
    db.session.rollback()
    counts: dict[str, object] = {
        table: db.session.scalar(select(func.count()).select_from(text(table))) for table in COUNTED_TABLES
    }
    counts["job_states"] = [
        tuple(row)
        for row in db.session.execute(
            select(Job.id, Job.status, Job.summary, Job.completed_at).order_by(Job.id)
        )
    ]
    return counts


def photo_jpeg(
    size: tuple[int, int] = (400, 300),
    *,
    orientation: int | None = None,
    gps: bool = False,
    quality: int = 90,
    **save: object,
) -> bytes:
    """A JPEG whose left half is red and right half blue (so rotation is visible), with optional EXIF."""
    image = Image.new("RGB", size, (0, 0, 255))
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2 - 1, size[1] - 1), fill=(255, 0, 0))
    exif = Image.Exif()
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        exif[0x010F] = "PhoneMaker"
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 22.0, 12.5), 3: "E", 4: (4.0, 53.0, 41.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes() if len(exif) or gps else b"", **save)
    return out.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (300, 200), mode: str = "RGB", **save: object) -> bytes:
    image = Image.new(mode, size, "teal" if mode in ("RGB", "RGBA") else 128)
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def signature_png(
    strokes: int = 3,
    size: tuple[int, int] = (600, 200),
    dot: bool = False,
    background: tuple[int, ...] = (0, 0, 0, 0),
) -> bytes:
    """A signature-like PNG: black strokes on a transparent (or given) background; a single dot if asked."""
    image = Image.new("RGBA", size, background)
    draw = ImageDraw.Draw(image)
    if dot:
        draw.ellipse((100, 100, 104, 104), fill=(0, 0, 0, 255))
    for index in range(strokes if not dot else 0):
        y = 50 + index * 40
        draw.line([(40, y), (200, y + 30), (360, y - 20), (540, y + 10)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def stroke_points(length: float = 300.0) -> list[list[dict[str, float]]]:
    """One horizontal stroke of ``length`` canvas pixels."""
    steps = 10
    return [[{"x": 10 + length * i / steps, "y": 50.0, "t": 1000.0 + i * 16} for i in range(steps + 1)]]


def set_status(job: Job, *statuses: JobStatus) -> Job:
    """Walk a job through statuses with the scheduling service, as the office or the phone would."""
    for status in statuses:
        scheduling.change_status(job, status, None)
    db.session.commit()
    return job


def past(minutes: int) -> str:
    """An ISO time ``minutes`` ago."""
    return (utcnow() - timedelta(minutes=minutes)).isoformat()


def slots(count: int, first_day: date | None = None) -> list[datetime]:
    """``count`` one-hour slots inside default working hours (08-17 local, weekdays), from tomorrow on."""
    found: list[datetime] = []
    day = first_day or date.today() + timedelta(days=1)
    while len(found) < count:
        if day.weekday() < 5:
            found += [datetime.combine(day, time(hour), AMSTERDAM).astimezone(UTC) for hour in range(8, 17)]
        day += timedelta(days=1)
    return found[:count]
