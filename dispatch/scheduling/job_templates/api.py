"""/api/v1 job templates (admins keep them, agents pick them) and follow-up jobs."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.api.pagination import PageArgs, page_schema
from dispatch.auth.access import roles_required
from dispatch.enums import JobKind, Role
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.job_templates import services
from dispatch.scheduling.schemas import JobIn, JobOut
from dispatch.schemas import Text

blp = Blueprint("api_job_templates", __name__, url_prefix="/api/v1", description="Job templates and follow-ups")


class TemplateIn(Schema):
    name = Text(120, required=True)
    kind = fields.Enum(JobKind, by_value=True, required=True)
    duration_minutes = fields.Integer(required=True, validate=validate.Range(5, 24 * 60))
    required_skills = fields.List(Text(40, required=True), validate=validate.Length(max=20))
    checklist = fields.List(Text(200, required=True), validate=validate.Length(max=50))
    instructions = Text(5000, allow_none=True)
    active = fields.Boolean()


class TemplatePatch(TemplateIn):
    """Any of the template's fields; those left out stay."""

    name = Text(120)
    kind = fields.Enum(JobKind, by_value=True)
    duration_minutes = fields.Integer(validate=validate.Range(5, 24 * 60))


class TemplateOut(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.Enum(JobKind, by_value=True)
    duration_minutes = fields.Integer()
    required_skills = fields.List(fields.String())
    checklist = fields.List(fields.String())
    instructions = fields.String(allow_none=True)
    active = fields.Boolean()
    created_at = fields.AwareDateTime()


class TemplateFilters(PageArgs):
    active = fields.Boolean(metadata={"description": "only active (true) or retired (false) templates"})


class FollowUpIn(JobIn):
    """Like a new job of the ticket; the ticket, site and asset are the finished job's."""

    class Meta:
        exclude = ("asset_id",)


TemplatePage = page_schema(TemplateOut, "JobTemplatePage")


@blp.route("/job-templates", methods=["GET"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(TemplateFilters, location="query")
@blp.response(200, TemplatePage)
def list_templates(filters: dict):
    """Job templates by name, one page per cursor."""
    return services.template_page(filters.get("active"), filters.get("cursor"), filters["limit"])


@blp.route("/job-templates", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.arguments(TemplateIn)
@blp.response(201, TemplateOut)
def create_template(data: dict):
    """Create a job template; a name in use is 409."""
    template = services.create_template(data, current_user.id)
    return template, 201, {"Location": url_for("api_job_templates.get_template", template_id=template.id)}


@blp.route("/job-templates/<int:template_id>", methods=["GET"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.response(200, TemplateOut)
def get_template(template_id: int):
    """One job template."""
    return services.get_template(template_id)


@blp.route("/job-templates/<int:template_id>", methods=["PATCH"])
@roles_required(Role.ADMIN)
@blp.arguments(TemplatePatch)
@blp.response(200, TemplateOut)
def update_template(data: dict, template_id: int):
    """Change a job template; ``active: false`` retires it (jobs made from it keep their copy)."""
    return services.update_template(services.get_template(template_id), data, current_user.id)


@blp.route("/jobs/<int:job_id>/follow-ups", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(FollowUpIn)
@blp.response(201, JobOut)
def create_follow_up(data: dict, job_id: int):
    """A new unscheduled job for the same ticket, site and asset after a completed one; 409 before that."""
    job = services.create_follow_up(scheduling.get_job(job_id), data, current_user.id)
    return job, 201, {"Location": url_for("api_scheduling.get_job", job_id=job.id)}
