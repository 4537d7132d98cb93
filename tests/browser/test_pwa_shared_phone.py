"""One phone, two technicians in turn: each one's queued work goes only under their own name."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dispatch.field.models import PartUsage, Photo
from tests.pwa.browser_support import (
    PageErrors,
    add_part,
    count,
    jpeg,
    open_job,
    sign_in,
    wait_for_service_worker,
    wait_for_unsynced,
    wait_until_synced,
)

pytestmark = pytest.mark.browser

# Read straight from IndexedDB (works on any page of the origin, the sign-in page included).
STORED = """() => new Promise((resolve, reject) => {
  const request = indexedDB.open("dispatch-pwa");
  request.onerror = () => reject(request.error);
  request.onsuccess = () => {
    const tx = request.result.transaction(["outbox", "files", "jobs"], "readonly");
    const counts = {};
    for (const store of ["outbox", "files", "jobs"]) {
      const asked = tx.objectStore(store).count();
      asked.onsuccess = () => { counts[store] = asked.result; };
    }
    tx.oncomplete = () => { request.result.close(); resolve(counts); };
  };
})"""


def test_second_technician_neither_sends_nor_wipes_the_first_ones_queued_work(page, context, live_server, make,
                                                                                tmp_path):
    errors = PageErrors(page)
    anna = make.user("technician", name="Anna Jansen")
    bram = make.user("technician", name="Bram de Vries")
    annas_job = make.scheduled_job(anna, make.ticket(asset=make.asset()))
    brams_job = make.scheduled_job(bram, make.ticket(asset=make.asset()))
    product = make.product()
    posts_for_anna: list[str] = []
    annas_path = f"/api/v1/jobs/{annas_job.id}/"
    context.on("request", lambda request: posts_for_anna.append(request.url)
            if request.method == "POST" and annas_path in request.url else None)

    sign_in(page, live_server, anna.email)
    wait_for_service_worker(page)
    open_job(page, annas_job)
    context.set_offline(True)
    add_part(page, product.sku, "2")
    page.locator("#photo-input").set_input_files(str(jpeg(tmp_path / "boiler.jpg", 800, 600)))
    wait_for_unsynced(page, 2)

    # Anna's session runs out while she is offline; back online, the app sends the phone to sign-in.
    context.clear_cookies()
    context.set_offline(False)
    page.wait_for_url(re.compile(r"/login"))
    sign_in(page, live_server, bram.email)

    wait_for_unsynced(page, 0)  # Bram's own count: Anna's changes are not his
    notice = page.locator("#others-waiting")
    expect(notice).to_contain_text("2 changes of Anna Jansen wait on this phone until they sign in again.")
    expect(notice).to_contain_text("Do not reset or wipe this phone")
    expect(page.locator(f'a.job-card[data-job-id="{annas_job.id}"]')).to_have_count(0)
    expect(page.locator("#attention-link")).to_have_count(0)

    open_job(page, brams_job)
    add_part(page, product.sku, "1")
    expect(page.locator("#part-list li .chip")).to_have_text("Sent")
    wait_until_synced(page)
    page.locator("#sync-now").click()
    wait_until_synced(page)
    assert count(PartUsage, PartUsage.job_id == brams_job.id) == 1
    assert count(PartUsage, PartUsage.job_id == annas_job.id) == 0
    assert count(Photo, Photo.job_id == annas_job.id) == 0
    assert posts_for_anna == []  # not even tried under Bram's session, by the page or its service worker

    # Bram's own queue is empty, so he may sign out; Anna's records and her photo's bytes stay.
    page.locator("a.brand").click()
    page.locator("#sign-out").click()
    page.wait_for_url(re.compile(r"/login"))
    assert page.evaluate(STORED) == {"outbox": 2, "files": 1, "jobs": 0}

    sign_in(page, live_server, anna.email)
    wait_until_synced(page)
    assert count(PartUsage, PartUsage.job_id == annas_job.id) == 1
    assert count(Photo, Photo.job_id == annas_job.id) == 1
    assert len(posts_for_anna) == 2  # each sent once
    expect(page.locator("#others-waiting")).to_have_count(0)
    assert page.evaluate(STORED)["outbox"] == 0
    errors.assert_none()
