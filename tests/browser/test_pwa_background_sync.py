"""Background Sync: the service worker sends the outbox itself, with or without an app page open."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.field.models import PartUsage, Photo, TimeEntry
from tests.pwa.browser_support import (
    ApiPosts,
    BackgroundSync,
    PageErrors,
    add_part,
    add_time_entry,
    count,
    jpeg,
    outbox_size,
    past_period,
    signed_in_on_a_job,
    status_changes,
    uploaded_size,
    wait_for_unsynced,
    wait_until_synced,
)

pytestmark = pytest.mark.browser


def queue_four_actions_offline(page, context, job, product, tmp_path) -> None:
    """Status, hours, a part and a photo, all done with no network: 4 records in the outbox."""
    context.set_offline(True)
    page.locator("#status-en_route").click()
    wait_for_unsynced(page, 1)
    day, start, end, _, _ = past_period()
    add_time_entry(page, "travel", day, start, end)
    wait_for_unsynced(page, 2)
    add_part(page, product.sku, "2")
    wait_for_unsynced(page, 3)
    page.locator("#photo-input").set_input_files(str(jpeg(tmp_path / "meter.jpg", 3000, 2000)))
    wait_for_unsynced(page, 4)


def on_server_once(job) -> bool:
    return (count(TimeEntry, TimeEntry.job_id == job.id), count(PartUsage, PartUsage.job_id == job.id),
            count(Photo, Photo.job_id == job.id), status_changes(job.id).count("en_route")) == (1, 1, 1, 1)


def app_pages(context) -> list:
    return [page for page in context.pages if "/app/" in page.url]


def test_service_worker_sends_the_outbox_with_no_app_page_open(page, context, live_server, make, tmp_path):
    errors = PageErrors(page)
    job, product = signed_in_on_a_job(page, live_server, make)
    queue_four_actions_offline(page, context, job, product, tmp_path)
    errors.assert_none()

    background_sync = BackgroundSync(context, live_server)
    posts = ApiPosts(context)
    page.close()  # the technician closes the app; the browser (and the service worker) stay
    assert app_pages(context) == []
    context.set_offline(False)
    background_sync.fire()

    background_sync.wait_until(lambda: on_server_once(job), what="the four actions on the server")
    [worker] = context.service_workers
    background_sync.wait_until(lambda: outbox_size(worker) == 0, what="an empty outbox")
    assert on_server_once(job)
    assert posts.senders() == {"service worker"}
    keys = posts.idempotency_keys()
    assert len(keys) == 4 and len(set(keys)) == 4 and None not in keys
    photo = db.session.scalar(select(Photo).where(Photo.job_id == job.id))
    assert uploaded_size(photo) == (2048, 1365)  # the phone's downscaled copy, sent from the worker
    assert app_pages(context) == []


def test_sync_event_while_the_app_is_open_doubles_nothing(page, context, live_server, make, tmp_path):
    errors = PageErrors(page)
    job, product = signed_in_on_a_job(page, live_server, make)
    queue_four_actions_offline(page, context, job, product, tmp_path)
    background_sync = BackgroundSync(context, live_server)
    posts = ApiPosts(context)

    # Back online: the page's own round ("online"), the worker's (sync event) and "Sync now" all at once.
    context.set_offline(False)
    background_sync.fire()
    page.locator("#sync-now").click()
    background_sync.fire()
    wait_until_synced(page, timeout=30_000)
    [worker] = context.service_workers
    background_sync.wait_until(lambda: outbox_size(worker) == 0, what="an empty outbox")
    background_sync.carrier.wait_for_timeout(1000)  # any late second sender would show up now

    assert on_server_once(job)
    keys = posts.idempotency_keys()
    assert len(keys) == 4 and len(set(keys)) == 4  # each record went over the wire once, by one sender
    expect(page.locator("#part-list li .chip")).to_have_text("Sent")  # the page saw the worker's work too
    errors.assert_none()
