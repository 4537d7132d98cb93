"""Reads for other capabilities: job_evidence for the job page, receipt_content for the receipt; rules."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from dispatch.dbtypes import utcnow
from dispatch.enums import PhotoStatus, TimeKind
from dispatch.extensions import db
from dispatch.field import services
from dispatch.field.models import PartUsage, Signature, TimeEntry
from tests.field.support import photo_row, slots
from tests.support.queries import recorded_statements


def add_evidence(job, technician_id: int, make, count: int) -> None:
    now = utcnow().replace(microsecond=0)
    for index in range(count):
        product = make.product()
        db.session.add_all(
            [
                TimeEntry(
                    job_id=job.id,
                    technician_id=technician_id,
                    kind=TimeKind.WORK,
                    started_at=now - timedelta(hours=index + 1),
                    ended_at=now - timedelta(hours=index, minutes=30),
                ),
                PartUsage(
                    job_id=job.id,
                    technician_id=technician_id,
                    product_id=product.id,
                    quantity=Decimal(index + 1),
                ),
                photo_row(job.id, technician_id, PhotoStatus.PROCESSED),
            ]
        )
    db.session.commit()


def statements(function, *args) -> tuple[int, object]:
    """How many SQL statements ``function(*args)`` and reading what a job page shows run, and its result."""
    db.session.expunge_all()
    with recorded_statements() as seen:
        result = function(*args)
        # Touch everything a job page shows, so that lazy loads would be counted.
        for part in result.parts:
            assert part.product.sku
    return len(seen), result


def test_job_evidence_in_constant_queries(make, tech):
    small, large = (make.scheduled_job(tech, start=start) for start in slots(2))
    add_evidence(small, tech.id, make, 1)
    add_evidence(large, tech.id, make, 10)
    db.session.add(
        Signature(
            job_id=large.id, signer_name="B", signed_at=utcnow(), png_key="p", signed_content_hash="0" * 64
        )
    )
    db.session.commit()
    small_id, large_id = small.id, large.id
    small_count, small_evidence = statements(services.job_evidence, small_id)
    large_count, large_evidence = statements(services.job_evidence, large_id)
    assert small_count == large_count == 6
    assert (len(large_evidence.time_entries), len(large_evidence.parts), len(large_evidence.photos)) == (
        10,
        10,
        10,
    )
    assert large_evidence.signature.signer_name == "B" and small_evidence.signature is None
    # Oldest work first; parts in the order used.
    starts = [entry.started_at for entry in large_evidence.time_entries]
    assert starts == sorted(starts)
    assert [part.quantity for part in large_evidence.parts] == [Decimal(n) for n in range(1, 11)]


def test_receipt_content_is_plain_json_with_the_documented_keys(app, job):
    content = services.receipt_content(job)
    assert set(content) == {
        "job_number",
        "job_kind",
        "ticket_reference",
        "ticket_subject",
        "customer_name",
        "site_address",
        "asset",
        "technician_name",
        "instructions",
        "time_entries",
        "total_minutes",
        "parts",
        "photos_count",
        "signer_name",
        "signed_at",
    }
    assert content["asset"]["serial_number"] == job.asset.serial_number
    assert content["signer_name"] is None and content["photos_count"] == 0
    assert content["instructions"] == "Replace the pump."
    assert json.loads(json.dumps(content)) == content  # nothing but JSON types


@pytest.mark.parametrize(
    ("parts", "labour", "expected"),
    [
        (10, 10, ("in_warranty", "active", "active")),
        (10, -1, ("partial", "active", "expired")),
        (None, 0, ("partial", "unknown", "active")),  # the last day still counts
        (-5, -1, ("expired", "expired", "expired")),
        (-5, None, ("expired", "expired", "unknown")),
        (None, None, ("unknown", "unknown", "unknown")),
    ],
)
def test_warranty_status(parts, labour, expected):
    day = date(2026, 11, 23)

    def until(offset):
        return None if offset is None else day + timedelta(days=offset)

    assert services.warranty_status(until(parts), until(labour), day) == expected


def test_stroke_length():
    assert services.stroke_length([[{"x": 0, "y": 0}, {"x": 3, "y": 4}], [{"x": 0, "y": 0}]]) == 5
    assert services.stroke_length([]) == 0
