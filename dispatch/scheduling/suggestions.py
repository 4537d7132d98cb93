"""Which technician should do a job: hard rules first (skills, a free slot), then travel, load and preference.

Everything is judged on calendars loaded once (``load_calendars``: three queries whatever the number of
technicians), so ranking 500 technicians costs the same number of queries as ranking five.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import func, select

from dispatch.admin.services import company_zone
from dispatch.auth.models import User
from dispatch.dbtypes import utcnow
from dispatch.enums import Role
from dispatch.extensions import db
from dispatch.scheduling.availability import (
    RememberingEstimator,
    TechnicianCalendar,
    job_location,
    load_calendars,
    local_day,
)
from dispatch.scheduling.geo import travel
from dispatch.scheduling.geo.travel import LatLon, TravelEstimator
from dispatch.scheduling.models import Job

# The weights of the soft rules, in score points out of 100.
TRAVEL_POINTS_PER_MINUTE = 0.5
TRAVEL_POINTS_MAX = 40.0
LOAD_POINTS_PER_HOUR = 4.0
LOAD_POINTS_MAX = 30.0
WAIT_POINTS_PER_HOUR = 1.0
WAIT_POINTS_MAX = 10.0
PREFERRED_POINTS = 20.0  # outweighs about 40 minutes more driving


@dataclass
class Suggestion:
    """One technician who can do the job, when at the earliest, and why they rank where they do."""

    technician_id: int
    name: str
    score: float
    distance_km: float | None  # from the previous stop (the previous job that day, else home)
    travel_minutes: int | None
    earliest_start: datetime
    earliest_end: datetime
    preferred: bool
    reasons: list[str] = field(default_factory=list)


@dataclass
class Ranking:
    """The suggestions, and how many technicians were left out for which hard rule."""

    suggestions: list[Suggestion]
    left_out: Counter[str]


def rank(job: Job, start: datetime, end: datetime, *, limit: int = 10, exclude: Collection[int] = (),
         calendars: dict[int, TechnicianCalendar] | None = None) -> list[Suggestion]:
    """The best ``limit`` technicians for ``job`` with a visit starting inside ``start``..``end``."""
    return ranking(job, start, end, limit=limit, exclude=exclude, calendars=calendars).suggestions


def ranking(job: Job, start: datetime, end: datetime, *, limit: int = 10, exclude: Collection[int] = (),
            calendars: dict[int, TechnicianCalendar] | None = None) -> Ranking:
    """Like ``rank``, with the count of technicians left out per hard rule (``missing_skill``, ``no_slot``)."""
    left_out: Counter[str] = Counter()
    if calendars is None:
        # Loading only the skilled technicians' calendars is the biggest saving: their jobs are not read.
        calendars = load_calendars(start, end, skills=job.required_skills or ())
        left_out["missing_skill"] = _active_technicians() - len(calendars)
    after, latest = _start_bounds(job, start, end)
    location = job_location(job)
    estimator = RememberingEstimator(travel.estimator())
    required = frozenset(job.required_skills or ())
    duration = timedelta(minutes=job.duration_minutes)
    preferred_id = job.site.customer.preferred_technician_id if job.site and job.site.customer else None
    zone = company_zone()
    found: list[Suggestion] = []
    excluded = set(exclude)
    for calendar in calendars.values():
        if calendar.technician_id in excluded:
            continue
        if not required <= calendar.skills:
            left_out["missing_skill"] += 1
            continue
        slot = None if latest < after else calendar.earliest_slot(duration, after, latest, location, estimator,
                                                                   job.id)
        if slot is None:
            left_out["no_slot"] += 1
            continue
        found.append(_suggest(job, calendar, slot, duration, location, estimator, preferred_id, bool(required),
                              start, zone))
    found.sort(key=lambda item: (-item.score, item.earliest_start, item.name, item.technician_id))
    return Ranking(found[:limit], +left_out)


def _active_technicians() -> int:
    """How many technicians can be planned at all."""
    return db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.TECHNICIAN,
                                                                          User.active.is_(True)))


def default_window(moment: datetime | None = None) -> tuple[datetime, datetime]:
    """The next working day (Monday to Friday) after ``moment`` (default now), midnight to midnight local time."""
    zone = company_zone()
    day = ((moment or utcnow()).astimezone(zone) + timedelta(days=1)).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day_window(datetime.combine(day, time(0), zone))


def day_window(moment: datetime) -> tuple[datetime, datetime]:
    """Midnight to midnight (local time) of the day of ``moment``, in UTC."""
    return local_day(moment, company_zone())


def _start_bounds(job: Job, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """When the visit may start: inside the requested window and the appointment window, if the job has one."""
    after, latest = start, end - timedelta(microseconds=1)
    if job.window_start is not None and job.window_end is not None:
        after, latest = max(after, job.window_start), min(latest, job.window_end)
    return after, latest


def _suggest(job: Job, calendar: TechnicianCalendar, slot: datetime, duration: timedelta, location: LatLon | None,
             estimator: TravelEstimator, preferred_id: int | None, needs_skills: bool, wanted: datetime,
             zone: ZoneInfo) -> Suggestion:
    """Score one technician who can start at ``slot``."""
    reasons = [_("has every required skill")] if needs_skills else []
    score = 100.0
    before = calendar.previous_booking(slot, job.id)
    came_from = before.location if before is not None and before.location is not None else calendar.home
    distance = minutes = None
    if came_from is not None and location is not None:
        distance = round(estimator.km(came_from, location), 1)
        minutes = estimator.minutes(came_from, location)
        score -= min(minutes * TRAVEL_POINTS_PER_MINUTE, TRAVEL_POINTS_MAX)
        if before is not None and before.location is not None:
            reasons.append(_("%(minutes)s min drive from job %(number)s", minutes=minutes,
                             number=before.number))
        else:
            reasons.append(_("%(minutes)s min drive from home (%(distance)s km)", minutes=minutes,
                             distance=format_decimal(distance)))
    local = slot.astimezone(zone)
    booked = calendar.booked_minutes(*local_day(slot, zone))
    score -= min(booked / 60 * LOAD_POINTS_PER_HOUR, LOAD_POINTS_MAX)
    reasons.append(_("%(hours)s h booked that day", hours=format_decimal(round(booked / 60, 1))))
    score -= min(max((slot - wanted).total_seconds(), 0) / 3600 * WAIT_POINTS_PER_HOUR, WAIT_POINTS_MAX)
    reasons.append(_("free from %(time)s", time=local.strftime("%H:%M")))
    preferred = preferred_id == calendar.technician_id
    if preferred:
        score += PREFERRED_POINTS
        reasons.append(_("customer's preferred technician"))
    return Suggestion(calendar.technician_id, calendar.name, round(score, 1), distance, minutes, slot,
                      slot + duration, preferred, reasons)


def window_for(job: Job, start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """The window to rank for: as asked (without an end, to the end of start's day), else the day of the
    job's arrival window when it is still ahead, else the next working day."""
    if start is not None:
        return start, end or day_window(start)[1]
    if job.window_start is not None and job.window_start > utcnow():
        return day_window(job.window_start)
    return default_window()
