"""Coverage decisions and signed delivery receipts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.enums import CoverageOutcome, enum_column
from dispatch.extensions import db


class CoverageDecision(db.Model):
    """Whether a job's work is covered by warranty or contract; the latest per job is in force."""

    __tablename__ = "coverage_decisions"
    __table_args__ = (Index("ix_coverage_decisions_job_decided", "job_id", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    outcome: Mapped[CoverageOutcome] = mapped_column(enum_column(CoverageOutcome), index=True)
    covers_labour: Mapped[bool] = mapped_column(default=False)
    covers_parts: Mapped[bool] = mapped_column(default=False)
    covers_callout: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The contract that paid for this visit, if any (its included visits are counted from these).
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the system
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DeliveryReceipt(db.Model):
    """The receipt PDF the customer signed, with a SHA-256 of the content that was signed."""

    __tablename__ = "delivery_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), unique=True)
    pdf_key: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
