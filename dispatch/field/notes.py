"""The technician's notes on a job: written on the phone (often offline), kept for the office.

Notes are internal: they are shown to the technician and the back office, never on the customer's
delivery receipt, and not part of what the customer signs. They follow the same rule as hours and
parts: written while the job is workable and not yet signed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dispatch import audit
from dispatch.errors import Invalid
from dispatch.extensions import db
from dispatch.field.models import JobNote
from dispatch.field.services import ensure_workable, event_time
from dispatch.scheduling.models import Job

MAX_LENGTH = 4000


def add_note(job: Job, technician_id: int, data: dict[str, Any]) -> JobNote:
    """Keep a note of the technician on ``job``, dated when it was written (default now)."""
    ensure_workable(job)
    text = data["text"].strip()
    if not text:
        raise Invalid(_("The note is empty."), errors={"text": [_("Required.")]})
    written_at = event_time(job, data.get("written_at"), "written_at")
    note = JobNote(job_id=job.id, technician_id=technician_id, text=text, written_at=written_at)
    db.session.add(note)
    db.session.flush()
    audit.record("job.note_added", job, technician_id, note_id=note.id, written_at=written_at)
    return note


def notes_by_job(job_ids: list[int]) -> dict[int, list[JobNote]]:
    """The notes of these jobs with their authors, oldest first, in one query however many jobs."""
    grouped: dict[int, list[JobNote]] = defaultdict(list)
    if not job_ids:
        return grouped
    statement = (select(JobNote).where(JobNote.job_id.in_(job_ids)).options(joinedload(JobNote.author))
                 .order_by(JobNote.written_at, JobNote.id))
    for note in db.session.scalars(statement):
        grouped[note.job_id].append(note)
    return grouped


def notes_of(job_id: int) -> list[JobNote]:
    """The notes of one job with their authors, oldest first."""
    return notes_by_job([job_id])[job_id]
