"""A technician's jobs as a secret iCalendar feed URL that their calendar app subscribes to.

The URL carries 32 random bytes; only their SHA-256 is stored (like API tokens), so the database never
holds a working link. Creating a link again replaces the old one; revoking removes it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dispatch import audit
from dispatch.auth.models import User
from dispatch.customers.models import Site
from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus, Role
from dispatch.extensions import db
from dispatch.i18n import locale_for
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.calendar_feed import ics
from dispatch.scheduling.forms import KIND_LABELS
from dispatch.scheduling.models import Job, TechnicianProfile
from dispatch.scheduling.team.services import get_technician

PAST = timedelta(days=30)
AHEAD = timedelta(days=90)
MAX_EVENTS = 2000  # bounds the feed's size; a technician has a few hundred visits in four months
# Visits the office took back: calendars show them struck through until they drop out of the window.
CALLED_OFF = frozenset({JobStatus.CANCELLED, JobStatus.POSTPONED, JobStatus.UNSCHEDULED})


def technician_profile(technician_id: int) -> TechnicianProfile:
    """The technician's profile (made if missing), or NotFound when the id is not a technician's."""
    return scheduling.ensure_technician_profile(get_technician(technician_id))


def create_link(profile: TechnicianProfile, actor_id: int | None) -> str:
    """A new feed URL for the technician (shown once); any earlier URL stops working."""
    token = secrets.token_urlsafe(32)
    replaced = profile.calendar_token_hash is not None
    profile.calendar_token_hash = _digest(token)
    audit.record("calendar_feed.created", profile.user, actor_id, replaced=replaced)
    return ics.public_url(url_for("calendar_feed.feed", token=token))


def revoke_link(profile: TechnicianProfile, actor_id: int | None) -> None:
    """Stop the technician's feed URL (nothing to do when there is none)."""
    if profile.calendar_token_hash is None:
        return
    profile.calendar_token_hash = None
    audit.record("calendar_feed.revoked", profile.user, actor_id)


def technician_for_token(token: str) -> User | None:
    """The active technician whose feed URL carries ``token``."""
    user = db.session.scalar(
        select(User).join(TechnicianProfile, TechnicianProfile.user_id == User.id)
        .where(TechnicianProfile.calendar_token_hash == _digest(token)))
    return user if user is not None and user.active and user.role == Role.TECHNICIAN else None


def feed(technician: User) -> bytes:
    """The technician's visits from 30 days back to 90 days ahead as an iCalendar document, in one query."""
    now = utcnow()
    jobs = db.session.scalars(
        select(Job).where(Job.technician_id == technician.id, Job.scheduled_start.is_not(None),
                          Job.scheduled_start < now + AHEAD, Job.scheduled_end > now - PAST)
        .options(joinedload(Job.site).joinedload(Site.customer), joinedload(Job.ticket))
        .order_by(Job.scheduled_start, Job.id).limit(MAX_EVENTS)).all()
    with force_locale(locale_for(technician.language)):
        return ics.document([_visit(job) for job in jobs], name=_("Jobs of %(name)s", name=technician.name))


def _visit(job: Job) -> ics.Visit:
    customer = job.site.customer
    description = [job.instructions or "", _("Ticket %(reference)s: %(subject)s", reference=job.ticket.reference,
                                              subject=job.ticket.subject)]
    if customer.phone:
        description.append(_("Customer phone: %(phone)s", phone=customer.phone))
    return ics.Visit(
        uid=f"{job.number}@{ics.host()}", start=job.scheduled_start, end=job.scheduled_end,
        summary=f"{job.number} · {KIND_LABELS[job.kind]} · {customer.name}",
        location=job.site.address_line, description="\n\n".join(part for part in description if part),
        changed_at=job.updated_at, cancelled=job.status in CALLED_OFF, url=ics.public_url(f"/app/#/jobs/{job.id}"))


def _digest(token: str) -> str:
    # 256 random bits: a fast hash is enough (as for API tokens), and the lookup is by an indexed column.
    return hashlib.sha256(token.encode()).hexdigest()
