"""The signature pad: kept through rotation and resizes, a tap refused, the drawing sent as signed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.field.models import Signature
from tests.pwa.browser_support import (
    PageErrors,
    draw_signature,
    open_job,
    pad_data,
    sign_in,
    wait_for_js,
    wait_until_synced,
)

pytestmark = pytest.mark.browser

INKED_PIXELS = """() => {
  const canvas = document.querySelector("#signature-pad");
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked += 1;
  return {inked, width: canvas.width};
}"""


def test_signature_survives_rotation_and_a_tap_is_not_a_signature(page, live_server, make):
    errors = PageErrors(page)
    technician = make.user("technician")
    job = make.scheduled_job(technician, make.ticket(asset=make.asset()))
    sign_in(page, live_server, technician.email)
    open_job(page, job)
    page.locator("#status-on_site").click()
    wait_until_synced(page)
    page.locator("#go-sign").click()
    page.get_by_label("Work done (shown to the customer)").fill("Checked and cleaned.")

    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.click(box["x"] + 50, box["y"] + 50)  # a tap: a dot, not a signature
    page.locator("#sign-submit").click()
    expect(page.locator("#sign-error")).to_have_text(
        "The signature is too short. Ask the customer to sign again.")
    page.locator("#pad-clear").click()

    draw_signature(page)
    before = pad_data(page)
    drawn = page.evaluate(INKED_PIXELS)
    assert before and drawn["inked"] > 500

    page.set_viewport_size({"width": 640, "height": 360})  # the phone turned to landscape
    wait_for_js(page, f"document.querySelector('#signature-pad').width !== {drawn['width']}")
    assert pad_data(page) == before
    assert page.evaluate(INKED_PIXELS)["inked"] > 500  # redrawn, not cleared

    page.set_viewport_size({"width": 360, "height": 640})  # and back
    wait_for_js(page, f"document.querySelector('#signature-pad').width === {drawn['width']}")
    assert pad_data(page) == before
    assert page.evaluate(INKED_PIXELS)["inked"] > 500

    page.locator("#sign-submit").click()
    page.wait_for_selector("#completed-note")
    wait_until_synced(page)
    db.session.rollback()
    signature = db.session.scalar(select(Signature).where(Signature.job_id == job.id))
    drawn_points = [(p["x"], p["y"]) for group in before for p in group["points"]]
    stored_points = [(p["x"], p["y"]) for stroke in signature.strokes for p in stroke]
    assert len(stored_points) == len(drawn_points)
    for (x, y), (drawn_x, drawn_y) in zip(stored_points, drawn_points):
        assert abs(x - drawn_x) <= 0.05 and abs(y - drawn_y) <= 0.05  # kept to 0.1 px
    errors.assert_none()
