"""What a technician records on site: time, parts, photos and the customer's signature."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.auth.models import User
from dispatch.catalogue.models import Product
from dispatch.dbtypes import Fixed, UTCDateTime, utcnow
from dispatch.enums import PhotoStatus, TimeKind, enum_column
from dispatch.extensions import db


class TimeEntry(db.Model):
    __tablename__ = "time_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[TimeKind] = mapped_column(enum_column(TimeKind))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def minutes(self) -> int:
        return int((self.ended_at - self.started_at).total_seconds() // 60)


class PartUsage(db.Model):
    __tablename__ = "part_usages"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Fixed(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    product: Mapped[Product] = relationship()


class Photo(db.Model):
    """A site photo: the upload as received, a cleaned copy (rotated, no metadata) and a thumbnail."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    caption: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[PhotoStatus] = mapped_column(enum_column(PhotoStatus), default=PhotoStatus.PENDING)
    original_key: Mapped[str] = mapped_column(String(255))
    processed_key: Mapped[str | None] = mapped_column(String(255))
    thumbnail_key: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Signature(db.Model):
    """The customer's signature on the delivery receipt of a job; one per job."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), unique=True)
    signer_name: Mapped[str] = mapped_column(String(120))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    png_key: Mapped[str] = mapped_column(String(255))
    strokes: Mapped[list | None] = mapped_column(JSON)
    # SHA-256 of the receipt content the customer saw when signing (work, hours, parts, photos).
    signed_content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class JobNote(db.Model):
    """A technician's note on a job. Internal: for the office, never on the customer's receipt."""

    __tablename__ = "job_notes"
    __table_args__ = (Index("ix_job_notes_job_written", "job_id", "written_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    # When the technician wrote it on the phone (maybe hours before it synced), in UTC.
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User] = relationship()
