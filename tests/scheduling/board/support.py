"""Board test data: technicians, planned jobs (conflicting ones through the audited override) and a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dispatch.extensions import db
from dispatch.scheduling import services as scheduling
from tests.support.factories import AMSTERDAM, next_weekday_at

AMSTERDAM_CENTRE = {"latitude": 52.37, "longitude": 4.89}
MAASTRICHT = {"latitude": 50.85, "longitude": 5.69}


def board_day() -> date:
    """A coming weekday: the technicians work 08:00-17:00 on it."""
    return next_weekday_at(9).astimezone(AMSTERDAM).date()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local (Amsterdam) time of ``day``, in UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMSTERDAM).astimezone(UTC)


def planned(make, technician, start: datetime, minutes: int = 60, customer=None, **job):
    """A job planned for ``technician`` at ``start`` whatever stands against it (overridden with a reason)."""
    ticket = make.ticket(customer=customer) if customer else None
    made = make.job(ticket, duration_minutes=minutes, **job)
    scheduling.schedule(made, technician.id, start, start + timedelta(minutes=minutes), None,
                        "set up by the test")
    db.session.commit()
    return made
