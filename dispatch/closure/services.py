"""Closure: coverage decisions (warranty, contract) and the signed delivery receipt."""

from __future__ import annotations

from sqlalchemy import select

from dispatch import tasks
from dispatch.closure.models import CoverageDecision
from dispatch.extensions import db
from dispatch.scheduling.models import Job


def current_decision(job_id: int) -> CoverageDecision | None:
    """The coverage decision in force for a job: the latest one."""
    return db.session.scalar(
        select(CoverageDecision).where(CoverageDecision.job_id == job_id)
        .order_by(CoverageDecision.decided_at.desc(), CoverageDecision.id.desc()).limit(1)
    )


def request_closure(job: Job, actor_id: int | None) -> None:
    """Queue the background closure of a completed job (runs once per job, after the commit)."""
    tasks.enqueue("closure.close_job", dedupe_key=f"close-job:{job.id}", job_id=job.id)
