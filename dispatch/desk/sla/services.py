"""The SLA clock of a ticket: due times in business hours, pauses, warnings and escalation."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from dispatch.desk.sla.models import SlaPolicy
from dispatch.enums import StatusCategory
from dispatch.extensions import db


def start_clock(ticket, opened_at: datetime) -> None:  # noqa: ANN001 - Ticket (import cycle)
    """Apply the ticket's SLA policy and set its first-response and resolution due times."""
    # TODO(sla engineer): business hours, holidays, customer group; this is the placeholder of the interface.
    policy = db.session.scalar(select(SlaPolicy).where(SlaPolicy.priority == ticket.priority,
                                                       SlaPolicy.customer_group.is_(None)))
    if policy is None:
        return
    ticket.sla_policy_id = policy.id
    ticket.first_response_due_at = opened_at + timedelta(minutes=policy.first_response_minutes)
    ticket.due_at = opened_at + timedelta(minutes=policy.resolution_minutes)


def status_changed(ticket, before: StatusCategory, after: StatusCategory, now: datetime) -> None:  # noqa: ANN001
    """Pause, resume or stop the clock when a ticket's status category changes."""


def first_response_given(ticket, now: datetime) -> None:  # noqa: ANN001
    """The first agent reply went out: the first-response target is met or was breached."""
