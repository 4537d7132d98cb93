"""The periodic SLA evaluation: pre-warning, breaches, and the two escalation levels, each step once.

Every step is guarded by the ticket's own columns (``sla_warned_at``, ``*_breached_at``,
``escalation_level``), written in the same transaction as its audit event and its mails, so a second run
finds nothing left to do. The reading is a fixed number of queries whatever the number of tickets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from dispatch import audit
from dispatch.auth.models import User
from dispatch.dbtypes import utcnow
from dispatch.desk.assignment.models import Queue
from dispatch.desk.models import Ticket, TicketStatus
from dispatch.desk.sla import clock
from dispatch.desk.sla.models import SlaPolicy
from dispatch.desk.sla.services import load_calendar
from dispatch.enums import Role, StatusCategory
from dispatch.extensions import db
from dispatch.i18n import locale_for
from dispatch.mail import queue_mail

ESCALATED_STATUS = "escalated"
WARNING, BREACHED, ESCALATED = "ticket.sla_warning", "ticket.sla_breached", "ticket.escalated"
FIRST_RESPONSE, RESOLUTION = "first_response", "resolution"


@dataclass
class Run:
    """What one evaluation has read: calendar, policies, statuses, recipients."""

    now: datetime
    calendar: clock.Calendar
    policies: dict[int, SlaPolicy]
    escalated_status: TicketStatus | None
    users: dict[int, User]
    team_leads: dict[int, int | None]
    admins: list[User]


def evaluate(now: datetime | None = None) -> int:
    """Warn, flag breaches and escalate the tickets whose moment has come; the number of steps taken."""
    now = now or utcnow()
    policies = {policy.id: policy for policy in db.session.scalars(select(SlaPolicy))}
    statuses = list(db.session.scalars(select(TicketStatus)))
    open_ids = [status.id for status in statuses if status.category == StatusCategory.OPEN]
    if not policies or not open_ids:
        return 0
    calendar = load_calendar()
    tickets = _candidates(now, calendar, policies.values(), open_ids)
    if not tickets:
        return 0
    queue_ids = {t.queue_id for t in tickets if t.queue_id is not None}
    team_leads = {row.id: row.team_lead_id for row in db.session.execute(
        select(Queue.id, Queue.team_lead_id).where(Queue.id.in_(queue_ids)))} if queue_ids else {}
    user_ids = {t.owner_id for t in tickets if t.owner_id} | {lead for lead in team_leads.values() if lead}
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(user_ids)))} \
        if user_ids else {}
    admins = list(db.session.scalars(select(User).where(User.role == Role.ADMIN, User.active.is_(True))
                                     .order_by(User.id)))
    run = Run(now, calendar, policies, next((s for s in statuses if s.key == ESCALATED_STATUS), None), users,
              team_leads, admins)
    steps = sum(_evaluate_ticket(ticket, run) for ticket in tickets)
    db.session.commit()  # the boundary of a periodic job, as a request's
    return steps


def _candidates(now: datetime, calendar: clock.Calendar, policies: Iterable[SlaPolicy], open_ids: list[int]) \
        -> list[Ticket]:
    """Running tickets with a step possibly due, in one query on the (status, due time) index.

    The warning point lies a share of the resolution time before the due time, so a ticket may need its
    warning only if it is due within that share from now; the second level only after at least its
    business minutes of real time since the first escalation (business time never runs faster than the wall
    clock, and every breach comes at or after the first).
    """
    policies = list(policies)
    warn_until = max(clock.add_business_minutes(calendar, now, p.resolution_minutes * (100 - p.warning_percent)
                                                / 100) for p in policies)
    second_after = now - timedelta(minutes=min(p.second_escalation_minutes for p in policies))
    statement = (
        select(Ticket).where(
            Ticket.status_id.in_(open_ids), Ticket.sla_paused_at.is_(None), Ticket.sla_policy_id.is_not(None),
            Ticket.due_at.is_not(None),
            or_(and_(Ticket.sla_warned_at.is_(None), Ticket.resolution_breached_at.is_(None),
                     Ticket.due_at <= warn_until),
                and_(Ticket.resolution_breached_at.is_(None), Ticket.due_at <= now),
                and_(Ticket.first_response_breached_at.is_(None), Ticket.first_responded_at.is_(None),
                     Ticket.first_response_due_at <= now),
                and_(Ticket.escalation_level == 1, Ticket.escalated_at <= second_after)))
        .order_by(Ticket.due_at, Ticket.id)
        .with_for_update(skip_locked=True)  # two evaluations at once never take the same step twice
    )
    return list(db.session.scalars(statement))


def _evaluate_ticket(ticket: Ticket, run: Run) -> int:
    """The steps due for one ticket, in their order; the number taken."""
    policy = run.policies.get(ticket.sla_policy_id)
    if policy is None or ticket.merged_into_id is not None:  # a merged ticket lives on in the one it joined
        return 0
    steps = 0
    for target, due in ((FIRST_RESPONSE, ticket.first_response_due_at), (RESOLUTION, ticket.due_at)):
        if due is not None and due <= run.now and _breachable(ticket, target):
            _breach(ticket, target, due, policy, run)
            steps += 1
    if ticket.sla_warned_at is None and ticket.resolution_breached_at is None:
        left = clock.business_minutes_between(run.calendar, run.now, ticket.due_at)
        if left <= policy.resolution_minutes * (100 - policy.warning_percent) / 100:
            _warn(ticket, left, run)
            steps += 1
    breach = _outstanding_breach(ticket)
    if ticket.escalation_level == 1 and breach is not None and clock.business_minutes_between(
            run.calendar, breach, run.now) >= policy.second_escalation_minutes:
        _escalate(ticket, 2, run, [run.team_leads.get(ticket.queue_id)], admins=True)
        steps += 1
    return steps


def _outstanding_breach(ticket: Ticket) -> datetime | None:
    """When the breach still unmended happened: the resolution's, else an unanswered first response's."""
    if ticket.resolution_breached_at is not None:
        return ticket.resolution_breached_at
    return ticket.first_response_breached_at if ticket.first_responded_at is None else None


def _breachable(ticket: Ticket, target: str) -> bool:
    if target == FIRST_RESPONSE:
        return ticket.first_response_breached_at is None and ticket.first_responded_at is None
    return ticket.resolution_breached_at is None


def _warn(ticket: Ticket, minutes_left: float, run: Run) -> None:
    ticket.sla_warned_at = run.now
    to = _mail(ticket, run, [ticket.owner_id], lambda: (
        _("SLA warning: %(reference)s is due at %(due)s", reference=ticket.reference, due=_when(ticket.due_at)),
        _("Ticket %(reference)s (%(subject)s) has used most of its resolution time; %(minutes)s business "
          "minutes are left.", reference=ticket.reference, subject=ticket.subject, minutes=round(minutes_left))))
    audit.record(WARNING, ticket, None, due_at=ticket.due_at, minutes_left=round(minutes_left), to=to)


def _breach(ticket: Ticket, target: str, due: datetime, policy: SlaPolicy, run: Run) -> None:
    """Record the breach; the first one of the ticket escalates it to level 1."""
    setattr(ticket, f"{target}_breached_at", run.now)
    to = _mail(ticket, run, [ticket.owner_id, run.team_leads.get(ticket.queue_id)], lambda: (
        _("SLA breached: %(reference)s, %(target)s was due at %(due)s", reference=ticket.reference,
          target=_target_name(target), due=_when(due)),
        _("Ticket %(reference)s (%(subject)s) missed its %(target)s time (%(due)s).", reference=ticket.reference,
          subject=ticket.subject, target=_target_name(target), due=_when(due))))
    audit.record(BREACHED, ticket, None, target=target, due_at=due, to=to)
    if ticket.escalation_level >= 1:
        return
    if policy.set_escalated_status and run.escalated_status is not None \
            and ticket.status_id != run.escalated_status.id:
        before = ticket.status
        ticket.move_to(run.escalated_status)
        audit.record("ticket.status_changed", ticket, None, before=before.key, after=ESCALATED_STATUS)
    _escalate(ticket, 1, run, [], admins=False)  # owner and team lead have the breach mail


def _target_name(target: str) -> str:
    return _("first response") if target == FIRST_RESPONSE else _("resolution")


def _escalate(ticket: Ticket, level: int, run: Run, recipients: list[int | None], *, admins: bool) -> None:
    ticket.escalation_level = level
    ticket.escalated_at = run.now
    to: list[str] = []
    if recipients or admins:
        to = _mail(ticket, run, recipients, lambda: (
            _("Escalation level %(level)s: %(reference)s", level=level, reference=ticket.reference),
            _("Ticket %(reference)s (%(subject)s) breached its SLA and is still not resolved; it is escalated "
              "to level %(level)s.", reference=ticket.reference, subject=ticket.subject, level=level)),
            extra=run.admins if admins else [])
    audit.record(ESCALATED, ticket, None, level=level, to=to)


def _mail(ticket: Ticket, run: Run, user_ids: list[int | None], text: Callable[[], tuple[str, str]],
          extra: list[User] | None = None) -> list[str]:
    """Mail each active recipient once, in their own language (``text`` gives subject and paragraph in the
    current one); the addresses written to."""
    recipients: dict[str, User] = {}
    for user in [run.users.get(user_id) for user_id in user_ids if user_id] + list(extra or []):
        if user is not None and user.active:
            recipients.setdefault(user.email, user)
    for address, user in recipients.items():
        with force_locale(locale_for(user.language)):
            subject, paragraph = text()
            body = "\n\n".join([_("Hello %(name)s,", name=user.name), paragraph,
                                _("Reference: %(reference)s", reference=ticket.reference)])
        queue_mail(address, f"[{ticket.reference}] {subject}", body, related=ticket,
                   headers={"Auto-Submitted": "auto-generated"})
    return list(recipients)


def _when(moment: datetime) -> str:
    """A due time in the company's zone and the current language."""
    return format_datetime(moment, "short")
