"""The app offline: shell from the service worker, the whole job queued in IndexedDB, synced once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dispatch.enums import JobStatus, TimeKind
from dispatch.extensions import db
from dispatch.field.models import PartUsage, Photo, Signature, TimeEntry
from dispatch.scheduling.models import Job
from tests.pwa.browser_support import (
    PageErrors,
    ServiceWorkerNetwork,
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
    wait_for_service_worker,
    wait_for_unsynced,
    wait_until_synced,
)
from tests.support.tasks import wait_for_tasks

pytestmark = pytest.mark.browser

WORKER_FETCH = "(path) => fetch(path, { cache: 'no-store' }).then(() => 'reached', () => 'failed')"


def test_whole_job_offline_survives_a_reload_and_syncs_exactly_once(page, context, live_server, make,
                                                                     tmp_path):
    errors = PageErrors(page)
    technician = make.user("technician")
    asset = make.asset()
    job = make.scheduled_job(technician, make.ticket(asset=asset))
    product = make.product(name="Gasket")

    sign_in(page, live_server, technician.email)
    expect(page.locator(f'a.job-card[data-job-id="{job.id}"]')).to_be_visible()
    wait_for_service_worker(page)
    worker_network = ServiceWorkerNetwork(context)

    # Offline means the service worker's own requests too, not just the page's.
    worker_network.cut = True
    context.set_offline(True)
    open_job(page, job)
    expect(page.locator("#sync-status .offline")).to_have_text("Offline")
    page.locator("#status-en_route").click()
    wait_for_unsynced(page, 1)
    page.locator("#status-on_site").click()
    wait_for_unsynced(page, 2)
    page.locator("#timer-start-work").click()
    expect(page.locator("#timer-clock")).to_be_visible()
    day, start, end, _, _ = past_period()
    add_time_entry(page, "travel", day, start, end)
    wait_for_unsynced(page, 3)
    add_part(page, product.sku, "1.5")
    wait_for_unsynced(page, 4)
    page.locator("#photo-input").set_input_files([str(jpeg(tmp_path / "a.jpg", 4000, 3000)),
                                                  str(jpeg(tmp_path / "b.jpg", 800, 600))])
    wait_for_unsynced(page, 6)

    # Reload with no network: the shell comes from the service worker, the work from IndexedDB.
    reloaded = page.reload()
    assert reloaded.from_service_worker
    page.wait_for_selector("#section-status")
    wait_for_unsynced(page, 6)
    expect(page.locator("h1 .chip")).to_have_text("On site")
    expect(page.locator("#time-list li .chip")).to_have_text("Not sent yet")
    expect(page.locator("#part-list li")).to_contain_text(product.sku)
    expect(page.locator("#photo-list li")).to_have_count(2)
    expect(page.locator("#timer-clock")).to_be_visible()  # the timer kept its start time
    page.locator("#timer-stop").click()
    wait_for_unsynced(page, 7)

    page.locator("#go-sign").click()
    expect(page.locator("#receipt-photos")).to_have_text("2 photos")
    page.get_by_label("Work done (shown to the customer)").fill("Gasket replaced.")
    draw_signature(page)
    page.locator("#sign-submit").click()
    page.wait_for_selector("#completed-note")
    wait_for_unsynced(page, 9)

    # Signing out would strand the queued work: refused.
    page.locator("a.brand").click()
    page.locator("#sign-out").click()
    expect(page.locator("#toast")).to_contain_text("Not signed out: 9 changes")
    assert "/app/" in page.url

    # The worker was offline too: what it fetched failed, and the app never needed the network for any
    # of its own files (a file missing from the precache list would show up here).
    [worker] = context.service_workers
    assert worker.evaluate(WORKER_FETCH, "/api/v1/me") == "failed"
    assert f"GET {live_server.url}/api/v1/me" in worker_network.aborted
    assert [request for request in worker_network.aborted if "/app/" in request] == []
    assert count(TimeEntry, TimeEntry.job_id == job.id) == 0  # nothing reached the server while offline
    assert "en_route" not in status_changes(job.id)

    worker_network.cut = False
    context.set_offline(False)
    wait_until_synced(page, timeout=30_000)
    wait_for_tasks()

    assert status_changes(job.id).count("en_route") == 1
    assert status_changes(job.id).count("on_site") == 1
    assert status_changes(job.id).count("completed") == 1
    db.session.rollback()
    stored = db.session.get(Job, job.id)
    assert stored.status in (JobStatus.COMPLETED, JobStatus.CLOSED)
    entries = db.session.scalars(select(TimeEntry).where(TimeEntry.job_id == job.id))
    kinds = sorted(entry.kind for entry in entries)
    assert kinds == [TimeKind.TRAVEL, TimeKind.WORK]
    assert count(PartUsage, PartUsage.job_id == job.id) == 1
    photos = db.session.scalars(select(Photo).where(Photo.job_id == job.id))
    sizes = sorted(uploaded_size(photo) for photo in photos)
    assert sizes == [(800, 600), (2048, 1536)]
    assert count(Signature, Signature.job_id == job.id) == 1

    page.locator("#sign-out").click()
    page.wait_for_url(re.compile(r"/login"))
    errors.assert_none()
