"""The checklist in the app: ticked offline, kept through a reload, sent to the server exactly once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dispatch.audit import events_for
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from tests.pwa.browser_support import (
    PageErrors,
    open_job,
    sign_in,
    wait_for_service_worker,
    wait_for_unsynced,
    wait_until_synced,
)

pytestmark = pytest.mark.browser

ITEMS = ["Close the gas tap", "Bleed the radiators", "Check the pressure"]


def _stored(job_id):
    db.session.rollback()
    return db.session.get(Job, job_id)


def test_a_tick_made_offline_survives_a_reload_and_reaches_the_server_once(page, context, live_server, make):
    errors = PageErrors(page)
    puts = []
    context.on("request", lambda r: puts.append(r.url) if r.method == "PUT" and "/checklist/" in r.url else None)
    technician = make.user("technician")
    job = make.scheduled_job(technician, checklist=ITEMS)

    sign_in(page, live_server, technician.email)
    wait_for_service_worker(page)
    context.set_offline(True)
    open_job(page, job)
    section = page.locator("#section-checklist")
    expect(section.get_by_role("heading", name="Checklist")).to_be_visible()
    expect(page.locator("#checklist-count")).to_have_text("0 of 3 done")
    box = section.get_by_label("Bleed the radiators")
    expect(box).not_to_be_checked()
    box.check()
    wait_for_unsynced(page, 1)
    expect(page.locator('#checklist li[data-index="1"] .chip')).to_have_text("Not sent yet")
    expect(page.locator("#checklist-count")).to_have_text("1 of 3 done")

    assert page.reload().from_service_worker
    page.wait_for_selector("#section-checklist")
    expect(page.locator("#section-checklist").get_by_label("Bleed the radiators")).to_be_checked()
    assert [item["done"] for item in _stored(job.id).checklist] == [False, False, False]

    context.set_offline(False)
    wait_until_synced(page, timeout=30_000)
    expect(page.locator('#checklist li[data-index="1"]')).to_have_attribute("data-state", "synced")
    page.locator("#sync-now").click()  # another round (outbox and jobs) sends nothing twice
    wait_until_synced(page)
    expect(page.locator("#section-checklist").get_by_label("Bleed the radiators")).to_be_checked()
    stored = _stored(job.id)
    assert [item["done"] for item in stored.checklist] == [False, True, False]
    assert [e.data["index"] for e in events_for(stored) if e.action == "job.checklist_ticked"] == [1]
    assert len(puts) == 1
    errors.assert_none()


def test_a_job_without_a_checklist_shows_none(page, live_server, make):
    errors = PageErrors(page)
    technician = make.user("technician")
    job = make.scheduled_job(technician)
    sign_in(page, live_server, technician.email)
    open_job(page, job)
    expect(page.locator("#section-checklist")).to_be_hidden()
    errors.assert_none()
