"""How the portal words a ticket for its customer: plain status words, and visits without staff details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from dispatch.desk.models import TicketStatus
from dispatch.enums import JobStatus, StatusCategory
from dispatch.scheduling.models import Job

STATUS_WORDS = {
    "new": _l("Received: we will look at it soon"),
    "open": _l("We are working on it"),
    "escalated": _l("We are working on it"),
    "on_hold": _l("Waiting (for parts, a visit or your reply)"),
    "resolved": _l("Resolved"),
    "closed": _l("Closed"),
}
# Statuses an admin added are worded by what they mean for the clock.
CATEGORY_WORDS = {StatusCategory.OPEN: _l("We are working on it"), StatusCategory.PAUSED: _l("Waiting"),
                  StatusCategory.CLOSED: _l("Closed")}
VISIT_WORDS = {JobStatus.SCHEDULED: _l("Planned"), JobStatus.EN_ROUTE: _l("On the way"),
               JobStatus.ON_SITE: _l("At your address"), JobStatus.COMPLETED: _l("Done"),
               JobStatus.CLOSED: _l("Done"), JobStatus.POSTPONED: _l("Postponed: we will plan a new time")}


@dataclass(frozen=True)
class Visit:
    """A technician's visit as the customer sees it: when, the arrival window, and who (first name only)."""

    starts_at: datetime | None
    ends_at: datetime | None
    window_start: datetime | None
    window_end: datetime | None
    technician: str | None
    status: str


def status_word(status: TicketStatus) -> str:
    """The ticket's status in the customer's words."""
    return str(STATUS_WORDS.get(status.key) or CATEGORY_WORDS[status.category])


def first_name(name: str | None) -> str | None:
    """A person's first name: customers are told who comes, not the staff's full names."""
    return name.split()[0] if name and name.split() else None


def visits(jobs: list[Job]) -> list[Visit]:
    """The planned, ongoing and done visits of a ticket's jobs (never cancelled or unplanned ones)."""
    shown = []
    for job in jobs:
        if job.status not in VISIT_WORDS or (job.scheduled_start is None and job.status != JobStatus.POSTPONED):
            continue
        technician = first_name(job.technician.name if job.technician else None)
        if job.status == JobStatus.POSTPONED:  # its old time no longer holds
            shown.append(Visit(None, None, None, None, None, str(VISIT_WORDS[job.status])))
        else:
            shown.append(Visit(job.scheduled_start, job.scheduled_end, job.window_start, job.window_end, technician,
                               str(VISIT_WORDS[job.status])))
    return shown
