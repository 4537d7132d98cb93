"""Canned responses: maintained by agents and admins, per language and queue, filled in for a ticket."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from dispatch import audit
from dispatch.auth.models import User
from dispatch.dbtypes import utcnow
from dispatch.desk.assignment.models import Queue
from dispatch.desk.models import CannedResponse, Ticket
from dispatch.enums import JobStatus
from dispatch.errors import Invalid, get_or_not_found
from dispatch.extensions import db
from dispatch.scheduling.models import Job

# Plain names in braces only: no attribute or index access, so a response text cannot reach any object.
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
PLACEHOLDERS = ("customer_name", "reference", "subject", "appointment", "agent_name")
LANGUAGES = ("en", "nl", "de", "fr")
EDITABLE = ("title", "body", "language", "queue_id", "active")
VISIT = (JobStatus.SCHEDULED, JobStatus.EN_ROUTE, JobStatus.ON_SITE)


def listing() -> Select:
    """All canned responses (to be ordered and paged by the caller)."""
    return select(CannedResponse)


def responses_for(ticket: Ticket, language: str | None) -> list[CannedResponse]:
    """The active responses that fit the ticket: its queue or any queue, the language or any language."""
    statement = (select(CannedResponse).where(CannedResponse.active.is_(True))
                 .where(or_(CannedResponse.queue_id.is_(None), CannedResponse.queue_id == ticket.queue_id)))
    if language:
        statement = statement.where(or_(CannedResponse.language.is_(None), CannedResponse.language == language))
    return list(db.session.scalars(statement.order_by(CannedResponse.title, CannedResponse.id)))


def get_response(response_id: int) -> CannedResponse:
    """The canned response, or NotFound."""
    return get_or_not_found(CannedResponse, response_id,
                            _l("Canned response %(id)s does not exist.", id=response_id))


def create_response(data: dict[str, Any], actor_id: int | None) -> CannedResponse:
    """Add a canned response."""
    response = CannedResponse(title="", body="", created_by_id=actor_id, active=True)
    _apply(response, data)
    db.session.add(response)
    db.session.flush()
    audit.record("canned_response.created", response, actor_id, title=response.title)
    return response


def update_response(response: CannedResponse, data: dict[str, Any], actor_id: int | None) -> CannedResponse:
    """Change a canned response's title, text, language, queue or whether it is offered."""
    _apply(response, data)
    audit.record("canned_response.updated", response, actor_id, changed=sorted(set(data) & set(EDITABLE)))
    return response


def delete_response(response: CannedResponse, actor_id: int | None) -> None:
    """Remove a canned response."""
    audit.record("canned_response.deleted", response, actor_id, title=response.title)
    db.session.delete(response)


def _apply(response: CannedResponse, data: dict[str, Any]) -> None:
    for name in EDITABLE:
        if name in data:
            setattr(response, name, data[name])
    errors: dict[str, list[str]] = {}
    response.title = (response.title or "").strip()
    if not response.title:
        errors["title"] = [_("This field is required.")]
    if not (response.body or "").strip():
        errors["body"] = [_("This field is required.")]
    unknown = sorted(set(PLACEHOLDER.findall(response.body or "")) - set(PLACEHOLDERS))
    if unknown:
        errors["body"] = [_("Unknown placeholders: %(names)s.", names=", ".join(unknown))]
    if response.language is not None and response.language not in LANGUAGES:
        errors["language"] = [_("Not a language of the app.")]
    if response.queue_id is not None and db.session.get(Queue, response.queue_id) is None:
        errors["queue_id"] = [_("No such queue.")]
    if errors:
        raise Invalid(_("Some fields are not valid."), errors=errors)


def placeholder_values(ticket: Ticket, agent: User | None) -> dict[str, str]:
    """What each placeholder stands for on this ticket; the appointment is the next visit in the company's zone."""
    visit = db.session.scalar(
        select(Job.scheduled_start).where(Job.ticket_id == ticket.id, Job.status.in_(VISIT),
                                          Job.scheduled_start >= utcnow())
        .order_by(Job.scheduled_start).limit(1))
    appointment = (format_datetime(visit, "EEEE d MMMM y, HH:mm") if visit
                   else _("(no appointment yet)"))
    return {"customer_name": ticket.customer.name, "reference": ticket.reference, "subject": ticket.subject,
            "appointment": appointment, "agent_name": agent.name if agent else ""}


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with its placeholders replaced; anything else in braces stays as written."""
    return PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), text)


def filled(response: CannedResponse, ticket: Ticket, agent: User | None) -> str:
    """The response's text for this ticket."""
    return fill(response.body, placeholder_values(ticket, agent))
