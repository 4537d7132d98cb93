"""/api/v1 endpoints of the closure capability: an agent's coverage decision and the delivery receipt."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.api.downloads import download
from dispatch.auth.access import roles_required
from dispatch.closure import coverage, services
from dispatch.enums import CoverageOutcome, JobStatus, Role
from dispatch.errors import NotFound
from dispatch.scheduling import services as scheduling
from dispatch.schemas import Text
from dispatch.storage import storage

PDF = {"type": "string", "format": "binary"}
blp = Blueprint("api_closure", __name__, url_prefix="/api/v1", description="Closure")


class CoverageIn(Schema):
    outcome = fields.Enum(CoverageOutcome, by_value=True, required=True,
                          validate=validate.OneOf(services.AGENT_OUTCOMES))
    reason = Text(2000, required=True)
    covers = fields.List(fields.String(validate=validate.OneOf(coverage.COMPONENTS)),
                         validate=validate.Length(max=3), load_default=list,
                         metadata={"description": "partly_covered only: what is covered"})


class CoverageDecisionOut(Schema):
    id = fields.Integer()
    job_id = fields.Integer()
    outcome = fields.Enum(CoverageOutcome, by_value=True)
    covers = fields.List(fields.String())
    reasons = fields.List(fields.String())
    decided_by_id = fields.Integer(allow_none=True)
    decided_at = fields.AwareDateTime()
    job_status = fields.Enum(JobStatus, by_value=True)
    invoice_id = fields.Integer(allow_none=True)


@blp.route("/jobs/<int:job_id>/coverage", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(CoverageIn)
@blp.response(200, CoverageDecisionOut)
@blp.alt_response(409, description="The job is not completed (not yet, or already closed)")
def decide(data: dict, job_id: int):
    """Decide the coverage of a completed job (one that needs review): bills it when chargeable, closes it."""
    job = scheduling.get_job(job_id)
    decision = services.decide_manually(job, data["outcome"], [data["reason"]], current_user.id,
                                        covers=data["covers"])
    covered = {"labour": decision.covers_labour, "parts": decision.covers_parts,
               "callout": decision.covers_callout}
    return {"id": decision.id, "job_id": job.id, "outcome": decision.outcome,
            "covers": [name for name in coverage.COMPONENTS if covered[name]], "reasons": decision.reasons,
            "decided_by_id": decision.decided_by_id, "decided_at": decision.decided_at,
            "job_status": job.status, "invoice_id": job.invoice_id}


@blp.route("/jobs/<int:job_id>/receipt.pdf", methods=["GET"])
@roles_required(Role.AGENT, Role.ADMIN, Role.BILLING, Role.TECHNICIAN)
@blp.response(200, PDF, content_type="application/pdf", description="The signed delivery receipt")
@blp.alt_response(404, description="No such job (or not yours), or its receipt is not built yet")
def receipt_pdf(job_id: int):
    """The signed delivery receipt of a job; billing reads it as evidence for the invoice."""
    job = scheduling.job_for(current_user, job_id)
    receipt = services.receipt_for(job.id)
    if receipt is None:
        raise NotFound(_("Job %(number)s has no delivery receipt yet.", number=job.number), code="receipt_not_ready")
    return download(storage().read(receipt.pdf_key), "application/pdf", f"receipt-{job.number}.pdf", inline=True)
