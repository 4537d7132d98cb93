"""Telling customers about their appointment: confirmed, moved or cancelled (mail in the same transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dispatch.scheduling.models import Job


@dataclass(frozen=True)
class Appointment:
    """Who was coming when, before a change."""

    technician_id: int | None
    start: datetime | None
    end: datetime | None


def appointment_changed(job: Job, before: Appointment, actor_id: int | None) -> None:
    """Queue the confirmation (first planning) or the new-time mail (reschedule) for the job's customer."""
    # Written in the same session by the notifications work (see the scheduling brief); no mail yet.


def appointment_cancelled(job: Job, before: Appointment, reason: str | None, actor_id: int | None) -> None:
    """Queue the cancellation mail when a planned visit is cancelled or postponed."""
