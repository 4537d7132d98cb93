"""A ticket's timeline: its messages and its system notes (the ticket's audit events as sentences), oldest first.

System notes are read-only: they are audit events, which the database refuses to change or delete. Each
action has a sentence in ``SENTENCES`` filled from the event's data; an action without one (or whose data lacks
a key) gets the generic sentence, so a new action never breaks the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import LazyString, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dispatch.audit import AuditEvent
from dispatch.auth.models import User
from dispatch.desk.forms import CHANNEL_LABELS, PRIORITY_LABELS, STATUS_LABELS, status_label
from dispatch.desk.models import Ticket, TicketMessage, TicketStatus
from dispatch.extensions import db

# Message events: the message itself is on the timeline, a note about it would say the same twice.
HIDDEN = {"ticket.customer_added", "ticket.reply_added", "ticket.note_added"}
SENTENCES: dict[str, LazyString] = {
    "ticket.created": _l("%(actor)s opened the ticket (%(channel)s, priority %(priority)s)."),
    "ticket.status_changed": _l("%(actor)s changed the status from %(before)s to %(after)s."),
    "ticket.reopened": _l("The customer wrote on the closed ticket; it is open again."),
    "ticket.updated": _l("%(actor)s changed %(changes)s."),
    "ticket.merged": _l("%(actor)s merged this ticket into %(into_reference)s."),
    "ticket.merged_from": _l("%(actor)s merged %(from_reference)s into this ticket."),
    "ticket.assigned": _l("%(actor)s assigned the ticket to %(owner_name)s."),
    "ticket.unassigned": _l("%(actor)s took the ticket from %(previous_owner_name)s; nobody owns it now."),
    "ticket.assignment_skipped": _l("Nobody in queue %(queue_name)s was available to take the ticket."),
    "ticket.queue_changed": _l("%(actor)s moved the ticket to queue %(queue_name)s."),
    "ticket.sla_reapplied": _l("SLA policy %(policy)s applies now; due %(due_at)s."),
    "ticket.sla_paused": _l("The SLA clock stopped."),
    "ticket.sla_resumed": _l("The SLA clock runs again after %(paused_minutes)s business minutes; due %(due_at)s."),
    "ticket.sla_warning": _l("The SLA due time is near (%(minutes_left)s business minutes left)."),
    "ticket.sla_breached": _l("The %(target)s target was missed (due %(due_at)s)."),
    "ticket.escalated": _l("The ticket was escalated (level %(level)s)."),
    "ticket.acknowledged": _l("The acknowledgement went to %(to)s."),
    "ticket.acknowledgement_skipped": _l("No acknowledgement was sent (%(reason)s)."),
    "ticket.reply_mailed": _l("%(actor)s's reply was mailed to %(to)s."),
    "ticket.customer_created_from_mail": _l("Customer %(name)s was created from the e-mail of %(email)s."),
    "ticket.mail_not_threaded": _l("An e-mail from %(sender)s could not join its ticket (%(reason)s): "
                                   "it opened this one."),
    "ticket.mail_attachments_refused": _l("Attachments were refused: %(files)s."),
    "ticket.customer_files_added": _l("The customer added files: %(files)s."),
}
GENERIC = _l("%(actor)s: %(action)s.")
TARGETS = {"first_response": _l("first-response"), "resolution": _l("resolution")}
FIELD_NAMES = {"subject": _l("the subject"), "category": _l("the category"), "subcategory": _l("the subcategory"),
               "priority": _l("the priority"), "asset_id": _l("the asset"), "custom_fields": _l("the custom fields")}


@dataclass
class Entry:
    """One line of the timeline: a message, or a system note with its sentence."""

    at: datetime
    message: TicketMessage | None = None
    note: str | None = None
    author: str | None = None

    @property
    def is_note(self) -> bool:
        return self.message is None


def ticket_events(ticket: Ticket) -> list[AuditEvent]:
    """The ticket's audit events, oldest first (one query)."""
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == Ticket.__tablename__, AuditEvent.object_id == ticket.id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)))


def timeline(ticket: Ticket, *, internal: bool = True) -> list[Entry]:
    """Messages and system notes of a ticket, oldest first; ``internal=False`` leaves the internal notes out."""
    messages = list(db.session.scalars(
        select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
        .order_by(TicketMessage.created_at, TicketMessage.id)))
    if not internal:
        messages = [message for message in messages if message.kind.value != "note"]
    events = [event for event in ticket_events(ticket) if event.action not in HIDDEN] if internal else []
    user_ids = {message.author_id for message in messages} | {event.actor_id for event in events}
    names = _user_names(user_ids - {None})
    statuses = ({status.key: status_label(status) for status in db.session.scalars(select(TicketStatus))}
                if events else {})
    entries = [Entry(message.created_at, message=message, author=names.get(message.author_id))
               for message in messages]
    entries += [Entry(event.occurred_at, note=sentence(event, names, statuses)) for event in events]
    return sorted(entries, key=lambda entry: entry.at)


def sentence(event: AuditEvent, names: dict[int, str], statuses: dict[str, str]) -> str:
    """The event as a sentence in the reader's language."""
    actor = names.get(event.actor_id) if event.actor_id else _("The system")
    values = {**(event.data or {}), "actor": actor or _("Someone"), "action": event.action}
    for key in ("before", "after"):
        if key in values:
            values[key] = str(statuses.get(values[key], STATUS_LABELS.get(values[key], values[key])))
    _describe(values, names)
    template = SENTENCES.get(event.action)
    if template is not None:
        try:
            return str(template) % values
        except (KeyError, TypeError, ValueError):
            pass
    return str(GENERIC) % values


def _describe(values: dict[str, Any], names: dict[int, str]) -> None:
    """Data values as words: channel and priority names, the owner's name, the changed fields."""
    labels: dict[str, Callable[[Any], Any]] = {
        "channel": lambda value: CHANNEL_LABELS.get(value, value),
        "priority": lambda value: PRIORITY_LABELS.get(value, value),
    }
    for key, label in labels.items():
        if key in values:
            values[key] = str(label(values[key]))
    for key in ("due_at", "first_response_due_at"):
        if isinstance(values.get(key), str):
            values[key] = _local(values[key])
    if "target" in values:
        values["target"] = str(TARGETS.get(values["target"], values["target"]))
    for key in ("files",):
        if isinstance(values.get(key), list):
            values[key] = ", ".join(str(item) for item in values[key])
    for key in ("owner_name", "previous_owner_name", "queue_name", "policy"):
        if key in values and values[key] is None:
            values[key] = "—"
    changes = values.get("changes")
    if isinstance(changes, list):
        values["changes"] = "; ".join(
            _("%(field)s from “%(before)s” to “%(after)s”", field=FIELD_NAMES.get(change[0], change[0]),
              before=_shown(change[0], change[1]), after=_shown(change[0], change[2]))
            for change in changes if isinstance(change, list) and len(change) == 3)


def _local(value: str) -> str:
    try:
        return format_datetime(datetime.fromisoformat(value), "short")
    except ValueError:
        return value


def _shown(name: str, value: Any) -> str:
    if value in (None, "", {}):
        return "—"
    if name == "priority":
        return str(PRIORITY_LABELS.get(value, value))
    return str(value)


def _user_names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return {row.id: row.name for row in db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))}
