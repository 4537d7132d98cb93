"""The append-only audit log: who did what to which object, and when."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, event, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the system
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


def record(action: str, obj: Any, actor_id: int | None = None, **data: Any) -> AuditEvent:
    """Add an audit event for ``obj`` to the current transaction (committed with the change itself)."""
    if getattr(obj, "id", None) is None:
        db.session.flush()
    event_ = AuditEvent(
        action=action,
        object_type=type(obj).__tablename__,
        object_id=obj.id,
        actor_id=actor_id,
        data={key: _jsonable(value) for key, value in data.items()},
    )
    db.session.add(event_)
    return event_


def record_many(entries: Iterable[tuple[str, Any, dict[str, Any]]], actor_id: int | None = None) -> None:
    """Add one audit event per ``(action, obj, data)`` in a single INSERT: many saved objects changed at once."""
    now = utcnow()
    rows = [{"occurred_at": now, "actor_id": actor_id, "action": action, "object_type": type(obj).__tablename__,
             "object_id": obj.id, "data": {key: _jsonable(value) for key, value in data.items()}}
            for action, obj, data in entries]
    if rows:
        db.session.execute(insert(AuditEvent), rows)


def events_for(obj: Any) -> list[AuditEvent]:
    """All audit events of one object, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == type(obj).__tablename__, AuditEvent.object_id == obj.id)
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _refuse_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit events are never changed or deleted")


def guard_append_only() -> None:
    """Make the ORM refuse updates and deletes of audit events (the database refuses them too)."""
    if not event.contains(Session, "before_flush", _refuse_changes):
        event.listen(Session, "before_flush", _refuse_changes)
