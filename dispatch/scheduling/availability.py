"""Who is free when: technicians' working time, absences and booked jobs over a span.

``load_calendars`` reads everything in three queries whatever the number of technicians; the rest is
plain computation on the loaded calendars, so suggestions, the board's conflict flags, reassignment and
day planning all judge a window by the same rules without touching the database again.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import Text, select, type_coerce
from sqlalchemy.types import NullType

from dispatch.admin.services import company_zone
from dispatch.auth.models import User
from dispatch.customers.models import Site
from dispatch.enums import JobStatus, Role
from dispatch.extensions import db
from dispatch.scheduling.geo.travel import LatLon, TravelEstimator
from dispatch.scheduling.models import DEFAULT_WORKING_HOURS, Absence, Job, TechnicianProfile

UTC = ZoneInfo("UTC")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Jobs that hold a technician's time.
BOOKED = (JobStatus.SCHEDULED, JobStatus.EN_ROUTE, JobStatus.ON_SITE, JobStatus.COMPLETED, JobStatus.CLOSED)
# Jobs waiting to be planned: the board's queue, the day planner's input.
WAITING = (JobStatus.UNSCHEDULED, JobStatus.POSTPONED)
# Slots offered to agents start on a quarter hour.
SLOT_STEP = timedelta(minutes=15)

Span = tuple[datetime, datetime]


def N_(message: str) -> str:  # noqa: N802 - Babel's default marker: extracted, translated when read
    """``message`` itself, marked for extraction."""
    return message


@dataclass
class ScheduleConflict:
    """One reason a technician cannot do a job in a window; ``code`` is stable, ``message`` is for people.

    The message is kept as its msgid and values and translated only when read: the board flags hundreds of
    conflicts, and ``translated`` turns them all into words with one lookup of the translations.
    """

    code: str  # missing_skill, overlap, absence, outside_working_hours, travel_time, outside_appointment_window
    template: str
    params: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The message in the current locale."""
        return gettext(self.template, **self.params)

    def translated(self, translations: Any) -> str:
        """The message through ``translations`` (``flask_babel.get_translations()``, looked up once by the caller)."""
        found = translations.ugettext(self.template)
        return found % self.params if self.params else found


@dataclass(frozen=True)
class Booking:
    """A job holding a technician's time."""

    job_id: int
    number: str
    start: datetime
    end: datetime
    location: LatLon | None


@dataclass(frozen=True)
class Away:
    """An absence: leave, sickness, training."""

    absence_id: int
    start: datetime
    end: datetime
    reason: str


@dataclass
class TechnicianCalendar:
    """One technician's skills, home base, working intervals, absences and bookings over the loaded span."""

    technician_id: int
    name: str
    skills: frozenset[str]
    home: LatLon | None
    working: list[Span]
    absences: list[Away]
    bookings: list[Booking]
    zone: ZoneInfo = UTC  # the company's: a "day" for previous and next stops

    def conflicts(self, *, job_id: int | None, required_skills: Collection[str], start: datetime, end: datetime,
                  location: LatLon | None, travel: TravelEstimator,
                  appointment_window: Span | None = None) -> list[ScheduleConflict]:
        """Everything that stands against this technician doing the job from ``start`` to ``end``."""
        found: list[ScheduleConflict] = []
        missing = sorted(set(required_skills) - self.skills)
        if missing:
            found.append(ScheduleConflict("missing_skill", N_("%(name)s lacks skills: %(skills)s."),
                                          {"name": self.name, "skills": ", ".join(missing)}, {"skills": missing}))
        for booking in self.bookings:
            if booking.job_id != job_id and booking.start < end and booking.end > start:
                found.append(ScheduleConflict("overlap", N_("Overlaps job %(number)s."), {"number": booking.number},
                                              {"job_id": booking.job_id}))
        for away in self.absences:
            if away.start < end and away.end > start:
                found.append(ScheduleConflict("absence", N_("%(name)s is absent (%(reason)s)."),
                                              {"name": self.name, "reason": away.reason},
                                              {"absence_id": away.absence_id}))
        if not any(begin <= start and end <= finish for begin, finish in self.working):
            found.append(ScheduleConflict("outside_working_hours", N_("Outside %(name)s's working hours."),
                                          {"name": self.name}))
        found.extend(self._travel_conflicts(job_id, start, end, location, travel))
        if appointment_window is not None and not appointment_window[0] <= start <= appointment_window[1]:
            found.append(ScheduleConflict("outside_appointment_window",
                                          N_("Starts outside the time window agreed with the customer.")))
        return found

    def _travel_conflicts(self, job_id: int | None, start: datetime, end: datetime, location: LatLon | None,
                          travel: TravelEstimator) -> list[ScheduleConflict]:
        """The previous job of the day ends too late to drive here, or this one to drive to the next."""
        if location is None:
            return []
        found = []
        before = self.previous_booking(start, job_id)
        if before is not None and before.location is not None and before.end <= start:
            needed = travel.minutes(before.location, location)
            if before.end + timedelta(minutes=needed) > start:
                found.append(ScheduleConflict(
                    "travel_time", N_("%(minutes)s min of driving from job %(number)s do not fit before the start."),
                    {"minutes": needed, "number": before.number}, {"job_id": before.job_id, "minutes": needed}))
        after = self.next_booking(end, job_id)
        if after is not None and after.location is not None and after.start >= end:
            needed = travel.minutes(location, after.location)
            if end + timedelta(minutes=needed) > after.start:
                found.append(ScheduleConflict(
                    "travel_time", N_("%(minutes)s min of driving to job %(number)s do not fit after the end."),
                    {"minutes": needed, "number": after.number}, {"job_id": after.job_id, "minutes": needed}))
        return found

    def previous_booking(self, moment: datetime, job_id: int | None = None) -> Booking | None:
        """The last booking of the same local day ending at or before ``moment`` (nights are spent at home)."""
        day_start, _day_end = local_day(moment, self.zone)
        earlier = [b for b in self.bookings if b.job_id != job_id and day_start <= b.end <= moment]
        return max(earlier, key=lambda booking: booking.end, default=None)

    def next_booking(self, moment: datetime, job_id: int | None = None) -> Booking | None:
        """The first booking of the same local day starting at or after ``moment``."""
        _day_start, day_end = local_day(moment, self.zone)
        later = [b for b in self.bookings if b.job_id != job_id and moment <= b.start < day_end]
        return min(later, key=lambda booking: booking.start, default=None)

    def previous_stop(self, moment: datetime, job_id: int | None = None) -> LatLon | None:
        """Where the technician comes from at ``moment``: the previous job of the day, else home."""
        before = self.previous_booking(moment, job_id)
        if before is not None and before.location is not None:
            return before.location
        return self.home

    def booked_minutes(self, start: datetime, end: datetime) -> int:
        """Minutes of bookings inside ``start``..``end``: the technician's load."""
        return sum(int((min(b.end, end) - max(b.start, start)).total_seconds() // 60)
                   for b in self.bookings if b.start < end and b.end > start)

    def earliest_slot(self, duration: timedelta, after: datetime, latest_start: datetime,
                      location: LatLon | None, travel: TravelEstimator, job_id: int | None = None) -> datetime | None:
        """The first quarter-hour start at or after ``after`` (and not after ``latest_start``) that fits.

        It fits when the visit lies inside a working interval, clear of absences and other bookings, with
        time to drive there from the previous stop (the home base for the first job of the day) and on to
        the next booking.
        """
        busy = sorted([(b.start, b.end, b.location) for b in self.bookings if b.job_id != job_id]
                      + [(a.start, a.end, None) for a in self.absences], key=lambda item: item[0])
        for begin, finish in self.working:
            if finish <= after or begin > latest_start:
                continue
            gap_start, came_from = begin, self.home
            for busy_start, busy_end, busy_location in [*busy, (finish, finish, None)]:
                if busy_end <= begin:
                    continue
                gap_end = min(busy_start, finish)
                slot = self._fit(gap_start, gap_end, came_from, busy_location if busy_start < finish else None,
                                 duration, after, latest_start, location, travel)
                if slot is not None:
                    return slot
                if busy_end >= finish:
                    break
                gap_start, came_from = max(gap_start, busy_end), busy_location or came_from
        return None

    @staticmethod
    def _fit(gap_start: datetime, gap_end: datetime, came_from: LatLon | None, going_to: LatLon | None,
             duration: timedelta, after: datetime, latest_start: datetime, location: LatLon | None,
             travel: TravelEstimator) -> datetime | None:
        """The earliest start inside one free gap, or None."""
        if gap_end - max(gap_start, after) < duration:
            return None  # too short even without driving
        drive_in = timedelta(minutes=travel.minutes(came_from, location)) if came_from and location else timedelta()
        drive_out = timedelta(minutes=travel.minutes(location, going_to)) if going_to and location else timedelta()
        start = round_up(max(gap_start + drive_in, after), SLOT_STEP)
        if start > latest_start or start + duration + drive_out > gap_end:
            return None
        return start


class RememberingEstimator:
    """A travel estimator that answers each pair of points once (a board asks the same few sites' pairs
    hundreds of times); the same answers as the estimator it wraps."""

    def __init__(self, estimator: TravelEstimator) -> None:
        self.estimator = estimator
        self._km: dict[tuple[LatLon, LatLon], float] = {}
        self._minutes: dict[tuple[LatLon, LatLon], int] = {}

    def km(self, origin: LatLon, destination: LatLon) -> float:
        key = (origin, destination)
        found = self._km.get(key)
        if found is None:
            found = self._km[key] = self.estimator.km(origin, destination)
        return found

    def minutes(self, origin: LatLon, destination: LatLon) -> int:
        key = (origin, destination)
        found = self._minutes.get(key)
        if found is None:
            found = self._minutes[key] = self.estimator.minutes(origin, destination)
        return found

    def matrix(self, points: Sequence[LatLon]) -> list[list[int]]:
        return self.estimator.matrix(points)


def round_up(moment: datetime, step: timedelta) -> datetime:
    """``moment`` rounded up to the next multiple of ``step`` since midnight UTC (quarter hours stay aligned)."""
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    steps = math.ceil((moment - midnight) / step)
    return midnight + steps * step


def working_intervals(hours: dict[str, list[list[str]]] | None, start: datetime, end: datetime,
                      zone: ZoneInfo) -> list[Span]:
    """The weekly working hours as UTC intervals over ``start``..``end`` (local days, daylight saving kept)."""
    hours = hours or DEFAULT_WORKING_HOURS
    intervals: list[Span] = []
    day: date = start.astimezone(zone).date() - timedelta(days=1)
    last: date = end.astimezone(zone).date()
    while day <= last:
        for begin, finish in hours.get(WEEKDAYS[day.weekday()], []):
            local_begin = datetime.combine(day, time.fromisoformat(begin), zone)
            local_finish = datetime.combine(day, time.fromisoformat(finish), zone)
            utc_begin, utc_finish = local_begin.astimezone(UTC), local_finish.astimezone(UTC)
            if utc_begin < end and utc_finish > start:
                intervals.append((utc_begin, utc_finish))
        day += timedelta(days=1)
    return sorted(intervals)


def load_calendars(start: datetime, end: datetime, technician_ids: Collection[int] | None = None, *,
                   skills: Collection[str] = ()) -> dict[int, TechnicianCalendar]:
    """Calendars of the active technicians (or the given ones) over ``start``..``end``, in three queries.

    With ``skills`` only technicians who have them all are loaded (suggestions skip reading the others' jobs).
    """
    zone = company_zone()
    required = frozenset(skills)
    # Columns, with the JSON as text: most technicians share their hours and skills, so each distinct value
    # is decoded and worked out once (hundreds of technicians on every suggestion and board request).
    technician_query = (
        select(User.id, User.name, type_coerce(TechnicianProfile.skills, Text),
               type_coerce(TechnicianProfile.working_hours, Text), TechnicianProfile.home_latitude,
               TechnicianProfile.home_longitude)
        .outerjoin(TechnicianProfile, TechnicianProfile.user_id == User.id)
        .where(User.role == Role.TECHNICIAN, User.active.is_(True))
        .order_by(User.name, User.id)
    )
    if technician_ids is not None:
        technician_query = technician_query.where(User.id.in_(list(technician_ids)))
    skill_sets: dict[str | None, frozenset[str]] = {}
    weeks: dict[str | None, list[Span]] = {}
    calendars: dict[int, TechnicianCalendar] = {}
    for user_id, name, skills_text, hours_text, latitude, longitude in db.session.execute(technician_query):
        skills_text, hours_text = _json_text(skills_text), _json_text(hours_text)
        if skills_text not in skill_sets:
            skill_sets[skills_text] = frozenset(json.loads(skills_text) if skills_text else ())
        skilled = skill_sets[skills_text]
        if not required <= skilled:
            continue
        if hours_text not in weeks:
            weeks[hours_text] = working_intervals(json.loads(hours_text) if hours_text else None, start, end, zone)
        home = (latitude, longitude) if latitude is not None and longitude is not None else None
        calendars[user_id] = TechnicianCalendar(
            technician_id=user_id, name=name, skills=skilled, home=home, working=list(weeks[hours_text]),
            absences=[], bookings=[], zone=zone)
    if not calendars:
        return calendars
    ids = list(calendars)
    low, high = _margin(start, end, zone)
    for absence in db.session.scalars(
            select(Absence).where(Absence.technician_id.in_(ids), Absence.starts_at < high,
                                  Absence.ends_at > low).order_by(Absence.starts_at)):
        calendars[absence.technician_id].absences.append(
            Away(absence.id, absence.starts_at, absence.ends_at, absence.reason))
    # Core rows, not ORM ones: thousands of bookings on a busy board, and nothing here needs identity. The
    # times are read raw and converted once per distinct value (visits start on a handful of quarter hours),
    # not once per row by the column type.
    rows = db.session.connection().execute(
        select(Job.id, Job.number, Job.technician_id, type_coerce(Job.scheduled_start, NullType()),
               type_coerce(Job.scheduled_end, NullType()), Site.latitude, Site.longitude)
        .join(Site, Site.id == Job.site_id)
        .where(Job.technician_id.in_(ids), Job.status.in_(BOOKED), Job.scheduled_start < high,
               Job.scheduled_end > low)
        .order_by(Job.scheduled_start, Job.id)).all()
    moments: dict[Any, datetime] = {}
    for job_id, number, technician_id, raw_start, raw_end, latitude, longitude in rows:
        job_start = moments.get(raw_start)
        if job_start is None:
            job_start = moments[raw_start] = utc_from_driver(raw_start)
        job_end = moments.get(raw_end)
        if job_end is None:
            job_end = moments[raw_end] = utc_from_driver(raw_end)
        location = (latitude, longitude) if latitude is not None and longitude is not None else None
        calendars[technician_id].bookings.append(Booking(job_id, number, job_start, job_end, location))
    return calendars


def _margin(start: datetime, end: datetime, zone: ZoneInfo) -> Span:
    """The span whose bookings and absences a calendar over ``start``..``end`` needs: the whole local days of
    ``start`` and ``end`` (the previous and next stop are of the same day, and so is a day's load)."""
    return local_day(start, zone)[0], local_day(end - timedelta(microseconds=1), zone)[1]


def local_day(moment: datetime, zone: ZoneInfo) -> Span:
    """Midnight to midnight, in UTC, of the local day that holds ``moment``."""
    return local_days(moment.astimezone(zone).date(), 1, zone)


def local_days(day: date, days: int, zone: ZoneInfo) -> Span:
    """``days`` local days from ``day``, midnight to midnight, in UTC (a daylight-saving day has 23 or 25 hours)."""
    return _midnight(day, zone), _midnight(day + timedelta(days=days), zone)


@lru_cache(maxsize=256)
def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def utc_from_driver(value: Any) -> datetime:
    """A raw time from the driver as an aware UTC datetime, as ``UTCDateTime`` reads it."""
    if isinstance(value, str):  # SQLite: naive UTC text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json_text(value: Any) -> str | None:
    """A JSON column read as text; some drivers (psycopg) decode JSON themselves, so encode it back."""
    return value if value is None or isinstance(value, str) else json.dumps(value, sort_keys=True)


def job_location(job: Job) -> LatLon | None:
    """The job's site coordinates, or None while the address is not located."""
    site = job.site
    if site is None or site.latitude is None or site.longitude is None:
        return None
    return (site.latitude, site.longitude)
