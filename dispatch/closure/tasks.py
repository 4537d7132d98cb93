"""Background tasks of the closure capability."""

from __future__ import annotations

import logging

from dispatch import tasks
from dispatch.closure import receipts, services
from dispatch.enums import CoverageOutcome, JobStatus
from dispatch.extensions import db
from dispatch.scheduling.models import Job

log = logging.getLogger(__name__)


@tasks.task("closure.close_job")
def close_job(job_id: int) -> None:
    """Close a completed job: receipt PDF and its e-mail, coverage decision, draft invoice, status closed.

    Every step looks first whether it was done, so a rerun changes nothing. A job that needs review
    keeps its receipt and stays completed until an agent decides (``services.decide_manually``).
    """
    job = db.session.get(Job, job_id)
    if job is None:
        return
    services.lock(job)
    if job.status not in (JobStatus.COMPLETED, JobStatus.CLOSED):
        log.info("closure of job %s skipped: not completed", job_id)
        return
    receipt = receipts.build_receipt(job)
    if receipt is not None:
        receipts.mail_receipt(job, receipt)
    if job.status != JobStatus.COMPLETED:
        return  # an agent decided and closed it before this task ran
    decision = services.current_decision(job.id) or services.decide_automatically(job)
    if decision.outcome != CoverageOutcome.NEEDS_REVIEW:
        services.finish(job, decision, None)
