"""Telling customers about their appointment: confirmed, moved or cancelled (mail in the same transaction).

What the customer is promised is an *arrival window*, not the planned start: the job's agreed
``window_start..window_end`` when the visit starts inside it, else the planned start rounded down to the
half hour, for two hours (a technician's earlier stop may run late or finish early). A mail goes out
only when that window changes: a new technician at the same time, a schedule to the same slot or a
move inside the agreed window says nothing new to the customer. Each mail is written in the customer's
language with times in the company's zone; a customer without an e-mail address gets none. The last mail
sent for a job is kept in its audit trail, so the same change never mails twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale, format_date, format_time
from flask_babel import gettext as _
from sqlalchemy import select

from dispatch import audit
from dispatch.admin.services import company
from dispatch.audit import AuditEvent
from dispatch.auth.models import User
from dispatch.customers.models import Customer
from dispatch.extensions import db
from dispatch.i18n import locale_for
from dispatch.mail import queue_mail
from dispatch.scheduling.calendar_feed import ics
from dispatch.scheduling.models import Job
from dispatch.storage import storage

WINDOW_LENGTH = timedelta(hours=2)
WINDOW_STEP = timedelta(minutes=30)
NOTIFIED = "job.customer_notified"
CONFIRMED, MOVED, CANCELLED = "confirmation", "new_time", "cancellation"
ICS_TYPE = "text/calendar"


@dataclass(frozen=True)
class Appointment:
    """Who was coming when, before a change."""

    technician_id: int | None
    start: datetime | None
    end: datetime | None


def arrival_window(job: Job, start: datetime) -> tuple[datetime, datetime]:
    """The arrival window promised for a visit of ``job`` starting at ``start`` (see the module's docstring)."""
    if job.window_start and job.window_end and job.window_start <= start <= job.window_end:
        return job.window_start.astimezone(UTC), job.window_end.astimezone(UTC)
    start = start.astimezone(UTC)
    epoch = datetime(2000, 1, 1, tzinfo=UTC)  # whole half hours in UTC are whole in CET/CEST too
    begin = start - (start - epoch) % WINDOW_STEP
    return begin, begin + WINDOW_LENGTH


def appointment_changed(job: Job, before: Appointment, actor_id: int | None) -> None:
    """Queue the confirmation (first planning) or the new-time mail (reschedule) for the job's customer."""
    if job.scheduled_start is None:
        return
    window = arrival_window(job, job.scheduled_start)
    last = last_notice(job)
    if before.start is None or (last or {}).get("kind") == CANCELLED:
        kind = CONFIRMED  # first planning, or planned again after the customer heard the visit was off
    elif arrival_window(job, before.start) == window:
        return  # technician swap, same slot, or a move inside the agreed window
    else:
        kind = MOVED
    _notify(job, kind, window, last, actor_id)


def appointment_cancelled(job: Job, before: Appointment, reason: str | None, actor_id: int | None) -> None:
    """Queue the cancellation mail when a planned visit is cancelled or postponed.

    The office's ``reason`` is internal (it is in the audit trail) and not written to the customer.
    """
    if before.start is None:
        return  # never planned, so never promised
    _notify(job, CANCELLED, arrival_window(job, before.start), last_notice(job), actor_id)


def _notify(job: Job, kind: str, window: tuple[datetime, datetime], last: dict | None, actor_id: int | None) -> None:
    """Queue the ``kind`` mail for ``window`` unless the customer has no address or ``last`` said just that."""
    customer = job.site.customer
    if not customer.email or _already_told(last, kind, window):
        return
    settings = company()
    with force_locale(locale_for(customer.language)):
        subject, paragraphs = _TEXTS[kind](job, window)
        body = "\n\n".join([_("Dear %(name)s,", name=customer.name), *paragraphs,
                            _("Kind regards,") + "\n" + settings.name])
        attachments = [] if kind == CANCELLED else [_calendar_file(job, window, customer, settings.name)]
    mail = queue_mail(customer.email, f"[{job.ticket.reference}] {subject}", body, attachments=attachments,
                      related=job)
    audit.record(NOTIFIED, job, actor_id, kind=kind, window_start=window[0], window_end=window[1],
                 to=customer.email, mail_id=mail.id)


def _already_told(last: dict | None, kind: str, window: tuple[datetime, datetime]) -> bool:
    """Whether the last appointment mail (``last_notice``) said exactly this already."""
    last = last or {}
    return (last.get("kind"), last.get("window_start"), last.get("window_end")) == (
        kind, window[0].isoformat(), window[1].isoformat())


def last_notice(job: Job) -> dict | None:
    """The data of the last appointment mail queued for ``job`` (kind, window, address, mail id), if any."""
    return db.session.scalar(
        select(AuditEvent.data).where(AuditEvent.object_type == Job.__tablename__, AuditEvent.object_id == job.id,
                                      AuditEvent.action == NOTIFIED)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(1))


def _when(window: tuple[datetime, datetime]) -> tuple[str, str]:
    """The window's day and its "09:00–11:00", in the current language and the company's zone."""
    return format_date(window[0], "full"), f"{format_time(window[0], 'short')}–{format_time(window[1], 'short')}"


def _visit_facts(job: Job, window: tuple[datetime, datetime]) -> str:
    day, hours = _when(window)
    lines = [_("Date: %(day)s", day=day), _("Arrival between %(hours)s", hours=hours),
             _("Address: %(address)s", address=job.site.address_line)]
    # job.technician may still be the one before the change: read the assigned one by its id.
    technician = db.session.get(User, job.technician_id) if job.technician_id else None
    if technician is not None:
        lines.append(_("Technician: %(name)s", name=_first_name(technician.name)))
    lines.append(_("Ticket: %(reference)s, job %(number)s", reference=job.ticket.reference, number=job.number))
    return "\n".join(lines)


def _contact() -> str:
    settings = company()
    return _("To move or cancel the appointment, reply to this e-mail or call us at %(phone)s, quoting your "
             "ticket reference.", phone=settings.phone or "-")


def _confirmation(job: Job, window: tuple[datetime, datetime]) -> tuple[str, list[str]]:
    day, hours = _when(window)
    return _("Your appointment on %(day)s, %(hours)s", day=day, hours=hours), [
        _("We have planned a visit for your request \"%(subject)s\".", subject=job.ticket.subject),
        _visit_facts(job, window),
        _("Please make sure that someone is at home, that the technician can reach the appliance or the place "
          "of the work, and keep any manuals, invoices or warranty papers at hand."),
        _contact(),
        _("The attached calendar file puts the visit in your calendar."),
    ]


def _new_time(job: Job, window: tuple[datetime, datetime]) -> tuple[str, list[str]]:
    day, hours = _when(window)
    return _("New time for your appointment: %(day)s, %(hours)s", day=day, hours=hours), [
        _("The visit for your request \"%(subject)s\" has moved. The new time replaces the earlier one.",
          subject=job.ticket.subject),
        _visit_facts(job, window),
        _contact(),
        _("The attached calendar file updates the visit in your calendar."),
    ]


def _cancellation(job: Job, window: tuple[datetime, datetime]) -> tuple[str, list[str]]:
    day, hours = _when(window)
    return _("Your appointment on %(day)s is cancelled", day=day), [
        _("The visit planned on %(day)s between %(hours)s for your request \"%(subject)s\" will not take place.",
          day=day, hours=hours, subject=job.ticket.subject),
        _("We will contact you for a new appointment. Questions? Reply to this e-mail, quoting your ticket "
          "reference %(reference)s.", reference=job.ticket.reference),
    ]


_TEXTS = {CONFIRMED: _confirmation, MOVED: _new_time, CANCELLED: _cancellation}


def _first_name(name: str) -> str:
    return name.split()[0] if name.strip() else name


def _calendar_file(job: Job, window: tuple[datetime, datetime], customer: Customer, company_name: str) -> dict:
    """The visit as an .ics attachment (stored, as outbox attachments are), in the current language."""
    visit = ics.Visit(
        uid=f"{job.number}-customer@{ics.host()}", start=window[0], end=window[1],
        summary=_("Visit of %(company)s (%(reference)s)", company=company_name, reference=job.ticket.reference),
        location=job.site.address_line, description=job.ticket.subject, changed_at=job.updated_at or window[0])
    key = storage().put(ics.document([visit]), prefix="mail", suffix=".ics")
    return {"filename": f"{job.ticket.reference}.ics", "content_type": ICS_TYPE, "storage_key": key}

