"""A job that needs several visits (postponed, rescheduled, finished later) is billed once, with every visit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from dispatch.billing.models import Invoice
from dispatch.enums import JobStatus, LineKind, TimeKind
from dispatch.extensions import db
from dispatch.field import services as field
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job
from tests.closure.helpers import signature_data_url
from tests.support.factories import next_weekday_at
from tests.support.tasks import wait_for_tasks

ZONE = ZoneInfo("Europe/Amsterdam")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


def work(job, technician, start: datetime, minutes: int, kind=TimeKind.WORK) -> None:
    field.add_time_entry(job, technician.id, {"kind": kind, "started_at": start,
                                              "ended_at": start + timedelta(minutes=minutes)})


def test_two_visits_two_technicians_one_invoice(make):
    make.company(minimum_billed_minutes=30, travel_billing="both")  # 65.00/h, call-out 45.00 per visit day
    customer = make.customer(language="en")  # the lines are in the customer's language
    expired = date.today() - timedelta(days=30)
    asset = make.asset(customer, parts_warranty_until=expired, labour_warranty_until=expired)
    daan, sanne = make.user("technician", name="Daan"), make.user("technician", name="Sanne")
    job = make.scheduled_job(daan, make.ticket(asset=asset))
    first, second = date.today() - timedelta(days=2), date.today() - timedelta(days=1)

    # Visit 1: ten minutes, then the part has to be ordered: postponed and planned again.
    field.report_status(job, JobStatus.ON_SITE, daan.id)
    work(job, daan, local(first, 10), 10)
    work(job, daan, local(first, 9, 30), 20, TimeKind.TRAVEL)
    scheduling.change_status(job, JobStatus.POSTPONED, None, reason="part on order")
    start = next_weekday_at(9, days_ahead=3)
    scheduling.schedule(job, daan.id, start, start + timedelta(hours=1), None)
    db.session.commit()

    # Visit 2: Daan twenty minutes, Sanne helps for forty; the customer signs and the job completes.
    field.report_status(job, JobStatus.ON_SITE, daan.id)
    work(job, daan, local(second, 10), 20)
    work(job, sanne, local(second, 10), 40)
    work(job, daan, local(second, 9, 30), 20, TimeKind.TRAVEL)
    field.sign(job, {"signer_name": "Jan de Vries", "image": signature_data_url()}, daan.id)
    db.session.commit()
    field.complete(job, {"summary": "Valve replaced on the second visit.", "flags": []}, daan.id)
    db.session.commit()
    wait_for_tasks()
    db.session.expire_all()

    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.CLOSED
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 1
    invoice = db.session.get(Invoice, job.invoice_id)
    rows = [(line.kind, line.quantity, line.unit_price, line.net_amount) for line in invoice.lines]
    assert rows == [
        # Daan: two visits of 10 and 20 minutes, each raised to the 30-minute minimum: 60 minutes
        (LineKind.LABOUR, Decimal("1.00"), Decimal("65.00"), Decimal("65.00")),
        # Sanne: one visit of 40 minutes -> per started quarter hour: 45 minutes
        (LineKind.LABOUR, Decimal("0.75"), Decimal("65.00"), Decimal("48.75")),
        # Daan's travel over both visits: 40 minutes -> 45 (no minimum on travel)
        (LineKind.TRAVEL, Decimal("0.75"), Decimal("65.00"), Decimal("48.75")),
        # one call-out per visit day
        (LineKind.CALLOUT, Decimal("2"), Decimal("45.00"), Decimal("90.00")),
    ]
    assert "2 visit(s)" in invoice.lines[0].description and "Daan" in invoice.lines[0].description
    assert {line.job_id for line in invoice.lines} == {job.id}
