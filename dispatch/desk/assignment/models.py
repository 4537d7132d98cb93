"""Queues (departments) of agents, how they assign tickets, and who is on duty when."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.enums import AssignmentMode, enum_column
from dispatch.extensions import db


class Queue(db.Model):
    """A department or queue of the desk (service, sales, complaints) with its members."""

    __tablename__ = "queues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # Mail sent to this address lands in this queue (service@..., klachten@...).
    email_address: Mapped[str | None] = mapped_column(String(254), unique=True)
    assignment_mode: Mapped[AssignmentMode] = mapped_column(enum_column(AssignmentMode),
                                                            default=AssignmentMode.MANUAL)
    team_lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Round robin's pointer: the member who got the last ticket.
    last_assigned_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QueueMember(db.Model):
    """An agent taking tickets from a queue."""

    __tablename__ = "queue_members"

    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    active: Mapped[bool] = mapped_column(default=True)


class DutySlot(db.Model):
    """An agent on duty for a queue on a weekday from ``starts_at`` to ``ends_at`` (company time zone).

    A queue with duty slots assigns only to the agents on duty at that moment; without slots, to all members.
    """

    __tablename__ = "duty_slots"
    __table_args__ = (Index("ix_duty_slots_queue_weekday", "queue_id", "weekday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    starts_at: Mapped[time]
    ends_at: Mapped[time]
