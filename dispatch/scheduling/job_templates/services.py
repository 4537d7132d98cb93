"""Job templates (what a kind of job usually takes) and follow-up jobs from finished ones."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from dispatch import audit
from dispatch.enums import JobKind, JobStatus
from dispatch.errors import Conflict, Invalid, get_or_not_found
from dispatch.extensions import db
from dispatch.pagination import Page, paginate
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job, JobTemplate
from dispatch.scheduling.team.services import normalised_skills

MAX_TEMPLATE_SKILLS = 20
MAX_CHECKLIST = 50
MAX_ITEM = 200
REQUIRED = ("name", "kind", "duration_minutes")
EDITABLE = ("name", "kind", "duration_minutes", "required_skills", "checklist", "instructions", "active")
# A follow-up comes after the work is done.
DONE = (JobStatus.COMPLETED, JobStatus.CLOSED)


def template_query(active: bool | None = None) -> Select:
    """Job templates, optionally only the active (or retired) ones; order and page it yourself."""
    query = select(JobTemplate)
    if active is not None:
        query = query.where(JobTemplate.active.is_(active))
    return query


def template_page(active: bool | None, cursor: str | None, limit: int) -> Page:
    """Job templates by name, optionally only the active (or retired) ones; one page per cursor."""
    return paginate(template_query(active), sort=JobTemplate.name, tiebreak=JobTemplate.id, cursor=cursor,
                    limit=limit, descending=False)


def active_templates() -> list[JobTemplate]:
    """The templates an agent may pick for a new job, by name."""
    return list(db.session.scalars(template_query(True).order_by(JobTemplate.name, JobTemplate.id)))


def all_templates() -> list[JobTemplate]:
    """Every template, active first, then by name (the admin's list)."""
    return list(db.session.scalars(
        select(JobTemplate).order_by(JobTemplate.active.desc(), JobTemplate.name, JobTemplate.id)))


def get_template(template_id: int) -> JobTemplate:
    """The template, or NotFound."""
    return get_or_not_found(JobTemplate, template_id, _l("Job template %(id)s does not exist.", id=template_id))


def create_template(data: dict[str, Any], actor_id: int | None) -> JobTemplate:
    """A new job template; a name already in use is a 409 on ``name``."""
    values = _validated(dict.fromkeys(REQUIRED) | {"active": True, "required_skills": [], "checklist": [],
                                                    "instructions": None} | data)
    _check_unique(values["name"], None)
    template = JobTemplate(**{name: values[name] for name in EDITABLE})
    db.session.add(template)
    db.session.flush()
    audit.record("job_template.created", template, actor_id, **_audited(values))
    return template


def update_template(template: JobTemplate, data: dict[str, Any], actor_id: int | None) -> JobTemplate:
    """Change the fields ``data`` holds; retiring a template (active false) keeps the jobs made from it."""
    values = _validated({name: data[name] for name in EDITABLE if name in data})
    if "name" in values:
        _check_unique(values["name"], template.id)
    changes = {name: value for name, value in values.items() if getattr(template, name) != value}
    if not changes:
        return template
    for name, value in changes.items():
        setattr(template, name, value)
    db.session.flush()
    audit.record("job_template.updated", template, actor_id, **_audited(changes))
    return template


def _validated(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` cleaned: name trimmed, skills normalised, checklist items trimmed and bounded; a required
    field given as empty is Invalid."""
    if isinstance(values.get("name"), str):
        values["name"] = values["name"].strip()
    for required in REQUIRED:
        if required in values and values[required] in (None, ""):
            raise Invalid(_("Incomplete job template."), errors={required: [_("This field is required.")]})
    if "kind" in values:
        values["kind"] = JobKind(values["kind"])
    if "duration_minutes" in values and not 5 <= values["duration_minutes"] <= 24 * 60:
        raise Invalid(_("Unusable duration."), errors={"duration_minutes": [_("Between 5 and 1440 minutes.")]})
    if "required_skills" in values:
        values["required_skills"] = normalised_skills(values["required_skills"] or [], "required_skills",
                                                      MAX_TEMPLATE_SKILLS)
    if "checklist" in values:
        items = [item.strip() for item in values["checklist"] or [] if item and item.strip()]
        if len(items) > MAX_CHECKLIST:
            raise Invalid(_("Too many checklist items."),
                          errors={"checklist": [_("At most %(num)s items.", num=MAX_CHECKLIST)]})
        if any(len(item) > MAX_ITEM for item in items):
            raise Invalid(_("A checklist item is too long."),
                          errors={"checklist": [_("At most %(num)s characters an item.", num=MAX_ITEM)]})
        values["checklist"] = items
    if "instructions" in values:
        values["instructions"] = (values["instructions"] or "").strip() or None
    return values


def _check_unique(name: str, template_id: int | None) -> None:
    """Two templates with one name would be confused in the job form: 409 naming ``name``."""
    query = select(JobTemplate.id).where(func.lower(JobTemplate.name) == name.lower())
    if template_id is not None:
        query = query.where(JobTemplate.id != template_id)
    if db.session.scalar(query.limit(1)) is not None:
        raise Conflict(_("A job template named %(name)s exists already.", name=name), code="duplicate_name",
                       errors={"name": [_("This name is taken.")]})


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value.value if isinstance(value, JobKind) else value for name, value in values.items()}


def create_follow_up(job: Job, data: dict[str, Any], actor_id: int | None) -> Job:
    """A new unscheduled job for the same ticket, site and asset after ``job`` is done (409 before)."""
    if job.status not in DONE:
        raise Conflict(_("Job %(number)s is not done yet: a follow-up comes after it is completed.",
                         number=job.number), code="job_not_done")
    values = {"kind": job.kind.value} | {k: v for k, v in data.items() if v is not None} \
        | {"asset_id": job.asset_id, "follow_up_of_id": job.id}
    if data.get("template_id") is not None and data.get("kind") is None:
        values.pop("kind")  # the template's kind, then
    follow_up = scheduling.create_job(job.ticket, values, actor_id)
    # The ticket's customer may have moved the asset meanwhile: the follow-up goes where the first visit went.
    follow_up.site_id = job.site_id
    audit.record("job.follow_up_created", job, actor_id, follow_up_id=follow_up.id, number=follow_up.number)
    return follow_up


def follow_ups_of(job: Job) -> list[Job]:
    """The follow-up jobs made from ``job``, oldest first."""
    return list(db.session.scalars(select(Job).where(Job.follow_up_of_id == job.id).order_by(Job.id)))
