"""Closure: coverage decisions (warranty, contract) and the signed delivery receipt."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from dispatch import audit, tasks
from dispatch.admin.services import company, company_zone
from dispatch.billing.drafts import create_draft_for_job
from dispatch.closure import coverage
from dispatch.closure.models import CoverageDecision, DeliveryReceipt
from dispatch.customers.models import Contract, contract_assets
from dispatch.dbtypes import utcnow
from dispatch.enums import CoverageOutcome, JobStatus, TimeKind, TravelBilling
from dispatch.errors import Conflict, Invalid
from dispatch.extensions import db
from dispatch.field.models import PartUsage, Signature, TimeEntry
from dispatch.integrations import webhooks
from dispatch.pagination import Page, paginate
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job

# Outcomes an agent may choose when resolving a job that needs review.
AGENT_OUTCOMES = (CoverageOutcome.COVERED, CoverageOutcome.PARTLY_COVERED, CoverageOutcome.CHARGEABLE)
BILLED_OUTCOMES = (CoverageOutcome.CHARGEABLE, CoverageOutcome.PARTLY_COVERED)


def current_decision(job_id: int) -> CoverageDecision | None:
    """The coverage decision in force for a job: the latest one."""
    return db.session.scalar(
        select(CoverageDecision).where(CoverageDecision.job_id == job_id)
        .order_by(CoverageDecision.decided_at.desc(), CoverageDecision.id.desc()).limit(1)
    )


def current_decisions(job_ids: list[int]) -> dict[int, CoverageDecision]:
    """The decision in force per job (the latest, as ``current_decision``) for many jobs, in one query."""
    ranked = select(
        CoverageDecision.id,
        func.row_number().over(partition_by=CoverageDecision.job_id,
                               order_by=(CoverageDecision.decided_at.desc(), CoverageDecision.id.desc()))
        .label("rank"),
    ).where(CoverageDecision.job_id.in_(job_ids)).subquery()
    rows = db.session.scalars(select(CoverageDecision).join(ranked, ranked.c.id == CoverageDecision.id)
                              .where(ranked.c.rank == 1))
    return {decision.job_id: decision for decision in rows}


def review_queue(cursor: str | None, limit: int) -> Page:
    """Decisions of completed jobs that need an agent's review, oldest first, one keyset page."""
    statement = select(CoverageDecision).join(Job, Job.id == CoverageDecision.job_id).where(
        CoverageDecision.outcome == CoverageOutcome.NEEDS_REVIEW, Job.status == JobStatus.COMPLETED)
    return paginate(statement, sort=CoverageDecision.decided_at, tiebreak=CoverageDecision.id, cursor=cursor,
                    limit=limit, descending=False)


def asset_history(job: Job, limit: int = 20) -> list[tuple[Job, CoverageDecision | None]]:
    """Earlier jobs on the job's asset, newest first, each with its coverage decision."""
    if job.asset_id is None:
        return []
    jobs = list(db.session.scalars(
        select(Job).where(Job.asset_id == job.asset_id, Job.id != job.id)
        .options(selectinload(Job.technician)).order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)))
    decisions = current_decisions([earlier.id for earlier in jobs]) if jobs else {}
    return [(earlier, decisions.get(earlier.id)) for earlier in jobs]


def request_closure(job: Job, actor_id: int | None) -> None:
    """Queue the background closure of a completed job (runs once per job, after the commit)."""
    tasks.enqueue("closure.close_job", dedupe_key=f"close-job:{job.id}", job_id=job.id)


def receipt_for(job_id: int) -> DeliveryReceipt | None:
    """The job's delivery receipt, once it is built."""
    return db.session.scalar(select(DeliveryReceipt).where(DeliveryReceipt.job_id == job_id))


def completed_on(job: Job) -> date:
    """The day the job was completed, in the company's time zone."""
    moment = job.completed_at or job.status_changed_at or utcnow()
    return moment.astimezone(company_zone()).date()


def coverage_facts(job: Job) -> coverage.CoverageFacts:
    """The facts the coverage decision of ``job`` depends on, read from the database."""
    day = completed_on(job)
    has = {kind: db.session.scalar(select(exists().where(TimeEntry.job_id == job.id, TimeEntry.kind == kind)))
           for kind in TimeKind}
    has_parts = bool(db.session.scalar(select(exists().where(PartUsage.job_id == job.id))))
    asset = job.asset
    receipt = receipt_for(job.id)
    signature = db.session.scalar(select(Signature).where(Signature.job_id == job.id))
    changed = bool(receipt and signature and receipt.content_hash != signature.signed_content_hash)
    contracts: list[coverage.ContractTerms] = []
    if asset is not None:
        for contract in db.session.scalars(
            select(Contract).join(contract_assets, contract_assets.c.contract_id == Contract.id)
            .where(contract_assets.c.asset_id == asset.id).order_by(Contract.id)
        ):
            used = _visits_used(contract, job) if contract.included_visits is not None else 0
            contracts.append(coverage.ContractTerms(
                contract.id, frozenset(contract.covers), contract.starts_on, contract.ends_on,
                contract.included_visits, used))
    return coverage.CoverageFacts(
        completed_on=day, asset_known=asset is not None,
        parts_warranty_until=asset.parts_warranty_until if asset else None,
        labour_warranty_until=asset.labour_warranty_until if asset else None,
        contracts=tuple(contracts), technician_flags=frozenset(job.technician_flags or ()),
        changed_after_signing=changed,
        has_labour=has[TimeKind.WORK], has_parts=has_parts,
        has_callout=_has_callout(has[TimeKind.TRAVEL]),
    )


def _has_callout(has_travel: bool) -> bool:
    """Whether the invoice would bill a call-out: the fee or travel time, as the travel setting says."""
    settings = company()
    fee = settings.callout_fee > 0 and settings.travel_billing != TravelBilling.TIME
    return fee or (has_travel and settings.travel_billing != TravelBilling.CALLOUT)


def _visits_used(contract: Contract, job: Job) -> int:
    """Earlier visits this contract paid for (other closed jobs' decisions): one included visit each."""
    return db.session.scalar(
        select(func.count()).select_from(CoverageDecision).join(Job, Job.id == CoverageDecision.job_id).where(
            CoverageDecision.contract_id == contract.id, Job.id != job.id, Job.status == JobStatus.CLOSED,
        )
    ) or 0


def decide_automatically(job: Job) -> CoverageDecision:
    """Record the system's coverage decision for a completed job, with its reasons in English."""
    result = coverage.decide(coverage_facts(job))
    with force_locale("en"):  # stored once; English is the source language of every reason
        reasons = [str(reason) for reason in result.reasons]
    return _record(job, result.outcome, reasons, None, covers=(result.covers_labour, result.covers_parts,
                                                               result.covers_callout),
                   contract_id=result.contract_id)


def decide_manually(job: Job, outcome: CoverageOutcome | str, reasons: list[str], actor_id: int | None,
                    covers: list[str] | None = None) -> CoverageDecision:
    """An agent's decision on a completed job: recorded, billed when chargeable, and the job closed."""
    outcome = CoverageOutcome(outcome)
    lock(job)
    if job.status != JobStatus.COMPLETED:
        raise Conflict(_("Job %(number)s is %(status)s; only a completed job awaits a coverage decision.",
                         number=job.number, status=job.status.value), code="invalid_transition")
    if outcome not in AGENT_OUTCOMES:
        raise Invalid(_("Choose covered, partly covered or chargeable."),
                      errors={"outcome": [_("Choose covered, partly_covered or chargeable.")]})
    reasons = [reason.strip() for reason in reasons if reason and reason.strip()]
    if not reasons:
        raise Invalid(_("Give a reason."), errors={"reason": [_("Say why, for the customer and billing.")]})
    covered = set(covers or ())
    if outcome == CoverageOutcome.PARTLY_COVERED:
        if not covered or covered >= set(coverage.COMPONENTS):
            raise Invalid(_("Say what is covered."), errors={"covers": [
                _("For a partly covered job, list what is covered: one or two of labour, parts, callout.")]})
    else:
        covered = set(coverage.COMPONENTS) if outcome == CoverageOutcome.COVERED else set()
    decision = _record(job, outcome, reasons, actor_id,
                       covers=tuple(component in covered for component in coverage.COMPONENTS))
    finish(job, decision, actor_id)
    return decision


def _record(job: Job, outcome: CoverageOutcome, reasons: list[str], actor_id: int | None,
            covers: tuple[bool, bool, bool], contract_id: int | None = None) -> CoverageDecision:
    decision = CoverageDecision(job_id=job.id, outcome=outcome, covers_labour=covers[0],
                                covers_parts=covers[1], covers_callout=covers[2], reasons=reasons,
                                contract_id=contract_id, decided_by_id=actor_id, decided_at=utcnow())
    db.session.add(decision)
    db.session.flush()
    audit.record("coverage.decided", job, actor_id, outcome=outcome.value, reasons=reasons,
                 decision_id=decision.id, by="agent" if actor_id else "system")
    return decision


def lock(job: Job) -> None:
    """Reload the job under a row lock (PostgreSQL) so that the task and an agent never close it twice."""
    db.session.refresh(job, with_for_update=True)


def finish(job: Job, decision: CoverageDecision, actor_id: int | None) -> None:
    """Bill the job when the decision says so, then close it."""
    if decision.outcome in BILLED_OUTCOMES:
        create_draft_for_job(job, decision)
    scheduling.change_status(job, JobStatus.CLOSED, actor_id)
    job.closed_at = job.status_changed_at
    webhooks.emit(webhooks.JOB_CLOSED, webhooks.job_closed_payload(job, decision))
