"""The technician's agenda: their jobs in a time window with everything needed on site, in a fixed
number of queries however many jobs there are (one per kind of related row, never one per job)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from dispatch.admin.services import company_zone
from dispatch.closure.models import CoverageDecision
from dispatch.closure.services import current_decisions
from dispatch.customers.models import Asset
from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus
from dispatch.errors import Invalid
from dispatch.extensions import db
from dispatch.field.models import JobNote, PartUsage, Photo, Signature, TimeEntry
from dispatch.field.notes import notes_by_job
from dispatch.field.services import warranty_status
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job

DEFAULT_DAYS = 7
MAX_WINDOW = timedelta(days=31)
EARLIER_VISITS = 5
VISITED = (JobStatus.COMPLETED, JobStatus.CLOSED)


@dataclass
class AssetCard:
    """An asset as the technician sees it, with its warranty state on the day of the job."""

    id: int
    product: str
    model: str | None
    serial_number: str
    purchased_on: date
    parts_warranty_until: date | None
    labour_warranty_until: date | None
    warranty_status: str
    parts_warranty: str
    labour_warranty: str


@dataclass
class AgendaItem:
    job: Job
    asset: AssetCard | None
    earlier_visits: list[Job]
    photos: list[Photo]
    time_entries: list[TimeEntry]
    parts: list[PartUsage]
    notes: list[JobNote]
    signature: Signature | None
    coverage: CoverageDecision | None


@dataclass
class Agenda:
    start: datetime
    end: datetime
    items: list[AgendaItem]


Bound = date | datetime | None  # a date stands for its midnight in the company's time zone


def window(start: Bound, end: Bound, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The asked window, defaulting to today 00:00 and seven days on; at most 31 days."""

    def moment(value: date | datetime) -> datetime:
        return value if isinstance(value, datetime) else datetime.combine(value, time(0), zone)

    begin = moment(start if start is not None else utcnow().astimezone(zone).date())
    finish = moment(end) if end is not None else begin + timedelta(days=DEFAULT_DAYS)
    if finish <= begin:
        raise Invalid(_("The window ends before it starts."), errors={"to": [_("Must be after from.")]})
    if finish - begin > MAX_WINDOW:
        raise Invalid(_("The window is too long."), errors={"to": [_("At most 31 days after from.")]})
    return begin, finish


def agenda(technician_id: int, start: Bound = None, end: Bound = None) -> Agenda:
    """The technician's jobs scheduled in the window (not cancelled), each with its context."""
    zone = company_zone()
    start, end = window(start, end, zone)
    jobs = scheduling.jobs_for_technician(technician_id, start, end)
    if not jobs:
        return Agenda(start, end, [])
    ids = [job.id for job in jobs]
    entries = _grouped(TimeEntry, ids, TimeEntry.started_at)
    parts, photos = _grouped(PartUsage, ids), _grouped(Photo, ids)
    notes = notes_by_job(ids)
    signatures = {s.job_id: s for s in db.session.scalars(select(Signature).where(Signature.job_id.in_(ids)))}
    coverage = current_decisions(ids)
    visits = _earlier_visits(jobs)
    items = []
    for job in jobs:
        day = (job.scheduled_start or utcnow()).astimezone(zone).date()
        items.append(AgendaItem(
            job=job, asset=_asset_card(job.asset, day) if job.asset else None, earlier_visits=visits[job.id],
            photos=photos[job.id], time_entries=entries[job.id], parts=parts[job.id],
            notes=notes[job.id], signature=signatures.get(job.id), coverage=coverage.get(job.id),
        ))
    return Agenda(start, end, items)


def _grouped(model: type, job_ids: list[int], *order: Any) -> dict[int, list]:
    statement = select(model).where(model.job_id.in_(job_ids)).order_by(*order, model.id)
    if model is PartUsage:
        statement = statement.options(selectinload(PartUsage.product))
    grouped: dict[int, list] = defaultdict(list)
    for row in db.session.scalars(statement):
        grouped[row.job_id].append(row)
    return grouped


def _earlier_visits(jobs: list[Job]) -> dict[int, list[Job]]:
    """Per job: the last completed or closed other jobs at its site, newest first, with their technician."""
    per_site: dict[int, int] = defaultdict(int)
    for job in jobs:
        per_site[job.site_id] += 1
    # Enough rows per site that each job still has five after leaving out the agenda's own jobs.
    keep = EARLIER_VISITS + max(per_site.values())
    ranked = select(
        Job.id,
        func.row_number().over(partition_by=Job.site_id, order_by=(Job.completed_at.desc(), Job.id.desc()))
        .label("rank"),
    ).where(Job.site_id.in_(list(per_site)), Job.status.in_(VISITED)).subquery()
    visited = db.session.scalars(
        select(Job).join(ranked, ranked.c.id == Job.id).where(ranked.c.rank <= keep)
        .options(joinedload(Job.technician)).order_by(Job.completed_at.desc(), Job.id.desc())
    ).all()
    result: dict[int, list[Job]] = {}
    for job in jobs:
        before = job.completed_at
        result[job.id] = [
            visit for visit in visited
            if visit.site_id == job.site_id and visit.id != job.id
            and (before is None or visit.completed_at is None or visit.completed_at <= before)
        ][:EARLIER_VISITS]
    return result


def _asset_card(asset: Asset, day: date) -> AssetCard:
    overall, parts, labour = warranty_status(asset.parts_warranty_until, asset.labour_warranty_until, day)
    return AssetCard(asset.id, asset.product, asset.model, asset.serial_number, asset.purchased_on,
                     asset.parts_warranty_until, asset.labour_warranty_until, overall, parts, labour)
