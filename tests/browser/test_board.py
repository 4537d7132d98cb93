"""The dispatch board in Chromium: drag a queued job onto a technician's lane, override a conflict with a
reason, plan with the keyboard alone through the dialog, a map whose tiles come from a local stand-in, no
CSP violation, and a phone-wide page whose body does not overflow (the lanes scroll inside)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dispatch.audit import events_for
from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from tests.browser.backoffice_support import DESKTOP, Problems, shoot, sign_in, sticking_out
from tests.pwa.browser_support import wait_for_js
from tests.scheduling.board.support import at, board_day, planned

pytestmark = pytest.mark.browser
# A change is sent, then the board is fetched again and redrawn: two requests, slow on a loaded CI machine.
REDRAW = 15_000


def open_board(page, live_server, make, day):
    sign_in(page, live_server, make.user("agent").email)
    page.goto(f"{live_server.url}/board?day={day.isoformat()}")
    wait_for_js(page, "document.querySelector('#board.board--js') !== null")


def drop_at(page, card, lane, fraction: float) -> None:
    """Drag ``card`` onto ``lane``'s timeline at ``fraction`` of its width."""
    timeline = lane.locator(".lane__timeline")
    box = timeline.bounding_box()
    card.drag_to(timeline, target_position={"x": box["width"] * fraction + 2, "y": box["height"] - 6})


def fresh(job: Job) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job.id)


def test_drag_from_the_queue_then_override_a_conflict_with_a_reason(page, live_server, make, tiles):
    page.set_viewport_size(DESKTOP)
    problems = Problems(page)
    day = board_day()
    technician = make.user("technician", name="Ada Visser")
    booked = planned(make, technician, at(day, 13))
    first = make.job()
    second = make.job()
    open_board(page, live_server, make, day)
    lane = page.locator(f'[data-lane][data-technician-id="{technician.id}"]')
    wait_for_js(page, "[...document.querySelectorAll('#board-map img.leaflet-tile')].some((i) => i.complete)")
    expect(page.locator("#board-map .map-marker--job")).to_have_count(1)
    shoot(page, "board-day")

    # The axis runs 07:00-19:00: a quarter of it is 10:00.
    drop_at(page, page.locator(f"#job-card-{first.id}"), lane, 0.25)
    expect(page.locator("#board-status")).to_have_text(f"{first.number} planned for Ada Visser at 10:00.")
    expect(lane.locator(f"#job-card-{first.id}")).to_be_visible()
    expect(page.locator(f".queue #job-card-{first.id}")).to_have_count(0)
    job = fresh(first)
    assert job.status == JobStatus.SCHEDULED and job.technician_id == technician.id
    assert job.scheduled_start == at(day, 10)

    # 13:00 is taken: the conflicts are shown, and an override with a reason plans it all the same.
    drop_at(page, page.locator(f"#job-card-{second.id}"), lane, 0.5)
    dialog = page.get_by_role("dialog", name="This plan has conflicts")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("listitem").first).to_have_text(f"Overlaps job {booked.number}.")
    dialog.get_by_label("Reason to plan it anyway").fill("Customer only free then; Ada swaps with Bo")
    dialog.get_by_role("button", name="Override and plan").click()
    expect(dialog).to_be_hidden()
    planned_card = lane.locator(f"#job-card-{second.id}")
    expect(planned_card).to_be_visible()
    expect(planned_card.get_by_role("img", name="Conflict")).to_be_visible()
    expect(planned_card).to_contain_text(f"Overlaps job {booked.number}.")
    job = fresh(second)
    assert job.technician_id == technician.id and job.scheduled_start == at(day, 13)
    [override] = [event for event in events_for(job) if event.action == "job.schedule_overridden"]
    assert override.data["reason"] == "Customer only free then; Ada swaps with Bo"

    # Back onto the queue: unplanned again.
    page.locator(f"#job-card-{first.id}").drag_to(page.locator(".board__queue"))
    expect(page.locator(f".queue #job-card-{first.id}")).to_be_visible()
    assert fresh(first).status == JobStatus.UNSCHEDULED and fresh(first).technician_id is None
    problems.assert_none()


def test_keyboard_only_planning_through_the_dialog(page, live_server, make, tiles):
    page.set_viewport_size(DESKTOP)
    problems = Problems(page)
    day = board_day()
    make.user("technician", name="Ada Visser")
    technician = make.user("technician", name="Bo Jansen")
    job = make.job()
    open_board(page, live_server, make, day)

    card = page.locator(f"#job-card-{job.id}")
    card.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=f"Plan this job: {job.number}")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Technician")).to_be_focused()
    expect(dialog.get_by_role("button", name=re.compile(r"^Choose "))).not_to_have_count(0)
    dialog.get_by_label("Technician").select_option(label="Bo Jansen")
    dialog.get_by_label("Date").fill(day.isoformat())
    dialog.get_by_label("Start time").focus()
    page.keyboard.type("1130")
    dialog.get_by_role("button", name="Plan", exact=True).focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    lane = page.locator(f'[data-lane][data-technician-id="{technician.id}"]')
    expect(lane.locator(f"#job-card-{job.id}")).to_be_focused(timeout=REDRAW)
    planned_job = fresh(job)
    assert planned_job.technician_id == technician.id and planned_job.scheduled_start == at(day, 11, 30)

    # The same dialog sends it back to the queue.
    page.keyboard.press(" ")
    page.get_by_role("dialog").get_by_role("button", name="Back to the queue").click()
    expect(page.locator(f".queue #job-card-{job.id}")).to_be_focused(timeout=REDRAW)
    assert fresh(job).status == JobStatus.UNSCHEDULED
    problems.assert_none()


def test_phone_wide_board_does_not_overflow_and_has_no_csp_violation(page, live_server, make, tiles):
    problems = Problems(page)
    day = board_day()
    technician = make.user("technician")
    job = planned(make, technician, at(day, 9))
    make.job()
    open_board(page, live_server, make, day)
    expect(page.locator(f"#job-card-{job.id}")).to_be_visible()
    assert sticking_out(page) == []
    assert page.evaluate("document.querySelector('.lanes-scroll').scrollWidth > "
                         "document.querySelector('.lanes-scroll').clientWidth")
    shoot(page, "board-phone")
    page.goto(f"{live_server.url}/board?day={day.isoformat()}&days=7")
    expect(page.get_by_role("columnheader", name="Technician")).to_be_visible()
    assert sticking_out(page) == []
    problems.assert_none()
