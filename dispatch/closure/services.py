"""Closure: coverage decisions (warranty, contract) and the signed delivery receipt."""

from __future__ import annotations

from sqlalchemy import select

from dispatch.closure.models import CoverageDecision
from dispatch.extensions import db


def current_decision(job_id: int) -> CoverageDecision | None:
    """The coverage decision in force for a job: the latest one."""
    return db.session.scalar(
        select(CoverageDecision).where(CoverageDecision.job_id == job_id)
        .order_by(CoverageDecision.decided_at.desc(), CoverageDecision.id.desc()).limit(1)
    )
