"""The calendar link in the app: made on the job list, shown whole on a phone's width, copied, and refused
with a plain word when the phone is offline."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.pwa.browser_support import PageErrors, sign_in, wait_for_service_worker

pytestmark = pytest.mark.browser

FEED_URL = re.compile(r"^https?://[^/]+/calendar/[A-Za-z0-9_-]{20,}\.ics$")  # on the public base URL


def test_a_new_link_is_shown_whole_copied_and_serves_the_jobs(page, context, live_server, make):
    errors = PageErrors(page)
    technician = make.user("technician")
    make.scheduled_job(technician)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(page, live_server, technician.email)

    section = page.locator("#section-calendar")
    expect(section.get_by_role("heading", name="Calendar")).to_be_visible()
    section.get_by_role("button", name="Calendar link").click()
    link = section.get_by_label("Your private calendar link")
    expect(link).to_have_value(FEED_URL)
    url = link.input_value()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box  # wrapped, not scrolled out of sight

    section.get_by_role("button", name="Copy").click()
    expect(page.locator("#toast")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == url

    feed = page.request.get(live_server.url + urlsplit(url).path)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert feed.text().startswith("BEGIN:VCALENDAR")
    errors.assert_none()


def test_offline_the_button_says_a_connection_is_needed(page, context, live_server, make):
    errors = PageErrors(page)
    technician = make.user("technician")
    sign_in(page, live_server, technician.email)
    wait_for_service_worker(page)

    context.set_offline(True)
    page.get_by_role("button", name="Calendar link").click()
    expect(page.locator("#toast")).to_have_text("A calendar link needs a connection. Try again when you are online.")
    expect(page.locator("#calendar-url")).to_have_count(0)
    errors.assert_none()

