"""The outbox against a server that refuses or fails: "Needs attention", retries, nothing doubled."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.field.models import PartUsage, Photo, TimeEntry
from tests.pwa.browser_support import (
    PageErrors,
    add_part,
    count,
    jpeg,
    open_job,
    sign_in,
    uploaded_size,
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


def test_server_error_keeps_the_action_and_delivers_it_once_later(page, live_server, make):
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

    page.route("**/api/v1/jobs/*/parts", flaky)
    add_part(page, product.sku, "3")
    expect(page.locator("#part-list li .chip")).to_have_text("Not sent yet")
    wait_for_unsynced(page, 1)
    expect(page.locator("#attention-link")).to_have_count(0)  # a 500 is retried, not refused
    wait_until_synced(page, timeout=20_000)
    assert answers == [201, (201, "true")]
    assert count(PartUsage, PartUsage.job_id == job.id) == 1


def test_upload_cut_after_the_server_stored_it_is_not_stored_twice(page, live_server, make, tmp_path):
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

    page.route("**/api/v1/jobs/*/photos", cut_once)
    page.locator("#photo-input").set_input_files(str(jpeg(tmp_path / "meter.jpg", 6000, 4000)))
    wait_for_unsynced(page, 1)
    wait_until_synced(page, timeout=30_000)
    assert answers == [201, (201, "true")]
    photos = db.session.scalars(select(Photo).where(Photo.job_id == job.id)).all()
    assert [uploaded_size(photo) for photo in photos] == [(2048, 1365)]  # 6000 x 4000 made small on the phone
