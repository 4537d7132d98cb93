"""GET /me/jobs: the technician's agenda with everything needed on site, in constant queries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dispatch.closure.models import CoverageDecision
from dispatch.dbtypes import utcnow
from dispatch.enums import CoverageOutcome, JobStatus, PhotoStatus, TimeKind
from dispatch.extensions import db
from dispatch.field.models import PartUsage, Signature, TimeEntry
from dispatch.scheduling.models import Job
from tests.field.support import photo_row, set_status, slots
from tests.support.queries import statements_for

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def visit(make, ticket, technician_id: int, days_ago: int, summary: str) -> Job:
    """A completed earlier job at the ticket's site (test data written straight to the rows)."""
    earlier = make.job(ticket)
    earlier.status, earlier.technician_id = JobStatus.COMPLETED, technician_id
    earlier.completed_at = utcnow() - timedelta(days=days_ago)
    earlier.summary = summary
    db.session.commit()
    return earlier


def with_evidence(job: Job, technician_id: int, product_id: int) -> None:
    """A time entry, a part, a photo, a signature and two coverage decisions on ``job``."""
    now = utcnow().replace(microsecond=0)
    db.session.add_all(
        [
            TimeEntry(
                job_id=job.id,
                technician_id=technician_id,
                kind=TimeKind.WORK,
                started_at=now - timedelta(days=job.id, hours=2),
                ended_at=now - timedelta(days=job.id, hours=1),
            ),
            PartUsage(
                job_id=job.id, technician_id=technician_id, product_id=product_id, quantity=Decimal("2.5")
            ),
            photo_row(job.id, technician_id, PhotoStatus.PENDING, caption="Before"),
            Signature(
                job_id=job.id,
                signer_name="Customer",
                signed_at=now,
                png_key="s",
                signed_content_hash="0" * 64,
            ),
            CoverageDecision(
                job_id=job.id,
                outcome=CoverageOutcome.NEEDS_REVIEW,
                reasons=["old"],
                decided_at=now - timedelta(hours=1),
            ),
            CoverageDecision(
                job_id=job.id, outcome=CoverageOutcome.COVERED, reasons=["in warranty"], decided_at=now
            ),
        ]
    )
    db.session.commit()


def test_agenda_has_everything_needed_on_site(tapi, tech, job, asset, make):
    other = make.user("technician", name="Piet Smit")
    visits = [
        visit(make, job.ticket, other.id, days_ago=days, summary=f"Visit {days}") for days in range(1, 8)
    ]
    with_evidence(job, tech.id, make.product(sku="V-1", name="Valve").id)

    r = tapi.get("me/jobs")
    assert r.status_code == 200, r.json
    [item] = r.json["items"]
    assert item["id"] == job.id and item["number"] == job.number and item["status"] == "scheduled"
    assert item["instructions"] == "Replace the pump."
    customer = job.site.customer
    assert item["customer"] == {
        "id": customer.id,
        "name": customer.name,
        "phone": customer.phone,
        "email": customer.email,
    }
    assert item["site"]["address"] == job.site.address_line
    assert (item["site"]["latitude"], item["site"]["longitude"]) == (job.site.latitude, job.site.longitude)
    assert "access_notes" in item["site"]
    assert item["asset"]["serial_number"] == asset.serial_number
    assert item["asset"]["parts_warranty_until"] == asset.parts_warranty_until.isoformat()
    assert (
        item["asset"]["warranty_status"],
        item["asset"]["parts_warranty"],
        item["asset"]["labour_warranty"],
    ) == ("partial", "active", "expired")
    assert item["ticket"]["reference"] == job.ticket.reference
    assert item["ticket"]["subject"] == "Boiler makes noise"
    assert item["ticket"]["description"] == "Rattling since Monday."
    # The last five visits, newest first, each with who did it.
    assert [v["number"] for v in item["earlier_visits"]] == [v.number for v in visits[:5]]
    assert item["earlier_visits"][0] | {"date": None} == {
        "job_id": visits[0].id,
        "number": visits[0].number,
        "kind": "repair",
        "status": "completed",
        "summary": "Visit 1",
        "technician_name": "Piet Smit",
        "date": None,
    }
    assert item["photos"][0]["caption"] == "Before"
    assert item["photos"][0]["url"] == f"/api/v1/photos/{item['photos'][0]['id']}"
    assert item["photos"][0]["thumbnail_url"].endswith("/thumbnail")
    assert item["time_entries"][0]["minutes"] == 60
    assert item["parts"][0] | {"id": 0} == {
        "id": 0,
        "job_id": job.id,
        "product_id": item["parts"][0]["product_id"],
        "sku": "V-1",
        "name": "Valve",
        "unit": "C62",
        "unit_price": "12.5000",
        "quantity": "2.500",
    }
    assert item["signed"] is True and item["signature"]["signer_name"] == "Customer"
    assert item["coverage"]["outcome"] == "covered" and item["coverage"]["reasons"] == ["in warranty"]


def test_agenda_lists_only_own_uncancelled_jobs_in_the_window(tapi, tech, job, make):
    later = make.scheduled_job(tech, start=slots(1, date.today() + timedelta(days=9))[0])
    cancelled = make.scheduled_job(tech, start=slots(4)[3])
    set_status(cancelled, JobStatus.CANCELLED)
    make.scheduled_job(make.user("technician"))  # someone else's

    r = tapi.get("me/jobs")
    assert r.status_code == 200
    assert [item["id"] for item in r.json["items"]] == [job.id]
    assert (
        r.json["from"]
        == datetime.combine(utcnow().astimezone(AMSTERDAM).date(), time(0), AMSTERDAM).isoformat()
    )
    assert datetime.fromisoformat(r.json["to"]) - datetime.fromisoformat(r.json["from"]) == timedelta(days=7)

    r = tapi.get(
        f"me/jobs?from={date.today().isoformat()}&to={(date.today() + timedelta(days=20)).isoformat()}"
    )
    assert [item["id"] for item in r.json["items"]] == [job.id, later.id]
    start = later.scheduled_start
    r = tapi.get(
        "me/jobs", query_string={"from": start.isoformat(), "to": (start + timedelta(hours=1)).isoformat()}
    )
    assert [item["id"] for item in r.json["items"]] == [later.id]


def test_agenda_without_asset_or_history(tapi, tech, make):
    bare = make.scheduled_job(tech, make.ticket())
    r = tapi.get("me/jobs")
    [item] = r.json["items"]
    assert item["id"] == bare.id
    assert item["asset"] is None and item["earlier_visits"] == [] and item["coverage"] is None
    assert item["signed"] is False and item["signature"] is None
    assert item["photos"] == item["time_entries"] == item["parts"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-11-23T08:00:00"}, "from"),  # no offset
        ({"from": "tomorrow"}, "from"),
        ({"to": "2026-13-01"}, "to"),
        ({"from": "2026-11-23", "to": "2026-11-22"}, "to"),
        ({"from": "2026-11-01", "to": "2026-12-15"}, "to"),  # longer than 31 days
    ],
)
def test_agenda_window_is_checked(tapi, tech, query, field):
    r = tapi.get("me/jobs", query_string=query)
    assert r.status_code == 422
    assert r.mimetype == "application/problem+json"
    assert field in r.json["errors"]


@pytest.mark.parametrize("role", ["agent", "billing", "admin"])
def test_agenda_is_for_technicians_only(api, make, role):
    assert api.as_user(make.user(role)).get("me/jobs").status_code == 403


def test_agenda_needs_sign_in(api):
    r = api.get("me/jobs")
    assert r.status_code == 401
    assert r.mimetype == "application/problem+json"


def test_agenda_runs_the_same_number_of_queries_for_2_and_20_jobs(api, make):
    other_id = make.user("technician").id  # one earlier technician: the joined load must not rely on it
    counts = {}
    for number in (2, 20):
        technician = make.user("technician")
        for start in slots(number):
            ticket = make.ticket(asset=make.asset())
            job = make.scheduled_job(technician, ticket, start=start)
            visit(make, ticket, other_id, days_ago=3, summary="Earlier")
            with_evidence(job, technician.id, make.product().id)  # a product each: no cache hides N+1
        client = api.as_user(technician)
        path = f"me/jobs?from={date.today().isoformat()}&to={(date.today() + timedelta(days=14)).isoformat()}"
        counts[number], response = statements_for(client, path)
        assert response.status_code == 200
        items = response.json["items"]
        assert len(items) == number
        assert all(
            item["earlier_visits"]
            and item["photos"]
            and item["parts"]
            and item["coverage"]
            and item["signed"]
            and item["asset"]
            for item in items
        )
    assert counts[2] == counts[20], counts
    assert counts[20] <= 15, counts
