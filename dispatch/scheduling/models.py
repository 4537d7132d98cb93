"""Jobs (work orders), job templates, technicians' profiles and their absences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.auth.models import User
from dispatch.customers.models import Asset, Site
from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.desk.models import Ticket
from dispatch.enums import GeocodeStatus, JobKind, JobStatus, enum_column
from dispatch.extensions import db

# Monday..Sunday; each a list of ["HH:MM", "HH:MM"] intervals in the company's time zone.
DEFAULT_WORKING_HOURS: dict[str, list[list[str]]] = {
    day: [["08:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
} | {"sat": [], "sun": []}


class TechnicianProfile(db.Model):
    __tablename__ = "technician_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    home_street: Mapped[str | None] = mapped_column(String(200))
    home_postal_code: Mapped[str | None] = mapped_column(String(20))
    home_city: Mapped[str | None] = mapped_column(String(100))
    home_country: Mapped[str | None] = mapped_column(String(2))
    home_latitude: Mapped[float | None]
    home_longitude: Mapped[float | None]
    home_geocode_status: Mapped[GeocodeStatus] = mapped_column(enum_column(GeocodeStatus),
                                                               default=GeocodeStatus.PENDING)
    working_hours: Mapped[dict[str, list[list[str]]]] = mapped_column(JSON, default=dict)
    rate_group_id: Mapped[int | None] = mapped_column(ForeignKey("rate_groups.id"))
    # The secret in the technician's iCalendar feed URL, hashed like API tokens; None: no feed.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    user: Mapped[User] = relationship()


class Absence(db.Model):
    __tablename__ = "absences"
    __table_args__ = (
        Index("ix_absences_technician_span", "technician_id", "starts_at", "ends_at"),
        Index("ix_absences_span", "starts_at", "ends_at"),  # everyone absent in a window: suggestions, board
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)


class JobTemplate(db.Model):
    """What a kind of job usually takes: duration, skills, a checklist and instructions, copied into new jobs."""

    __tablename__ = "job_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[JobKind] = mapped_column(enum_column(JobKind), index=True)
    duration_minutes: Mapped[int]
    required_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    checklist: Mapped[list[str]] = mapped_column(JSON, default=list)
    instructions: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Job(db.Model):
    """A work order: what a technician does at a site for a ticket."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_technician_start", "technician_id", "scheduled_start"),
        Index("ix_jobs_status_start", "status", "scheduled_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[JobKind] = mapped_column(enum_column(JobKind))
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.UNSCHEDULED)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"), index=True)
    required_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    duration_minutes: Mapped[int]
    instructions: Mapped[str | None] = mapped_column(Text)
    # [{"text": "...", "done": false}, ...], copied from the template and ticked off by the technician.
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("job_templates.id", ondelete="SET NULL"))
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), index=True)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The arrival window promised to the customer; the visit starts inside it. None: any time that day.
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scheduled_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scheduled_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    postponed_reason: Mapped[str | None] = mapped_column(Text)
    technician_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    ticket: Mapped[Ticket] = relationship()
    site: Mapped[Site] = relationship()
    asset: Mapped[Asset | None] = relationship()
    technician: Mapped[User | None] = relationship()
    template: Mapped[JobTemplate | None] = relationship()
