"""Notes in the app: written offline, kept through a reload, delivered to the server exactly once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.field.models import JobNote
from tests.field.support import set_status
from tests.pwa.browser_support import (
    PageErrors,
    count,
    open_job,
    sign_in,
    wait_for_service_worker,
    wait_for_unsynced,
    wait_until_synced,
)

pytestmark = pytest.mark.browser

TEXT = "Boiler room key is with the neighbour (no. 14).\nValve sticks: <b>check</b> next visit."


def test_note_written_offline_survives_a_reload_and_reaches_the_server_once(page, context, live_server, make):
    errors = PageErrors(page)
    technician = make.user("technician")
    job = make.scheduled_job(technician)

    sign_in(page, live_server, technician.email)
    expect(page.locator(f'a.job-card[data-job-id="{job.id}"]')).to_be_visible()
    wait_for_service_worker(page)

    context.set_offline(True)
    open_job(page, job)
    expect(page.locator("#note-list")).to_have_text("No notes yet.")
    form = page.locator("#note-form")
    form.get_by_role("button", name="Add note").click()  # nothing written: refused on the phone
    expect(form.get_by_role("alert")).to_have_text("Write something first.")
    form.get_by_label("New note").fill(TEXT)
    form.get_by_role("button", name="Add note").click()
    wait_for_unsynced(page, 1)
    expect(form.get_by_label("New note")).to_have_value("")
    item = page.locator("#note-list li")
    expect(item).to_have_count(1)
    expect(item.locator(".note-text")).to_have_text(TEXT)  # as text: the markup stays visible, not parsed
    expect(item.locator(".chip")).to_have_text("Not sent yet")

    reloaded = page.reload()
    assert reloaded.from_service_worker
    page.wait_for_selector("#section-notes")
    wait_for_unsynced(page, 1)
    expect(page.locator("#note-list li .chip")).to_have_text("Not sent yet")
    assert count(JobNote, JobNote.job_id == job.id) == 0  # nothing reached the server while offline

    context.set_offline(False)
    wait_until_synced(page, timeout=30_000)
    expect(page.locator("#note-list li")).to_have_count(1)
    expect(page.locator("#note-list li .chip")).to_have_text("Sent")
    page.locator("#sync-now").click()  # another round (outbox and jobs) sends nothing twice
    wait_until_synced(page)
    expect(page.locator("#note-list li")).to_have_count(1)
    expect(page.locator("#note-list li")).to_contain_text(technician.name)  # the server's copy, with its author

    db.session.rollback()
    notes = db.session.scalars(select(JobNote).where(JobNote.job_id == job.id)).all()
    assert [(note.text, note.technician_id) for note in notes] == [(TEXT, technician.id)]
    assert notes[0].written_at < notes[0].created_at  # dated when written on the phone, not when it synced
    errors.assert_none()


def test_no_note_form_on_a_finished_job(page, live_server, make):
    errors = PageErrors(page)
    technician = make.user("technician")
    job = make.scheduled_job(technician)
    set_status(job, JobStatus.ON_SITE, JobStatus.COMPLETED)
    sign_in(page, live_server, technician.email)
    open_job(page, job)
    expect(page.locator("#section-notes")).to_be_visible()
    expect(page.locator("#note-form")).to_have_count(0)
    errors.assert_none()
