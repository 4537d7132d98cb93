"""The office's changes reach the phone at the next sync: a new time or a postponement is marked until the
job is opened, a job taken away disappears with a notice, and one with unsent work stays with its refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from dispatch.extensions import db
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job
from tests.pwa.browser_support import (
    PageErrors,
    open_job,
    sign_in,
    wait_for_service_worker,
    wait_for_unsynced,
    wait_until_synced,
)
from tests.support.factories import next_weekday_at

pytestmark = pytest.mark.browser


def _card(page, job):
    return page.locator(f'a.job-card[data-job-id="{job.id}"]')


def _office(change, job_id, *args):
    """Do as the office does, in its own transaction."""
    db.session.rollback()
    change(db.session.get(Job, job_id), *args, None)
    db.session.commit()


def test_changes_are_marked_until_opened_and_a_job_taken_away_leaves_a_notice(page, live_server, make):
    errors = PageErrors(page)
    technician = make.user("technician")
    moved = make.scheduled_job(technician, start=next_weekday_at(8))
    postponed = make.scheduled_job(technician, start=next_weekday_at(11))
    cancelled = make.scheduled_job(technician, start=next_weekday_at(13))
    unchanged = make.scheduled_job(technician, start=next_weekday_at(16))
    sign_in(page, live_server, technician.email)
    expect(page.locator("a.job-card")).to_have_count(4)
    expect(page.locator(".chip.change")).to_have_count(0)  # the first sight of a job is no change

    later = next_weekday_at(14, 15)
    db.session.rollback()
    scheduling.schedule(db.session.get(Job, moved.id), technician.id, later, later + timedelta(hours=1), None)
    db.session.commit()
    _office(scheduling.postpone, postponed.id, "Part on back order")
    _office(scheduling.cancel, cancelled.id, "Customer solved it")

    page.locator("#sync-now").click()
    expect(_card(page, cancelled)).to_have_count(0)
    expect(page.locator("#removed-jobs")).to_contain_text(f"{cancelled.number} (")
    expect(page.locator("#removed-jobs")).to_contain_text("no longer one of your jobs")
    expect(_card(page, moved).locator(".chip.change")).to_have_text("Rescheduled: now " + _when(page, later))
    expect(_card(page, postponed).locator(".chip.change")).to_have_text("Postponed by the office")
    expect(_card(page, unchanged).locator(".chip.change")).to_have_count(0)

    page.locator("#sync-now").click()  # a second sync changes nothing: the markers wait to be seen
    wait_until_synced(page)
    expect(_card(page, moved).locator(".chip.change")).to_have_count(1)

    open_job(page, moved)
    banner = page.locator("#job-change")
    expect(banner).to_contain_text("Rescheduled: now " + _when(page, later))
    expect(banner).to_contain_text("Was: " + _when(page, next_weekday_at(8)))
    page.get_by_role("link", name="All jobs").click()
    expect(_card(page, moved)).to_be_visible()
    expect(_card(page, moved).locator(".chip.change")).to_have_count(0)  # seen
    expect(_card(page, postponed).locator(".chip.change")).to_have_count(1)

    page.locator("#dismiss-removed").click()
    expect(page.locator("#removed-jobs")).to_have_count(0)
    page.reload()
    expect(page.locator("a.job-card")).to_have_count(3)
    expect(page.locator("#removed-jobs")).to_have_count(0)
    errors.assert_none()


def test_a_cancelled_job_with_unsent_work_stays_with_the_refusal(page, context, live_server, make):
    errors = PageErrors(page)
    technician = make.user("technician")
    job = make.scheduled_job(technician)
    sign_in(page, live_server, technician.email)
    wait_for_service_worker(page)

    context.set_offline(True)
    open_job(page, job)
    form = page.locator("#note-form")
    form.get_by_label("New note").fill("Gate code 1234")
    form.get_by_role("button", name="Add note").click()
    wait_for_unsynced(page, 1)
    page.get_by_role("link", name="All jobs").click()

    _office(scheduling.cancel, job.id, "Customer solved it")
    context.set_offline(False)
    page.locator("#sync-now").click()
    expect(page.locator("#attention-link")).to_be_visible(timeout=30_000)
    card = _card(page, job)
    expect(card.locator(".chip.change")).to_have_text("Taken off your jobs by the office")
    expect(page.locator("#removed-jobs")).to_contain_text(job.number)

    open_job(page, job)
    expect(page.locator("#job-change")).to_contain_text("Taken off your jobs by the office")
    expect(page.locator("#note-list .problem")).to_contain_text(f"The office cancelled job {job.number}.")
    errors.assert_none()


def _when(page, moment):
    """The app's way of writing a time (day, month, hour), asked of the page itself."""
    return page.evaluate(
        "(iso) => new Intl.DateTimeFormat('en-GB', {timeZone: 'Europe/Amsterdam', day: 'numeric', month: 'short',"
        " hour: '2-digit', minute: '2-digit'}).format(new Date(iso))", moment.isoformat())
