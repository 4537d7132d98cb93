"""Technicians as the office manages them: skills, home base, weekly working hours and absences."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dispatch import audit
from dispatch.auth.models import User
from dispatch.customers.models import Site
from dispatch.dbtypes import utcnow
from dispatch.enums import AbsenceReason, JobStatus, Role
from dispatch.errors import Invalid, NotFound
from dispatch.extensions import db
from dispatch.pagination import Page, paginate
from dispatch.scheduling.availability import BOOKED, WEEKDAYS
from dispatch.scheduling.models import DEFAULT_WORKING_HOURS, Absence, Job, TechnicianProfile
from dispatch.scheduling.services import ensure_technician_profile

MAX_SKILLS = 30
MAX_INTERVALS_PER_DAY = 3
MAX_ABSENCE = timedelta(days=366)
SKILL = re.compile(r"^[\w-]{1,40}$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
HOME_FIELDS = ("street", "postal_code", "city", "country")


@dataclass
class TechnicianView:
    """A technician with their profile and the absence they are on now (if any)."""

    user: User
    profile: TechnicianProfile
    current_absence: Absence | None


def get_technician(technician_id: int) -> User:
    """The technician (active or not), or NotFound."""
    user = db.session.get(User, technician_id)
    if user is None or user.role != Role.TECHNICIAN:
        raise NotFound(_("Technician %(id)s does not exist.", id=technician_id))
    return user


def technician_page(cursor: str | None, limit: int) -> Page:
    """Technicians by name, one page of ``TechnicianView``, in three queries whatever the page size."""
    page = paginate(select(User).where(User.role == Role.TECHNICIAN), sort=User.name, tiebreak=User.id,
                    cursor=cursor, limit=limit, descending=False)
    page.items = technician_views(page.items)
    return page


def technician_views(users: list[User]) -> list[TechnicianView]:
    """``users`` with their profiles and current absences, in two queries."""
    ids = [user.id for user in users]
    profiles = {p.user_id: p for p in db.session.scalars(
        select(TechnicianProfile).where(TechnicianProfile.user_id.in_(ids)))} if ids else {}
    now = utcnow()
    current: dict[int, Absence] = {}
    if ids:
        for absence in db.session.scalars(
                select(Absence).where(Absence.technician_id.in_(ids), Absence.starts_at <= now,
                                      Absence.ends_at > now).order_by(Absence.ends_at)):
            current.setdefault(absence.technician_id, absence)
    views = []
    for user in users:
        # A technician made before profiles existed reads as the defaults until first edited.
        profile = profiles.get(user.id) or TechnicianProfile(user_id=user.id, skills=[],
                                                             working_hours=dict(DEFAULT_WORKING_HOURS))
        views.append(TechnicianView(user, profile, current.get(user.id)))
    return views


def technician_view(technician_id: int) -> TechnicianView:
    """One technician with profile and current absence."""
    return technician_views([get_technician(technician_id)])[0]


def normalised_skills(skills: list[str], field: str = "skills", limit: int = MAX_SKILLS) -> list[str]:
    """Skills lower-cased, trimmed, without duplicates, sorted; a bad name or too many is Invalid on ``field``."""
    cleaned = sorted({skill.strip().lower() for skill in skills if skill.strip()})
    if len(cleaned) > limit:
        raise Invalid(_("Too many skills."), errors={field: [_("At most %(num)s skills.", num=limit)]})
    bad = [skill for skill in cleaned if not SKILL.match(skill)]
    if bad:
        raise Invalid(_("Unusable skill names."), errors={field: [
            _("Use short skill names (letters, digits, - and _): %(skills)s", skills=", ".join(bad))]})
    return cleaned


def validated_hours(hours: dict[str, Any]) -> dict[str, list[list[str]]]:
    """The weekly hours as stored (every day present); wrong days or intervals are Invalid naming the day."""
    unknown = sorted(set(hours) - set(WEEKDAYS))
    if unknown:
        raise Invalid(_("Unknown weekday."), errors={f"working_hours.{day}": [_("Not a weekday (mon..sun).")]
                                                   for day in unknown})
    errors: dict[str, list[str]] = {}
    week: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        intervals = [list(interval) for interval in hours.get(day) or []]
        problem = _interval_problem(intervals)
        if problem:
            errors[f"working_hours.{day}"] = [problem]
        week[day] = intervals
    if errors:
        raise Invalid(_("The working hours are not usable."), errors=errors)
    return week


def _interval_problem(intervals: list[list[str]]) -> str | None:
    """What is wrong with one day's intervals, or None."""
    if len(intervals) > MAX_INTERVALS_PER_DAY:
        return _("At most %(num)s periods a day.", num=MAX_INTERVALS_PER_DAY)
    previous_end = ""
    for interval in intervals:
        if len(interval) != 2 or not all(isinstance(v, str) and CLOCK.match(v) for v in interval):
            return _("Write each period as two times HH:MM, e.g. 08:00-12:00.")
        begin, end = interval
        if end <= begin:
            return _("A period ends after it begins (%(begin)s-%(end)s).", begin=begin, end=end)
        if begin < previous_end:
            return _("Periods are in order and do not overlap (%(begin)s-%(end)s).", begin=begin, end=end)
        previous_end = end
    return None


def update_technician(technician: User, data: dict[str, Any], actor_id: int | None) -> TechnicianProfile:
    """Change skills, home base and working hours (whichever ``data`` holds); audited, home base geocoded."""
    from dispatch.scheduling.geo.services import queue_home_geocoding

    profile = ensure_technician_profile(technician)
    changes: dict[str, Any] = {}
    if "skills" in data:
        skills = normalised_skills(data["skills"] or [])
        if skills != list(profile.skills or []):
            changes["skills"] = {"from": list(profile.skills or []), "to": skills}
    if "working_hours" in data:
        hours = validated_hours(data["working_hours"] or {})
        if hours != profile.working_hours:
            changes["working_hours"] = {"from": profile.working_hours, "to": hours}
    home_changed = False
    if "home" in data:
        home = _home(data["home"])
        before = {name: getattr(profile, f"home_{name}") for name in HOME_FIELDS}
        if home != before:
            changes["home"] = {"from": before, "to": home}
            home_changed = True
    if not changes:
        return profile
    if "skills" in changes:
        profile.skills = changes["skills"]["to"]
    if "working_hours" in changes:
        profile.working_hours = changes["working_hours"]["to"]
    if home_changed:
        for name, value in changes["home"]["to"].items():
            setattr(profile, f"home_{name}", value)
        if changes["home"]["to"]["street"] is None:
            profile.home_latitude = profile.home_longitude = None
    db.session.flush()
    audit.record("technician.updated", technician, actor_id, **_audited(changes))
    if home_changed and profile.home_street is not None:
        queue_home_geocoding(profile)
    return profile


def _audited(changes: dict[str, Any]) -> dict[str, Any]:
    """The changes as flat lists (the audit log keeps lists, not mappings): new and previous values."""
    flat: dict[str, Any] = {}
    for name, change in changes.items():
        for prefix, value in (("", change["to"]), ("previous_", change["from"])):
            if name == "working_hours":
                value = [f"{day} {begin}-{end}" for day in WEEKDAYS for begin, end in (value or {}).get(day, [])]
            elif name == "home":
                value = [value[field] for field in HOME_FIELDS]
            flat[prefix + name] = value
    return flat


def _home(home: dict[str, str] | None) -> dict[str, str | None]:
    """The home base fields as stored; None clears the home base."""
    if home is None:
        return dict.fromkeys(HOME_FIELDS)
    return {"street": home["street"].strip(), "postal_code": home["postal_code"].strip().upper(),
            "city": home["city"].strip(), "country": home["country"].strip().upper()}


REASON_LABELS = {AbsenceReason.LEAVE: _l("Leave"), AbsenceReason.SICKNESS: _l("Sickness"),
                 AbsenceReason.TRAINING: _l("Training"), AbsenceReason.OTHER: _l("Other")}


def absences_of(technician: User, since: datetime | None = None, limit: int = 200) -> list[Absence]:
    """A technician's absences ending after ``since`` (default: all), soonest first."""
    query = select(Absence).where(Absence.technician_id == technician.id)
    if since is not None:
        query = query.where(Absence.ends_at > since)
    return list(db.session.scalars(query.order_by(Absence.starts_at, Absence.id).limit(limit)))


def add_absence(technician: User, data: dict[str, Any], actor_id: int | None) -> tuple[Absence, list[Job]]:
    """Record an absence; returns it with the technician's planned jobs it overlaps (to reassign)."""
    start, end = data["starts_at"], data["ends_at"]
    if end <= start:
        raise Invalid(_("The absence ends before it starts."), errors={"ends_at": [_("Must be after the start.")]})
    if end - start > MAX_ABSENCE:
        raise Invalid(_("An absence longer than a year."), errors={"ends_at": [_("At most a year after the start.")]})
    reason = AbsenceReason(data["reason"])
    absence = Absence(technician_id=technician.id, starts_at=start, ends_at=end, reason=reason.value,
                      note=(data.get("note") or "").strip() or None)
    db.session.add(absence)
    db.session.flush()
    audit.record("absence.added", technician, actor_id, absence_id=absence.id, starts_at=start, ends_at=end,
                 reason=reason.value)
    return absence, affected_jobs(technician.id, start, end)


def get_absence(absence_id: int) -> Absence:
    """A technician's absence, or NotFound (desk agents' absences are the admins', through desk/assignment)."""
    absence = db.session.scalar(select(Absence).join(User, User.id == Absence.technician_id)
                                .where(Absence.id == absence_id, User.role == Role.TECHNICIAN))
    if absence is None:
        raise NotFound(_("Absence %(id)s does not exist.", id=absence_id))
    return absence


def delete_absence(absence: Absence, actor_id: int | None) -> None:
    """Remove an absence (entered by mistake, or the technician came back early); audited on the technician."""
    technician = db.session.get(User, absence.technician_id)
    audit.record("absence.deleted", technician, actor_id, absence_id=absence.id, starts_at=absence.starts_at,
                 ends_at=absence.ends_at, reason=absence.reason)
    db.session.delete(absence)
    db.session.flush()


def affected_jobs(technician_id: int, start: datetime, end: datetime,
                  statuses: tuple[JobStatus, ...] = BOOKED) -> list[Job]:
    """The technician's jobs in ``statuses`` overlapping ``start``..``end``, by start, with site and ticket."""
    return list(db.session.scalars(
        select(Job)
        .where(Job.technician_id == technician_id, Job.status.in_(statuses), Job.scheduled_start < end,
               Job.scheduled_end > start)
        .options(selectinload(Job.site).selectinload(Site.customer), selectinload(Job.ticket),
                 selectinload(Job.asset))
        .order_by(Job.scheduled_start, Job.id)))


def weekly_minutes(hours: dict[str, list[list[str]]] | None) -> int:
    """Minutes of work in the weekly hours: the hours summary on the technicians list."""
    total = 0
    for intervals in (hours or {}).values():
        for begin, end in intervals:
            total += _minutes(end) - _minutes(begin)
    return total


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)
