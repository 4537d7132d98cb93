"""The technician's work on a job: status, hours, parts, signature and completion, and what they read.

Work (hours, parts, photos) is recorded while a job is scheduled, en route or on site and not yet
signed: the customer signs for exactly that record (``receipt_content``), so it is frozen from then on.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from dispatch import audit
from dispatch.auth.models import User
from dispatch.catalogue.models import Product
from dispatch.closure import services as closure
from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus, Role
from dispatch.errors import Conflict, Invalid, NotFound
from dispatch.extensions import db
from dispatch.field import images
from dispatch.field.models import JobNote, PartUsage, Photo, Signature, TimeEntry
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job
from dispatch.storage import storage

CLOCK_SLACK = timedelta(minutes=5)  # phones' clocks drift; a little "future" is tolerated
MAX_ENTRY = timedelta(hours=16)
WORKABLE = frozenset({JobStatus.SCHEDULED, JobStatus.EN_ROUTE, JobStatus.ON_SITE})
MIN_STROKE_LENGTH = 60.0  # canvas pixels: less is a tap or a dot, not a signature


def technician_job(user: User, job_id: int) -> Job:
    """The job as ``user`` may work on it, locked for this transaction (PostgreSQL) so that twin
    requests on one job run one after the other: NotFound unless theirs; Conflict if reassigned away."""
    try:
        job = scheduling.job_for(user, job_id)
        db.session.refresh(job, with_for_update=True)
        return job
    except NotFound:
        job = db.session.get(Job, job_id)
        if job is not None and user.role == Role.TECHNICIAN and _was_assigned_to(job, user.id):
            raise Conflict(_("Job %(number)s has been reassigned to another technician.", number=job.number),
                           code="job_reassigned") from None
        raise


def _was_assigned_to(job: Job, user_id: int) -> bool:
    return any(event.action == "job.scheduled" and event.data.get("technician_id") == user_id
               for event in audit.events_for(job))


def _refuse_if_taken_away(job: Job) -> None:
    """409 when the office cancelled or postponed the job meanwhile (the phone may not know yet)."""
    if job.status == JobStatus.CANCELLED:
        raise Conflict(_("The office cancelled job %(number)s.", number=job.number), code="job_cancelled")
    if job.status in (JobStatus.POSTPONED, JobStatus.UNSCHEDULED):
        detail = _("The office postponed job %(number)s; it is no longer scheduled.", number=job.number)
        if job.postponed_reason:
            detail += " " + _("Reason: %(reason)s", reason=job.postponed_reason)
        raise Conflict(detail, code="job_postponed")


def ensure_workable(job: Job) -> None:
    """Refuse (409) recording hours, parts or photos on a job that is taken away, finished or signed."""
    _refuse_if_taken_away(job)
    if job.status not in WORKABLE:
        raise Conflict(_("Job %(number)s is already %(status)s.", number=job.number, status=job.status.value),
                       code="job_finished")
    if signature_of(job.id) is not None:
        raise Conflict(_("The customer has signed for job %(number)s; its hours, parts and photos can no "
                         "longer change.", number=job.number), code="job_signed")


def event_time(job: Job, at: datetime | None, field: str) -> datetime:
    """When something happened on ``job``: ``at`` (not in the future, not before the job), else now."""
    now = utcnow()
    if at is None:
        return now
    if at > now + CLOCK_SLACK:
        raise Invalid(_("The time lies in the future."), errors={field: [_("Lies in the future.")]})
    if at < job.created_at:
        raise Invalid(_("The time lies before the job was created."),
                      errors={field: [_("Before the job was created.")]})
    return at.astimezone(UTC)


def report_status(job: Job, status: JobStatus, actor_id: int, at: datetime | None = None) -> Job:
    """Move the job en route or on site as the technician reports it.

    Reporting the status the job already has is a harmless no-op (200, nothing recorded): a phone
    that lost the answer, or a double tap queued twice offline, must not be told off. Going back
    (on site -> en route), or any change once the job is finished or taken away, is a 409 with the
    reason.
    """
    if status not in (JobStatus.EN_ROUTE, JobStatus.ON_SITE):
        raise Invalid(_("A technician reports en_route or on_site."), errors={"status": [_("Not allowed.")]})
    moment = event_time(job, at, "at")
    if job.status == status:
        return job
    _refuse_if_taken_away(job)
    if status not in scheduling.TRANSITIONS[job.status]:
        raise Conflict(_("Job %(number)s is %(current)s; it cannot become %(wanted)s.", number=job.number,
                         current=job.status.value, wanted=status.value), code="invalid_transition")
    scheduling.change_status(job, status, actor_id, at=moment, source="field")
    return job


def add_time_entry(job: Job, technician_id: int, data: dict[str, Any]) -> TimeEntry:
    """Log work or travel time on ``job``; overlapping another entry of the technician is a 409."""
    ensure_workable(job)
    start, end = data["started_at"].astimezone(UTC), data["ended_at"].astimezone(UTC)
    latest = utcnow() + CLOCK_SLACK
    errors: dict[str, list[str]] = {}
    if start > latest:
        errors["started_at"] = [_("Lies in the future.")]
    if end <= start:
        errors.setdefault("ended_at", []).append(_("Must be after started_at."))
    elif end - start > MAX_ENTRY:
        errors.setdefault("ended_at", []).append(_("An entry lasts at most 16 hours; split longer work."))
    if end > latest:
        errors.setdefault("ended_at", []).append(_("Lies in the future."))
    if errors:
        raise Invalid(_("The time entry is not valid."), errors=errors)
    # One technician's entries are checked one request at a time (their row is the lock).
    db.session.execute(select(User.id).where(User.id == technician_id).with_for_update())
    other = db.session.scalar(
        select(TimeEntry).where(TimeEntry.technician_id == technician_id, TimeEntry.started_at < end,
                                TimeEntry.ended_at > start)
        .order_by(TimeEntry.started_at, TimeEntry.id).limit(1))
    if other is not None:
        other_job = db.session.get(Job, other.job_id)
        message = _("Overlaps your %(kind)s entry %(start)s to %(end)s on job %(number)s.",
                    kind=other.kind.value, start=format_datetime(other.started_at, "short"),
                    end=format_datetime(other.ended_at, "short"),
                    number=other_job.number if other_job else other.job_id)
        raise Conflict(message, code="time_entry_overlap", errors={"conflicts": [f"time_entry {other.id}"]})
    entry = TimeEntry(job_id=job.id, technician_id=technician_id, kind=data["kind"], started_at=start,
                      ended_at=end, note=(data.get("note") or "").strip() or None)
    db.session.add(entry)
    db.session.flush()
    audit.record("job.time_logged", job, technician_id, time_entry_id=entry.id, kind=entry.kind.value,
                 started_at=start, ended_at=end)
    return entry


def add_part(job: Job, technician_id: int, data: dict[str, Any]) -> PartUsage:
    """Record a part used on ``job``, named by catalogue id or SKU; unknown products are 422."""
    ensure_workable(job)
    if "product_id" in data:
        field, product = "product_id", db.session.get(Product, data["product_id"])
    else:
        field = "sku"
        product = db.session.scalar(select(Product).where(Product.sku == data["sku"].strip()))
    if product is None or not product.active:
        raise Invalid(_("Unknown product."), errors={field: [_("No such product in the catalogue.")]})
    usage = PartUsage(job_id=job.id, technician_id=technician_id, product_id=product.id,
                      quantity=data["quantity"])
    usage.product = product
    db.session.add(usage)
    db.session.flush()
    audit.record("job.part_used", job, technician_id, part_usage_id=usage.id, sku=product.sku,
                 quantity=str(usage.quantity))
    return usage


def signature_of(job_id: int) -> Signature | None:
    """The customer's signature of a job, if given."""
    return db.session.scalar(select(Signature).where(Signature.job_id == job_id))


def sign(job: Job, data: dict[str, Any], actor_id: int) -> Signature:
    """Store the customer's signature (only on site, once) with the hash of the receipt content signed."""
    _refuse_if_taken_away(job)
    existing = signature_of(job.id)
    if existing is not None:
        raise Conflict(_("Job %(number)s is already signed by %(name)s.", number=job.number,
                         name=existing.signer_name), code="already_signed")
    if job.status != JobStatus.ON_SITE:
        raise Conflict(_("The customer signs on site; job %(number)s is %(status)s.", number=job.number,
                         status=job.status.value), code="not_on_site")
    signer_name = data["signer_name"].strip()
    if not signer_name:
        raise Invalid(_("The signer's name is missing."), errors={"signer_name": [_("Required.")]})
    png = images.signature_png(data["image"])
    strokes = data.get("strokes")  # optional; but if given (even empty), they must make a signature
    if strokes is not None and stroke_length(strokes) < MIN_STROKE_LENGTH:
        too_short = _("The signature is too short.")
        raise Invalid(too_short, errors={"strokes": [too_short]})
    signed_at = event_time(job, data.get("signed_at"), "signed_at").replace(microsecond=0)
    signature = Signature(job_id=job.id, signer_name=signer_name, signed_at=signed_at, strokes=strokes,
                          png_key="", signed_content_hash="")
    signature.signed_content_hash = content_hash(receipt_content(job, signature))
    signature.png_key = storage().put(png, prefix="signatures", suffix=".png")
    db.session.add(signature)
    try:
        db.session.flush()
    except IntegrityError as error:  # a twin request signed meanwhile
        raise Conflict(_("Job %(number)s is already signed.", number=job.number),
                       code="already_signed") from error
    audit.record("job.signed", job, actor_id, signature_id=signature.id, signer_name=signer_name,
                 signed_content_hash=signature.signed_content_hash)
    return signature


def stroke_length(strokes: list[list[dict[str, float]]]) -> float:
    """The total drawn length of signature strokes, in canvas pixels."""
    total = 0.0
    for stroke in strokes:
        for before, after in zip(stroke, stroke[1:], strict=False):
            total += math.hypot(after["x"] - before["x"], after["y"] - before["y"])
    return total


def complete(job: Job, data: dict[str, Any], actor_id: int) -> Job:
    """Finish a signed job on site with the technician's summary and flags; closure runs in the background."""
    _refuse_if_taken_away(job)
    if job.status in (JobStatus.COMPLETED, JobStatus.CLOSED):
        raise Conflict(_("Job %(number)s is already completed.", number=job.number), code="already_completed")
    if job.status != JobStatus.ON_SITE:
        raise Conflict(_("Only a job on site can be completed; job %(number)s is %(status)s.",
                         number=job.number, status=job.status.value), code="not_on_site")
    signature = signature_of(job.id)
    if signature is None:
        raise Conflict(_("Job %(number)s is not signed: get the customer's signature first.",
                         number=job.number), code="not_signed")
    summary = data["summary"].strip()
    if not summary:
        raise Invalid(_("The summary is missing."), errors={"summary": [_("Required.")]})
    at = event_time(job, data.get("at"), "at")
    if at < signature.signed_at:
        raise Invalid(_("Completed before the customer signed."), errors={"at": [_("Before the signature.")]})
    job.summary = summary
    job.technician_flags = sorted({flag.value for flag in data.get("flags") or []})
    job.completed_at = at
    scheduling.change_status(job, JobStatus.COMPLETED, actor_id, at=at, source="field")
    audit.record("job.completed", job, actor_id, flags=job.technician_flags, at=at)
    closure.request_closure(job, actor_id)
    return job


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def receipt_content(job: Job, signature: Signature | None = None) -> dict[str, Any]:
    """What the customer signs for: a plain JSON-serialisable dict, hashed into ``signed_content_hash``.

    Keys: ``job_number``, ``job_kind``, ``ticket_reference``, ``ticket_subject``, ``customer_name``,
    ``site_address`` (one line), ``asset`` (``{product, model, serial_number}`` or None),
    ``technician_name``, ``instructions`` (the work asked for), ``time_entries`` (list of
    ``{kind, started_at, ended_at, minutes}``, oldest first), ``total_minutes`` (``{work, travel}``),
    ``parts`` (list of ``{sku, name, quantity, unit}`` in the order used; quantity a decimal string),
    ``photos_count``, ``signer_name`` and ``signed_at`` (None before signing). Times are UTC ISO 8601
    to the second. The completion summary is not part of it: it is written after the signature.
    Everything in it is frozen once signed, so it hashes the same before and after completion.
    """
    signature = signature or signature_of(job.id)
    entries, parts = _time_entries(job.id), _parts(job.id)
    photos_count = db.session.scalar(select(func.count(Photo.id)).where(Photo.job_id == job.id))
    asset = job.asset
    totals = {"work": 0, "travel": 0}
    for entry in entries:
        totals[entry.kind.value] += entry.minutes
    return {
        "job_number": job.number,
        "job_kind": job.kind.value,
        "ticket_reference": job.ticket.reference,
        "ticket_subject": job.ticket.subject,
        "customer_name": job.site.customer.name,
        "site_address": job.site.address_line,
        "asset": None if asset is None else
        {"product": asset.product, "model": asset.model, "serial_number": asset.serial_number},
        "technician_name": job.technician.name if job.technician else None,
        "instructions": job.instructions,
        "time_entries": [{"kind": entry.kind.value, "started_at": _stamp(entry.started_at),
                          "ended_at": _stamp(entry.ended_at), "minutes": entry.minutes} for entry in entries],
        "total_minutes": totals,
        "parts": [{"sku": part.product.sku, "name": part.product.name, "quantity": str(part.quantity),
                   "unit": part.product.unit} for part in parts],
        "photos_count": photos_count,
        "signer_name": signature.signer_name if signature else None,
        "signed_at": _stamp(signature.signed_at) if signature else None,
    }


def _time_entries(job_id: int) -> list[TimeEntry]:
    """A job's time entries, oldest first: the order of the receipt and the job page."""
    return list(db.session.scalars(select(TimeEntry).where(TimeEntry.job_id == job_id)
                                   .order_by(TimeEntry.started_at, TimeEntry.id)))


def _parts(job_id: int) -> list[PartUsage]:
    """A job's parts with their products, in the order they were used."""
    return list(db.session.scalars(select(PartUsage).where(PartUsage.job_id == job_id)
                                   .options(selectinload(PartUsage.product)).order_by(PartUsage.id)))


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``content``: sorted keys, no spaces, UTF-8."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class JobEvidence:
    """What the technician recorded on a job, for the back office."""

    time_entries: list[TimeEntry]
    parts: list[PartUsage]
    photos: list[Photo]
    signature: Signature | None
    notes: list[JobNote]


def job_evidence(job_id: int) -> JobEvidence:
    """Time entries, parts (with their product), photos, signature and notes of a job, in six queries."""
    from dispatch.field.notes import notes_of  # notes.py builds on this module's rules

    return JobEvidence(
        time_entries=_time_entries(job_id),
        parts=_parts(job_id),
        photos=list(db.session.scalars(select(Photo).where(Photo.job_id == job_id).order_by(Photo.id))),
        signature=signature_of(job_id),
        notes=notes_of(job_id),
    )


def warranty_status(parts_until: date | None, labour_until: date | None, on: date) -> tuple[str, str, str]:
    """``(overall, parts, labour)`` on a day: overall in_warranty, partial, expired or unknown."""

    def state(until: date | None) -> str:
        return "unknown" if until is None else ("active" if on <= until else "expired")

    parts, labour = state(parts_until), state(labour_until)
    states = {parts, labour}
    if states == {"active"}:
        overall = "in_warranty"
    elif "active" in states:
        overall = "partial"
    elif "expired" in states:
        overall = "expired"
    else:
        overall = "unknown"
    return overall, parts, labour
