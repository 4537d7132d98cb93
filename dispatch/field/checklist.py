"""The job's checklist, ticked off on site: one item at a time, by index, like every other field action.

Ticking is refused (409) when the job is taken away, finished or signed, as hours and parts are; the
customer signs for the work, the checklist included. Setting an item to what it already is changes
nothing, so a phone that resends after a lost answer does no harm.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from dispatch import audit
from dispatch.errors import Invalid
from dispatch.field import services
from dispatch.scheduling.models import Job


def tick(job: Job, index: int, done: bool, actor_id: int, at: datetime | None = None) -> list[dict[str, Any]]:
    """Mark checklist item ``index`` of ``job`` done or not done; answers the whole checklist."""
    services.ensure_workable(job)
    items = [dict(item) for item in job.checklist or []]
    if not 0 <= index < len(items):
        raise Invalid(_("The job has no such checklist item."), errors={"index": [
            _("Give a number from 0 to %(last)s.", last=len(items) - 1) if items else _("The job has no checklist.")]})
    moment = services.event_time(job, at, "at")
    if bool(items[index].get("done")) == done:
        return items
    items[index].update(done=done, done_at=moment.isoformat() if done else None)
    job.checklist = items  # a new list: the JSON column sees the change
    audit.record("job.checklist_ticked", job, actor_id, index=index, text=items[index].get("text"), done=done,
                 at=moment)
    return items
