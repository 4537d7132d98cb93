"""SLA policies per priority and customer group, the company's business hours and its holidays."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import Index, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.enums import Priority, enum_column
from dispatch.extensions import db


class SlaPolicy(db.Model):
    """Response and resolution targets, in business minutes, for one priority and customer group."""

    __tablename__ = "sla_policies"
    __table_args__ = (UniqueConstraint("priority", "customer_group", name="uq_sla_policies_priority_group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    priority: Mapped[Priority] = mapped_column(enum_column(Priority))
    customer_group: Mapped[str | None] = mapped_column(String(40))  # None: customers of no (other) group
    first_response_minutes: Mapped[int]
    resolution_minutes: Mapped[int]
    # The pre-warning point: this share of the resolution time used up (owner warned, light turns amber).
    warning_percent: Mapped[int] = mapped_column(default=75, server_default="75")
    # Business minutes after a breach before the second escalation level (team lead and admins).
    second_escalation_minutes: Mapped[int] = mapped_column(default=240, server_default="240")
    # On breach, also move the ticket to the built-in "escalated" status (otherwise only the flag is set).
    set_escalated_status: Mapped[bool] = mapped_column(default=True, server_default=true())
    active: Mapped[bool] = mapped_column(default=True, server_default=true())


class BusinessHours(db.Model):
    """One opening interval of a weekday (0 Monday .. 6 Sunday), in the company's time zone."""

    __tablename__ = "business_hours"
    __table_args__ = (Index("ix_business_hours_weekday", "weekday", "opens_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    weekday: Mapped[int]
    opens_at: Mapped[time]
    closes_at: Mapped[time]


class Holiday(db.Model):
    """A day the desk is closed (national holidays, the company's own days); SLA clocks skip it."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(120))
