"""Jobs (work orders), technicians' profiles and their absences."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.auth.models import User
from dispatch.customers.models import Asset, Site
from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.desk.models import Ticket
from dispatch.enums import JobKind, JobStatus, enum_column
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
    working_hours: Mapped[dict[str, list[list[str]]]] = mapped_column(JSON, default=dict)
    rate_group_id: Mapped[int | None] = mapped_column(ForeignKey("rate_groups.id"))

    user: Mapped[User] = relationship()


class Absence(db.Model):
    __tablename__ = "absences"
    __table_args__ = (Index("ix_absences_technician_span", "technician_id", "starts_at", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)


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
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
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
