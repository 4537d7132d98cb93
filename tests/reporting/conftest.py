"""Time entries and decisions of known size on known days."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dispatch.closure.models import CoverageDecision
from dispatch.dbtypes import utcnow
from dispatch.enums import CoverageOutcome, TimeKind
from dispatch.extensions import db
from dispatch.field.models import TimeEntry

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAY = date(2026, 3, 10)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMSTERDAM)


def entry(job, technician, kind: TimeKind, start: datetime, minutes: int) -> None:
    db.session.add(TimeEntry(job_id=job.id, technician_id=technician.id, kind=kind, started_at=start,
                             ended_at=start + timedelta(minutes=minutes)))


def decide(job, outcome: CoverageOutcome, *, labour=False, parts=False, callout=False, age_minutes: int = 0) -> None:
    db.session.add(CoverageDecision(job_id=job.id, outcome=outcome, covers_labour=labour, covers_parts=parts,
                                    covers_callout=callout, reasons=["test"],
                                    decided_at=utcnow() - timedelta(minutes=age_minutes)))


class Workload:
    """Daan: a chargeable job (90 min work, 30 travel) and a covered one (60 work) for Jansen.
    Sanne: a partly covered job for Pieters (45 work covered, 15 travel billable) and an undecided one (30 work).
    Plus entries just outside the day 2026-03-10 in Amsterdam time, which a UTC day would get wrong."""

    def __init__(self, make) -> None:
        make.company()
        self.daan = make.user("technician", name="Daan Bakker")
        self.sanne = make.user("technician", name="Sanne Visser")
        self.jansen = make.customer(name="Jansen")
        self.pieters = make.customer(name="Pieters")
        self.chargeable = make.job(make.ticket(customer=self.jansen))
        self.covered = make.job(make.ticket(customer=self.jansen))
        self.partly = make.job(make.ticket(customer=self.pieters))
        self.undecided = make.job(make.ticket(customer=self.pieters))
        entry(self.chargeable, self.daan, TimeKind.WORK, local(DAY, 0, 15), 90)  # 23:15 UTC the day before
        entry(self.chargeable, self.daan, TimeKind.TRAVEL, local(DAY, 8), 30)
        entry(self.covered, self.daan, TimeKind.WORK, local(DAY, 13), 60)
        entry(self.partly, self.sanne, TimeKind.WORK, local(DAY, 9), 45)
        entry(self.partly, self.sanne, TimeKind.TRAVEL, local(DAY, 8, 30), 15)
        entry(self.undecided, self.sanne, TimeKind.WORK, local(DAY, 23, 30), 30)
        entry(self.undecided, self.sanne, TimeKind.WORK, local(DAY + timedelta(days=1), 0, 30), 60)  # 23:30 UTC
        entry(self.undecided, self.sanne, TimeKind.WORK, local(DAY - timedelta(days=1), 23, 45), 60)
        decide(self.chargeable, CoverageOutcome.CHARGEABLE)
        decide(self.covered, CoverageOutcome.CHARGEABLE, age_minutes=60)  # replaced by the agent's later decision
        decide(self.covered, CoverageOutcome.COVERED, labour=True, parts=True, callout=True)
        decide(self.partly, CoverageOutcome.PARTLY_COVERED, labour=True)
        db.session.commit()


@pytest.fixture
def workload(make) -> Workload:
    return Workload(make)

