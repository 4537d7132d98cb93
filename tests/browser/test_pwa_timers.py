"""One clock per technician: starting a timer on another job stops and saves the running one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dispatch.enums import TimeKind
from dispatch.extensions import db
from dispatch.field.models import TimeEntry
from tests.pwa.browser_support import PageErrors, count, open_job, sign_in, wait_until_synced
from tests.support.factories import next_weekday_at

pytestmark = pytest.mark.browser


def entries(job_id: int) -> list[TimeEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(TimeEntry).where(TimeEntry.job_id == job_id)))


def test_starting_a_timer_on_another_job_stops_and_saves_the_running_one(page, live_server, make):
    errors = PageErrors(page)
    technician = make.user("technician")
    boiler = make.scheduled_job(technician, make.ticket(asset=make.asset()))
    heat_pump = make.scheduled_job(technician, make.ticket(asset=make.asset()), start=next_weekday_at(13))
    sign_in(page, live_server, technician.email)

    open_job(page, boiler)
    page.locator("#timer-start-work").click()
    expect(page.locator("#timer-clock")).to_be_visible()
    page.reload()  # the start time is stored, not ticks: the clock goes on after a reload
    page.wait_for_selector("#section-status")
    expect(page.locator("#section-timer")).to_contain_text("Work since")

    # From the job list: which job the clock runs on, one tap away.
    page.locator("a.brand").click()
    running = page.locator("#running-timer")
    expect(running).to_contain_text(f"Work timer running on {boiler.number} since ")
    expect(page.locator(f'a.job-card[data-job-id="{boiler.id}"] [data-timer="work"]')).to_have_text(
        "Work timer running")
    page.reload()
    expect(running).to_have_attribute("data-job-id", str(boiler.id))

    open_job(page, heat_pump)
    page.locator("#timer-start-travel").click()
    expect(page.locator("#toast")).to_contain_text(f"Timer (Work) on job {boiler.number} "
                                                   "stopped")
    expect(page.locator("#section-timer")).to_contain_text("Travel since")
    wait_until_synced(page)
    saved = entries(boiler.id)
    assert [entry.kind for entry in saved] == [TimeKind.WORK]
    assert count(TimeEntry, TimeEntry.job_id == heat_pump.id) == 0

    page.locator("a.brand").click()
    expect(running).to_contain_text(f"Travel timer running on {heat_pump.number}")
    expect(page.locator("[data-timer]")).to_have_count(1)
    expect(page.locator(f'a.job-card[data-job-id="{heat_pump.id}"] [data-timer="travel"]')).to_be_visible()
    running.click()
    page.wait_for_selector("#timer-stop")
    page.locator("#timer-stop").click()
    expect(page.locator("#time-list li .chip")).to_have_text("Sent")
    wait_until_synced(page)
    travel = entries(heat_pump.id)
    assert [entry.kind for entry in travel] == [TimeKind.TRAVEL]
    assert travel[0].started_at >= saved[0].ended_at  # one clock: the periods follow each other
    assert len(entries(boiler.id)) == 1  # saved once
    page.locator("a.brand").click()
    expect(page.locator("#running-timer")).to_have_count(0)
    errors.assert_none()
