"""Tickets whose SLA clock started at a chosen moment (the desk opens tickets at the real time)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dispatch.desk.sla import services as sla
from dispatch.extensions import db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(*args: int) -> datetime:
    """A moment in the company's (default) zone."""
    return datetime(*args, tzinfo=AMSTERDAM)


def opened_at(make, when: datetime, **overrides):  # noqa: ANN001, ANN201
    """A ticket made by the desk, its clock started again as if it was opened at ``when``."""
    ticket = make.ticket(acknowledge=False, **overrides)
    ticket.created_at = when
    sla.start_clock(ticket, when)
    db.session.commit()
    return ticket
