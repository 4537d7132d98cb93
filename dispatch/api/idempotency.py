"""Idempotency-Key handling for every POST under /api/v1 (DESIGN.md section 4).

The first request with a key records it as running (committed at once, so a concurrent twin sees
it); its response is stored in the same transaction as the business change it made. A repeat with
the same key and body gets the stored response back; another body is 422; a twin still running 409.
Only successful responses are stored: a refused request changed nothing and may be sent again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from flask import Response, current_app, g, request
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.api.problems import problem
from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.extensions import db

KEEP_FOR = timedelta(days=45)  # technicians can be offline for days; DESIGN asks for 30 at least
RUNNING_TIMEOUT = timedelta(minutes=5)
MAX_KEY_LENGTH = 200


View = TypeVar("View", bound=Callable)


def not_replayable(view: View) -> View:
    """Mark an API view whose answer carries a secret: its POSTs are never stored for replay."""
    view.not_replayable = True
    return view


def replayable() -> bool:
    """Whether the current request's view may have its answer stored (see ``not_replayable``)."""
    view = current_app.view_functions.get(request.endpoint)
    return not getattr(view, "not_replayable", False)


class IdempotencyRecord(db.Model):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    request_hash: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(300))
    response_status: Mapped[int | None]
    response_body: Mapped[str | None] = mapped_column(Text)
    response_content_type: Mapped[str | None] = mapped_column(String(100))
    response_location: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


def request_fingerprint() -> str:
    """A hash of what the request asks for: path and body, independent of JSON spacing or multipart boundaries."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    if request.mimetype == "multipart/form-data":
        for name in sorted(request.form):
            digest.update(f"form:{name}={request.form.getlist(name)}\n".encode())
        for name in sorted(request.files):
            for upload in request.files.getlist(name):
                digest.update(f"file:{name}:{upload.filename}:{upload.mimetype}\n".encode())
                digest.update(hashlib.sha256(upload.stream.read()).digest())
                upload.stream.seek(0)
    else:
        body = request.get_data(cache=True)
        try:
            digest.update(json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode())
        except ValueError:
            digest.update(body)
    return digest.hexdigest()


def begin(user_id: int) -> Response | None:
    """Start idempotent handling of the current POST; a response means: answer this, run nothing."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        return problem(422, "Validation failed", "Invalid Idempotency-Key header.",
                       errors={"Idempotency-Key": [f"Must be 1 to {MAX_KEY_LENGTH} characters."]})
    fingerprint = request_fingerprint()
    record = IdempotencyRecord(
        user_id=user_id, key=key, request_hash=fingerprint, path=request.path, expires_at=utcnow() + KEEP_FOR
    )
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _answer_repeat(user_id, key, fingerprint)
    g.idempotency_record_id = record.id
    return None


def _answer_repeat(user_id: int, key: str, fingerprint: str) -> Response | None:
    existing = db.session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
    )
    if existing is None:  # released meanwhile: treat as new
        return begin(user_id)
    if existing.request_hash != fingerprint:
        return problem(422, "Idempotency key reused", "This Idempotency-Key was used for a different request.",
                       errors={"Idempotency-Key": ["Already used with another request body."]})
    if existing.response_status is None:
        if existing.created_at < utcnow() - RUNNING_TIMEOUT:  # its process died before answering
            db.session.delete(existing)
            db.session.commit()
            return begin(user_id)
        return problem(409, "Request in progress", "A request with this Idempotency-Key is still running.",
                       headers={"Retry-After": "2"})
    response = current_app.response_class(
        existing.response_body, status=existing.response_status, mimetype=existing.response_content_type
    )
    if existing.response_location:
        response.headers["Location"] = existing.response_location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def store(response: Response) -> None:
    """Keep the successful response of the current request with its key (in the business transaction)."""
    record_id = g.pop("idempotency_record_id", None)
    if record_id is None:
        return
    record = db.session.get(IdempotencyRecord, record_id)
    if record is None:
        return
    record.response_status = response.status_code
    record.response_body = response.get_data(as_text=True)
    record.response_content_type = response.mimetype
    record.response_location = response.headers.get("Location")


def release() -> None:
    """Forget the key of a request that failed, so that it can be sent again."""
    record_id = g.pop("idempotency_record_id", None)
    if record_id is not None:
        db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))
        db.session.commit()


def purge_expired() -> int:
    """Delete keys past their keeping time; returns how many."""
    result = db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < utcnow()))
    db.session.commit()
    return result.rowcount
