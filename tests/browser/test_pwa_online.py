"""The technician's whole online path in the app, in headless Chromium at phone size."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dispatch.enums import JobStatus, TimeKind
from dispatch.extensions import db
from dispatch.field.models import PartUsage, Photo, Signature, TimeEntry
from dispatch.scheduling.models import Job
from tests.pwa.browser_support import (
    PageErrors,
    add_part,
    add_time_entry,
    count,
    draw_signature,
    jpeg,
    open_job,
    past_period,
    sign_in,
    status_changes,
    uploaded_size,
    wait_until_synced,
)
from tests.support.tasks import wait_for_tasks

pytestmark = pytest.mark.browser


def test_technician_does_a_whole_job_online(page, live_server, make, tmp_path):
    errors = PageErrors(page)
    technician = make.user("technician")
    asset = make.asset()
    job = make.scheduled_job(technician, make.ticket(asset=asset), instructions="Key under the mat.")
    product = make.product(name="Pressure valve")
    earlier = make.job(job.ticket)  # a visit at the same site, done before
    earlier.status, earlier.completed_at = JobStatus.COMPLETED, datetime.now(UTC) - timedelta(days=30)
    earlier.summary = "Replaced the pump."
    db.session.commit()

    sign_in(page, live_server, technician.email)
    card = page.locator(f'a.job-card[data-job-id="{job.id}"]')
    expect(card).to_contain_text(asset.customer.name)
    open_job(page, job)
    expect(page.get_by_role("heading", level=1)).to_contain_text(job.number)
    expect(page.locator("#call-customer")).to_have_attribute("href", "tel:+31612345678")
    expect(page.locator("#navigate")).to_have_attribute("href", re.compile(r"52\.09"))
    expect(page.get_by_text("Key under the mat.")).to_be_visible()
    expect(page.get_by_text("Rattling since Monday.")).to_be_visible()
    visit = page.locator("#section-history li")
    expect(visit).to_have_count(1)
    expect(visit.locator("strong")).to_have_text(re.compile(r"^\d{1,2} \w{3}, \d\d:\d\d$"))  # when it was done
    expect(visit).to_contain_text(f"{earlier.number} Repair")
    expect(visit).to_contain_text("Replaced the pump.")
    expect(page.locator("#section-status")).to_contain_text("")

    page.locator("#status-en_route").click()
    wait_until_synced(page)
    expect(page.locator("h1 .chip")).to_have_text("En route")
    page.locator("#status-on_site").click()
    wait_until_synced(page)
    expect(page.locator("h1 .chip")).to_have_text("On site")

    day, start, end, started, ended = past_period()
    add_time_entry(page, "work", day, start, end, note="Replaced the valve")
    wait_until_synced(page)
    expect(page.locator("#time-list li")).to_have_count(1)
    expect(page.locator("#time-list li .chip")).to_have_text("Sent")

    add_part(page, product.sku, "2")
    wait_until_synced(page)
    expect(page.locator("#part-list li")).to_contain_text("Pressure valve")

    page.get_by_label("Caption for the next photo (optional)").fill("Old valve")
    page.locator("#photo-input").set_input_files(str(jpeg(tmp_path / "valve.jpg", 3000, 2000)))
    expect(page.locator("#photo-list li figure")).to_have_count(1)
    expect(page.locator("#photo-list li .chip")).to_have_text("Sent", timeout=30_000)
    wait_until_synced(page)

    page.locator("#go-sign").click()
    expect(page.locator("#receipt-hours")).to_contain_text("work 0:45 h")
    expect(page.locator("#receipt-photos")).to_have_text("1 photo")
    summary = "Replaced the pressure valve; boiler quiet again."
    page.get_by_label("Work done (shown to the customer)").fill(summary)
    expect(page.get_by_label("Name of the person signing")).to_have_value(asset.customer.name)
    draw_signature(page)
    page.locator("#sign-submit").click()
    page.wait_for_selector("#completed-note")
    wait_until_synced(page)
    wait_for_tasks()

    assert status_changes(job.id).count("en_route") == 1
    assert status_changes(job.id).count("on_site") == 1
    assert status_changes(job.id).count("completed") == 1
    db.session.rollback()
    stored = db.session.get(Job, job.id)
    assert stored.status in (JobStatus.COMPLETED, JobStatus.CLOSED)
    assert stored.summary == summary

    entries = db.session.scalars(select(TimeEntry).where(TimeEntry.job_id == job.id)).all()
    assert len(entries) == 1
    assert entries[0].kind == TimeKind.WORK
    assert (entries[0].started_at, entries[0].ended_at) == (started, ended)
    assert entries[0].note == "Replaced the valve"

    parts = db.session.scalars(select(PartUsage).where(PartUsage.job_id == job.id)).all()
    assert [(part.product_id, part.quantity) for part in parts] == [(product.id, Decimal("2.000"))]

    photos = db.session.scalars(select(Photo).where(Photo.job_id == job.id)).all()
    assert len(photos) == 1
    assert photos[0].caption == "Old valve"
    assert uploaded_size(photos[0]) == (2048, 1365)  # downscaled on the phone from 3000 x 2000

    assert count(Signature, Signature.job_id == job.id) == 1
    signature = db.session.scalar(select(Signature).where(Signature.job_id == job.id))
    assert signature.signer_name == asset.customer.name
    assert signature.strokes and sum(len(stroke) for stroke in signature.strokes) > 20
    errors.assert_none()


def test_signing_ends_a_running_timer_so_the_receipt_holds_every_hour(page, live_server, make):
    errors = PageErrors(page)
    technician = make.user("technician")
    job = make.scheduled_job(technician, make.ticket(asset=make.asset()))

    sign_in(page, live_server, technician.email)
    open_job(page, job)
    page.locator("#status-on_site").click()
    wait_until_synced(page)
    page.locator("#timer-start-work").click()
    expect(page.locator("#timer-clock")).to_be_visible()

    page.locator("#go-sign").click()
    expect(page.locator("#receipt-hours")).to_contain_text("work")
    page.get_by_label("Work done (shown to the customer)").fill("Bled the radiators.")
    draw_signature(page)
    page.locator("#sign-submit").click()
    page.wait_for_selector("#completed-note")
    wait_until_synced(page)
    wait_for_tasks()

    db.session.rollback()
    assert count(TimeEntry, TimeEntry.job_id == job.id) == 1  # the timer's period, sent before the signature
    assert count(Signature, Signature.job_id == job.id) == 1
    assert db.session.get(Job, job.id).status in (JobStatus.COMPLETED, JobStatus.CLOSED)
    errors.assert_none()
