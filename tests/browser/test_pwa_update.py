"""A new version of the app: installed beside the running one, offered, and taken on the user's word."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from dispatch.field import views
from tests.pwa.browser_support import PageErrors, sign_in, wait_for_js, wait_for_service_worker

pytestmark = pytest.mark.browser

CACHE_NAMES = "async () => (await caches.keys()).filter((name) => name.startsWith('shell-')).sort()"


def test_new_version_is_offered_and_replaces_the_old_cache(app, page, live_server, make, monkeypatch):
    errors = PageErrors(page)
    technician = make.user("technician", language="nl")
    sign_in(page, live_server, technician.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn opdrachten")  # the user's language
    wait_for_service_worker(page)
    old_caches = page.evaluate(CACHE_NAMES)
    assert old_caches == [f"shell-{views.shell_version(Path(app.static_folder))}"]
    expect(page.locator("#update")).to_be_hidden()

    monkeypatch.setattr(views, "shell_version", lambda root: "0123456789abcdef")  # "a new release"
    page.evaluate("async () => (await navigator.serviceWorker.getRegistration('/app/')).update()")
    banner = page.locator("#update")
    expect(banner).to_contain_text("Er is een nieuwe versie van de app.")
    with page.expect_event("load"):
        banner.get_by_role("button", name="Bijwerken").click()
    page.wait_for_selector("#unsynced-count")
    wait_for_js(page, "navigator.serviceWorker.controller !== null")
    expect(page.locator("#update")).to_be_hidden()
    assert page.evaluate(CACHE_NAMES) == ["shell-0123456789abcdef"]
    errors.assert_none()
