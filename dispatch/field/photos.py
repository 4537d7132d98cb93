"""Site photos: accepting an upload, cleaning it in the background, and serving only the cleaned copy.

The original is kept as received (it may carry GPS and other EXIF data) and is never served; the
cleaned copy and its thumbnail are upright JPEGs without metadata (see ``images.render``).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dispatch import audit, tasks
from dispatch.auth.models import User
from dispatch.dbtypes import utcnow
from dispatch.enums import PhotoStatus, Role
from dispatch.errors import Conflict, Invalid, NotFound, TooLarge, get_or_not_found
from dispatch.extensions import db
from dispatch.field import images
from dispatch.field.models import Photo
from dispatch.field.services import CLOCK_SLACK, ensure_workable
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job
from dispatch.storage import storage

log = logging.getLogger(__name__)

PROCESS_TASK = "field.process_photo"


def read_upload(stream: BinaryIO) -> bytes:
    """The uploaded bytes, reading no more than one byte past the limit (413 beyond it)."""
    data = stream.read(images.MAX_PHOTO_BYTES + 1)
    if len(data) > images.MAX_PHOTO_BYTES:
        raise TooLarge(_("A photo may be at most %(mb)s MB.", mb=images.MAX_PHOTO_BYTES // (1024 * 1024)))
    return data


def add_photo(job: Job, technician_id: int, data: bytes, caption: str | None = None,
              taken_at: datetime | None = None) -> Photo:
    """Store a verified upload as a pending photo of ``job`` and queue its cleaning."""
    ensure_workable(job)
    if taken_at is not None and taken_at > utcnow() + CLOCK_SLACK:
        raise Invalid(_("The time lies in the future."), errors={"taken_at": [_("Lies in the future.")]})
    checked = images.check_upload(data)
    photo = Photo(
        job_id=job.id, technician_id=technician_id, caption=(caption or "").strip() or None,
        status=PhotoStatus.PENDING, content_type=checked.content_type, width=checked.width,
        height=checked.height, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        taken_at=taken_at.astimezone(UTC) if taken_at else None,
        original_key=storage().put(data, prefix="photos/original", suffix=checked.suffix),
    )
    db.session.add(photo)
    db.session.flush()
    audit.record("job.photo_added", job, technician_id, photo_id=photo.id, size=photo.size,
                 content_type=photo.content_type)
    tasks.enqueue(PROCESS_TASK, dedupe_key=f"process-photo:{photo.id}", photo_id=photo.id)
    return photo


def process(photo_id: int) -> None:
    """Make the cleaned copy and thumbnail of a pending photo; a photo that cannot be read is rejected."""
    photo = db.session.scalar(select(Photo).where(Photo.id == photo_id).with_for_update())
    if photo is None or photo.status != PhotoStatus.PENDING:
        return  # done before (a retried or duplicated task), or gone
    try:
        rendered = images.render(storage().read(photo.original_key))
    except images.ImageRejected as error:
        log.warning("photo %s rejected: %s", photo_id, error)
        photo.status = PhotoStatus.REJECTED
        return
    photo.processed_key = storage().put(rendered.jpeg, prefix="photos/processed", suffix=".jpg")
    photo.thumbnail_key = storage().put(rendered.thumbnail, prefix="photos/thumbnails", suffix=".jpg")
    photo.width, photo.height = rendered.width, rendered.height
    photo.status = PhotoStatus.PROCESSED


def photo_for(user: User, photo_id: int) -> Photo:
    """The photo if ``user`` may see it: staff see all, a technician only those of their own jobs."""
    photo = get_or_not_found(Photo, photo_id, _l("Photo %(id)s does not exist.", id=photo_id))
    if user.role == Role.TECHNICIAN:
        try:
            scheduling.job_for(user, photo.job_id)
        except NotFound:
            raise NotFound(_("Photo %(id)s does not exist.", id=photo_id)) from None
    return photo


def cleaned_file(photo: Photo, thumbnail: bool = False) -> Path:
    """The local file of the cleaned photo (or its thumbnail); 409 while it is not ready."""
    if photo.status == PhotoStatus.PENDING:
        raise Conflict(_("The photo is still being processed; try again in a moment."), code="photo_pending")
    key = photo.thumbnail_key if thumbnail else photo.processed_key
    if photo.status != PhotoStatus.PROCESSED or key is None:
        raise Conflict(_("The photo could not be processed; take it again."), code="photo_rejected")
    return storage().path(key)
