"""The outbox against a server that refuses or fails: "Needs attention", retries, nothing doubled."""

from __future__ import annotations

import contextlib
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.field.models import PartUsage, Photo, TimeEntry
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.pwa.browser_support import (
    PageErrors,
    add_part,
    add_time_entry,
    count,
    jpeg,
    open_job,
    past_period,
    sign_in,
    signed_in_on_a_job,
    uploaded_size,
    wait_for_service_worker,
    wait_for_unsynced,
    wait_until_synced,
)

pytestmark = pytest.mark.browser

ENQUEUE_BACKWARDS_ENTRY = """async (jobId) => {
  // Past the form's own check, straight into the outbox, as an old app version might have queued it.
  const { addTimeEntry } = await import("/app/js/actions.js");
  await addTimeEntry(jobId, {
    kind: "work", started_at: "2026-01-05T10:00:00Z", ended_at: "2026-01-05T09:00:00Z",
  });
}"""


def test_refused_action_needs_attention_and_the_rest_still_syncs(page, live_server, make):
    errors = PageErrors(page)
    technician = make.user("technician")
    job = make.scheduled_job(technician, make.ticket(asset=make.asset()))
    product = make.product()
    sign_in(page, live_server, technician.email)
    open_job(page, job)

    page.evaluate(ENQUEUE_BACKWARDS_ENTRY, job.id)
    attention = page.locator("#attention-link")
    expect(attention).to_have_text("1 needs attention")
    expect(page.locator("#time-list li .chip")).to_have_text("Needs attention")
    expect(page.locator("#time-list li .problem")).to_contain_text("ended_at: Must be after started_at.")

    add_part(page, product.sku, "1")  # later actions are not held up by the refused one
    expect(page.locator("#part-list li .chip")).to_have_text("Sent")
    wait_for_unsynced(page, 1)
    assert count(PartUsage, PartUsage.job_id == job.id) == 1
    assert count(TimeEntry, TimeEntry.job_id == job.id) == 0

    attention.click()
    item = page.locator("#attention-list li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("The time entry is not valid.")
    item.get_by_role("button", name="Try again").click()  # same key, same body: refused again, still kept
    expect(page.locator("#attention-list li")).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#attention-list li").get_by_role("button", name="Discard").click()
    expect(page.locator("#attention-empty")).to_be_visible()
    wait_until_synced(page)
    assert count(TimeEntry, TimeEntry.job_id == job.id) == 0
    errors.assert_none()


def test_server_error_keeps_the_action_and_delivers_it_once_later(page, context, live_server, make):
    technician = make.user("technician")
    job = make.scheduled_job(technician, make.ticket(asset=make.asset()))
    product = make.product()
    sign_in(page, live_server, technician.email)
    open_job(page, job)

    answers = []

    def flaky(route):
        # The first attempt reaches the server and is committed, but the phone sees a 500 instead
        # of the answer (a proxy failing on the way back); the retry must not record the part again.
        if not answers:
            response = route.fetch()
            answers.append(response.status)
            route.fulfill(status=500, content_type="application/problem+json",
                          body='{"status": 500, "title": "Internal Server Error"}')
        else:
            response = route.fetch()
            answers.append((response.status, response.headers.get("idempotent-replayed")))
            route.fulfill(response=response)

    context.route("**/api/v1/jobs/*/parts", flaky)  # the page's requests and its service worker's
    add_part(page, product.sku, "3")
    expect(page.locator("#part-list li .chip")).to_have_text("Not sent yet")
    wait_for_unsynced(page, 1)
    expect(page.locator("#attention-link")).to_have_count(0)  # a 500 is retried, not refused
    wait_until_synced(page, timeout=20_000)
    assert answers == [201, (201, "true")]
    assert count(PartUsage, PartUsage.job_id == job.id) == 1


def test_upload_cut_after_the_server_stored_it_is_not_stored_twice(page, context, live_server, make,
                                                                   tmp_path):
    technician = make.user("technician")
    job = make.scheduled_job(technician, make.ticket(asset=make.asset()))
    sign_in(page, live_server, technician.email)
    open_job(page, job)

    answers = []

    def cut_once(route):
        response = route.fetch()  # the server receives and stores the photo ...
        if not answers:
            answers.append(response.status)
            route.abort("connectionreset")  # ... but the phone loses the connection before the answer
        else:
            answers.append((response.status, response.headers.get("idempotent-replayed")))
            route.fulfill(response=response)

    context.route("**/api/v1/jobs/*/photos", cut_once)
    page.locator("#photo-input").set_input_files(str(jpeg(tmp_path / "meter.jpg", 6000, 4000)))
    # Not the unsynced count: the queued record may go and come back (the service worker's Background
    # Sync resends at once) within one redraw. The cut first answer proves it was queued and sent.
    deadline = time.monotonic() + 30
    while not answers:
        assert time.monotonic() < deadline, "the photo was never sent"
        page.wait_for_timeout(100)
    wait_until_synced(page, timeout=30_000)
    assert answers == [201, (201, "true")]
    photos = db.session.scalars(select(Photo).where(Photo.job_id == job.id)).all()
    assert [uploaded_size(photo) for photo in photos] == [(2048, 1365)]  # 6000 x 4000 made small on the phone


class PhotoUploads:
    """Routes photo uploads, the page's and the service worker's, noting the server's answers. With
    ``hold_first`` the first one reaches the server and is stored, but its answer is held back (the sync
    is still "in flight"); the others pass with their answers.
    """

    def __init__(self, context, hold_first: bool) -> None:
        self.answers: list = []
        self.held = []
        self.hold_first = hold_first
        context.route("**/api/v1/jobs/*/photos", self._route)

    def _route(self, route) -> None:
        response = route.fetch()
        if self.hold_first and not self.held:
            self.answers.append(response.status)
            self.held.append(route)
        else:
            self.answers.append((response.status, response.headers.get("idempotent-replayed")))
            route.fulfill(response=response)

    def wait_until_held(self, page) -> None:
        for _ in range(300):
            if self.held:
                return
            page.wait_for_timeout(100)
        raise AssertionError("no photo upload reached the server")

    def release(self) -> None:
        """Let go of the held request, whose page is gone by now."""
        with contextlib.suppress(PlaywrightError):  # the browser dropped it with its page
            self.held[0].abort("connectionreset")


def queue_part_photo_and_hours(page, context, job, product, tmp_path) -> None:
    context.set_offline(True)
    add_part(page, product.sku, "1")
    wait_for_unsynced(page, 1)
    page.locator("#photo-input").set_input_files(str(jpeg(tmp_path / "boiler.jpg", 3000, 2000)))
    wait_for_unsynced(page, 2)
    day, start, end, _, _ = past_period()
    add_time_entry(page, "work", day, start, end)
    wait_for_unsynced(page, 3)


def test_reload_in_the_middle_of_a_sync_still_delivers_everything_once(page, context, live_server, make,
                                                                        tmp_path):
    errors = PageErrors(page)
    job, product = signed_in_on_a_job(page, live_server, make)
    uploads = PhotoUploads(context, hold_first=True)
    queue_part_photo_and_hours(page, context, job, product, tmp_path)

    context.set_offline(False)
    uploads.wait_until_held(page)  # the part is sent, the photo is stored but its answer not yet in
    page.reload()
    uploads.release()
    page.wait_for_selector("#section-status")
    wait_until_synced(page, timeout=30_000)

    assert uploads.answers[0] == 201
    assert uploads.answers[1:] == [(201, "true")]  # the same key again: the stored photo, not a second one
    assert count(PartUsage, PartUsage.job_id == job.id) == 1
    assert count(Photo, Photo.job_id == job.id) == 1
    assert count(TimeEntry, TimeEntry.job_id == job.id) == 1
    errors.assert_none()


def test_browser_restart_in_the_middle_of_a_sync_still_delivers_everything_once(playwright_instance, live_server,
                                                                                 make, tmp_path):
    technician = make.user("technician")
    job = make.scheduled_job(technician, make.ticket(asset=make.asset()))
    product = make.product()
    profile = tmp_path / "profile"  # the phone's browser profile: IndexedDB and the service worker live on

    def start_browser():
        return playwright_instance.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 360, "height": 640}, locale="en-GB", timezone_id="Europe/Amsterdam")

    browser = start_browser()
    page = browser.pages[0]
    sign_in(page, live_server, technician.email)
    wait_for_service_worker(page)
    open_job(page, job)
    uploads = PhotoUploads(browser, hold_first=True)
    queue_part_photo_and_hours(page, browser, job, product, tmp_path)
    browser.set_offline(False)
    uploads.wait_until_held(page)
    browser.close()  # the browser is killed while the photo's answer is still on its way

    browser = start_browser()
    try:
        replays = PhotoUploads(browser, hold_first=False)
        page = browser.pages[0]
        sign_in(page, live_server, technician.email)  # the session cookie did not survive the restart
        wait_until_synced(page, timeout=30_000)
        assert uploads.answers == [201]
        assert replays.answers == [(201, "true")]  # sent again after the restart: the stored photo, once
        assert count(PartUsage, PartUsage.job_id == job.id) == 1
        assert count(Photo, Photo.job_id == job.id) == 1
        assert count(TimeEntry, TimeEntry.job_id == job.id) == 1
    finally:
        browser.close()
