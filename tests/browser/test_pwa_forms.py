"""The job page's hours and parts forms: refused on the phone when incomplete, nothing queued; then queued."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.pwa.browser_support import (
    PageErrors,
    add_part,
    add_time_entry,
    past_period,
    signed_in_on_a_job,
    unsynced,
    wait_for_unsynced,
)

pytestmark = pytest.mark.browser

SAVED = "Saved. It is sent to the office as soon as there is a connection."


def test_hours_and_parts_forms_check_their_fields_before_queueing(page, context, live_server, make):
    errors = PageErrors(page)
    _, product = signed_in_on_a_job(page, live_server, make)
    context.set_offline(True)
    date, start, end, _, _ = past_period()

    time_form = page.locator("#time-form")
    add_time_entry(page, "work", date, start, "")
    expect(time_form.get_by_role("alert")).to_have_text("Fill in the date, start and end time.")
    add_time_entry(page, "work", date, end, start)
    expect(time_form.get_by_role("alert")).to_have_text("The end time must be after the start time.")
    part_form = page.locator("#part-form")
    add_part(page, "", "1")
    expect(part_form.get_by_role("alert")).to_have_text("Fill in the article number.")
    add_part(page, product.sku, "0")
    expect(part_form.get_by_role("alert")).to_have_text("The quantity must be more than 0.")
    assert unsynced(page) == 0

    add_time_entry(page, "travel", date, start, end, note="Via the depot")
    wait_for_unsynced(page, 1)
    expect(time_form.get_by_role("alert")).to_have_text("")
    expect(page.locator("#toast")).to_have_text(SAVED)
    expect(time_form.get_by_label("From")).to_have_value("")
    expect(time_form.get_by_label("Note (optional)")).to_have_value("")
    expect(page.locator("#time-list li")).to_contain_text("Via the depot")

    add_part(page, product.sku, "2.5")
    wait_for_unsynced(page, 2)
    expect(part_form.get_by_role("alert")).to_have_text("")
    expect(part_form.get_by_label("Article number (SKU)")).to_have_value("")
    expect(part_form.get_by_label("Quantity")).to_have_value("1")
    expect(page.locator("#part-list li")).to_contain_text(product.sku)
    errors.assert_none()
