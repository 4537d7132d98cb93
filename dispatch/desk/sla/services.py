"""The SLA clock of a ticket: due times in business hours, pauses, the policy applied and the traffic light.

The clock runs while the ticket's status is in the ``open`` category. Entering ``paused`` or ``closed`` stops
it (``sla_paused_at``); coming back to ``open`` moves both due times on by the business time it stood still,
so a reopened ticket continues with the time it had left. Warnings and escalation: ``escalation.evaluate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import g
from sqlalchemy import select

from dispatch import audit
from dispatch.admin.services import company_zone
from dispatch.dbtypes import utcnow
from dispatch.desk.sla import clock
from dispatch.desk.sla.models import BusinessHours, Holiday, SlaPolicy
from dispatch.enums import Priority, StatusCategory
from dispatch.extensions import db

if TYPE_CHECKING:
    from dispatch.desk.models import Ticket

GREEN, AMBER, RED, PAUSED, NONE = "green", "amber", "red", "paused", "none"
DEFAULT_WARNING_PERCENT = 75


@dataclass(frozen=True)
class Light:
    """A ticket's traffic light and the business minutes left to its resolution due time (negative: overdue)."""

    state: str
    minutes_left: int | None = None


@dataclass(frozen=True)
class Targets:
    """What the lights need of the policies: resolution minutes and warning percent per policy id."""

    calendar: clock.Calendar
    policies: dict[int, tuple[int, int]]


def load_calendar() -> clock.Calendar:
    """The company's business hours and holidays, read in two queries."""
    rows = db.session.execute(select(BusinessHours.weekday, BusinessHours.opens_at, BusinessHours.closes_at)).all()
    holidays = set(db.session.scalars(select(Holiday.day)))
    return clock.Calendar.of(company_zone(), [tuple(row) for row in rows], holidays)


def targets() -> Targets:
    """Calendar and policy targets, read once per request or job (the settings pages forget them on change)."""
    if "sla_targets" not in g:
        policies = {row.id: (row.resolution_minutes, row.warning_percent) for row in db.session.execute(
            select(SlaPolicy.id, SlaPolicy.resolution_minutes, SlaPolicy.warning_percent))}
        g.sla_targets = Targets(load_calendar(), policies)
    return g.sla_targets


def forget_targets() -> None:
    """Business hours, holidays or policies changed: the next light reads them again."""
    g.pop("sla_targets", None)


def policy_for(priority: Priority, customer_group: str | None) -> SlaPolicy | None:
    """The active policy of the priority for the customer group, else the one for customers of no group."""
    candidates = list(db.session.scalars(select(SlaPolicy).where(
        SlaPolicy.priority == priority, SlaPolicy.active.is_(True),
        (SlaPolicy.customer_group == customer_group) | SlaPolicy.customer_group.is_(None))))
    return next((p for p in candidates if customer_group and p.customer_group == customer_group),
                next((p for p in candidates if p.customer_group is None), None))


def start_clock(ticket: Ticket, opened_at: datetime) -> None:
    """Apply the ticket's SLA policy and set its first-response and resolution due times in business time."""
    policy = policy_for(ticket.priority, ticket.customer.customer_group if ticket.customer else None)
    if policy is None:
        ticket.sla_policy_id = ticket.first_response_due_at = ticket.due_at = None
        return
    calendar = load_calendar()
    ticket.sla_policy_id = policy.id
    ticket.first_response_due_at = clock.add_business_minutes(calendar, opened_at, policy.first_response_minutes)
    ticket.due_at = clock.add_business_minutes(calendar, opened_at, policy.resolution_minutes)


def reapply(ticket: Ticket, now: datetime | None = None, actor_id: int | None = None) -> None:
    """Priority or customer group changed: apply the now fitting policy, keeping the business time used so far.

    Call after changing ``ticket.priority`` (or the customer's group). The time used is the old policy's
    target minus what was left; a breach already recorded stays recorded, a warning is given anew.
    """
    now = now or utcnow()
    old = db.session.get(SlaPolicy, ticket.sla_policy_id) if ticket.sla_policy_id else None
    policy = policy_for(ticket.priority, ticket.customer.customer_group)
    if policy is None:
        ticket.sla_policy_id = ticket.first_response_due_at = ticket.due_at = None
        audit.record("ticket.sla_reapplied", ticket, actor_id, policy_id=None, policy=None, due_at=None,
                     first_response_due_at=None)
        return
    calendar = load_calendar()
    at = ticket.sla_paused_at or now  # a stopped clock continues from where it stopped
    used = clock.business_minutes_between(calendar, ticket.created_at, at)  # without an old clock: all of it

    def moved(due: datetime | None, old_target: int | None, new_target: int) -> datetime:
        spent = used if due is None or old_target is None else old_target - clock.business_minutes_between(
            calendar, at, due)
        return clock.add_business_minutes(calendar, at, new_target - spent)

    ticket.due_at = moved(ticket.due_at, old.resolution_minutes if old else None, policy.resolution_minutes)
    if ticket.first_responded_at is None:
        ticket.first_response_due_at = moved(ticket.first_response_due_at,
                                             old.first_response_minutes if old else None,
                                             policy.first_response_minutes)
    ticket.sla_policy_id = policy.id
    if ticket.resolution_breached_at is None:
        ticket.sla_warned_at = None
    audit.record("ticket.sla_reapplied", ticket, actor_id, policy_id=policy.id, policy=policy.name,
                 due_at=ticket.due_at, first_response_due_at=ticket.first_response_due_at)


def status_changed(ticket: Ticket, before: StatusCategory, after: StatusCategory, now: datetime) -> None:
    """Stop the clock when the status leaves ``open``; when it comes back, move the due times on."""
    if ticket.due_at is None or (before == StatusCategory.OPEN) == (after == StatusCategory.OPEN):
        return
    if after != StatusCategory.OPEN:
        if ticket.sla_paused_at is None:
            ticket.sla_paused_at = now
            audit.record("ticket.sla_paused", ticket, None, reason=after.value)
        return
    if ticket.sla_paused_at is None:
        return
    calendar = load_calendar()
    paused_at, ticket.sla_paused_at = ticket.sla_paused_at, None
    ticket.due_at = clock.add_business_minutes(calendar, now, clock.business_minutes_between(
        calendar, paused_at, ticket.due_at))
    if ticket.first_response_due_at is not None and ticket.first_responded_at is None:
        ticket.first_response_due_at = clock.add_business_minutes(calendar, now, clock.business_minutes_between(
            calendar, paused_at, ticket.first_response_due_at))
    audit.record("ticket.sla_resumed", ticket, None,
                 paused_minutes=round(clock.business_minutes_between(calendar, paused_at, now)),
                 due_at=ticket.due_at, first_response_due_at=ticket.first_response_due_at)


def first_response_given(ticket: Ticket, now: datetime) -> None:
    """The first agent reply went out: a late one is recorded as a first-response breach (once)."""
    due = ticket.first_response_due_at
    answered = ticket.sla_paused_at or now  # a stopped clock does not run late
    if due is None or answered <= due or ticket.first_response_breached_at is not None:
        return
    ticket.first_response_breached_at = now
    audit.record("ticket.sla_breached", ticket, None, target="first_response", due_at=due)


def light(ticket: Ticket, now: datetime | None = None) -> Light:
    """The ticket's traffic light (see ``lights``)."""
    return lights([ticket], now)[ticket.id]


def lights(tickets: list[Ticket], now: datetime | None = None) -> dict[int, Light]:
    """Traffic lights by ticket id, without a query per ticket (their ``status`` must be loaded).

    ``none``: closed or without SLA; ``paused`` (grey) with the time left when it stopped; ``red``: a due
    time passed (resolution, or first response still unanswered); ``amber``: past the warning point.
    """
    if not tickets:
        return {}
    now = now or utcnow()
    context = targets()
    return {ticket.id: _light(ticket, now, context) for ticket in tickets}


def _light(ticket: Ticket, now: datetime, context: Targets) -> Light:
    category = ticket.status.category
    if ticket.due_at is None or category == StatusCategory.CLOSED:
        return Light(NONE)
    calendar = context.calendar
    if category == StatusCategory.PAUSED or ticket.sla_paused_at is not None:
        at = ticket.sla_paused_at or now
        return Light(PAUSED, round(clock.business_minutes_between(calendar, at, ticket.due_at)))
    left = round(clock.business_minutes_between(calendar, now, ticket.due_at))
    unanswered = ticket.first_responded_at is None and ticket.first_response_due_at is not None
    if now >= ticket.due_at or (unanswered and now >= ticket.first_response_due_at):
        return Light(RED, left)
    total, percent = context.policies.get(ticket.sla_policy_id, (None, DEFAULT_WARNING_PERCENT))
    if total is None:
        total = clock.business_minutes_between(calendar, ticket.created_at, ticket.due_at)
    return Light(AMBER if left <= total * (100 - percent) / 100 else GREEN, left)
