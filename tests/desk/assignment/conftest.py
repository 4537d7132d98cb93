"""Helpers of the assignment tests: tickets created the way intake creates them, and a settable clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from dispatch.desk import services as desk
from dispatch.desk.assignment import services as assignment


def new_tickets(customer, queue, count: int) -> list:
    """``count`` tickets created in ``queue`` through the desk's own intake (no acknowledgement mail)."""
    return [desk.create_ticket({"customer_id": customer.id, "subject": f"Question {n}", "description": "Help.",
                                "queue_id": queue.id, "acknowledge": False}, None) for n in range(count)]


@pytest.fixture
def clock(monkeypatch):
    """``clock.set(moment)`` makes assignment see that moment as now."""

    class Clock:
        def set(self, moment: datetime) -> None:
            monkeypatch.setattr(assignment, "utcnow", lambda: moment)

    return Clock()
