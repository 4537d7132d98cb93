"""The site map on the app's job page: tiles from the configured server (faked here: it is the outside
internet), a marker at the site, kept by the service worker for offline use; a plain line without coordinates."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.field.support import slots
from tests.pwa.browser_support import (
    TILES,
    PageErrors,
    open_job,
    sign_in,
    tile_png,
    wait_for_js,
    wait_for_service_worker,
)

pytestmark = pytest.mark.browser


def wait_for_tiles(page) -> None:
    """Until the map shows at least one tile that is the fake server's 256 px PNG (polled: the app's CSP
    has no 'unsafe-eval', which page.wait_for_function needs)."""
    wait_for_js(page, """[...document.querySelectorAll('#site-map img.leaflet-tile')]
        .some((img) => img.complete && img.naturalWidth === 256)""")


def test_map_with_marker_offline_too_and_a_plain_line_without_coordinates(page, context, live_server, make):
    errors = PageErrors(page)
    served: list[str] = []
    png = tile_png()

    def fake_tile_server(route):
        served.append(route.request.url)
        route.fulfill(status=200, body=png, headers={"Content-Type": "image/png", "Access-Control-Allow-Origin": "*"})

    context.route(TILES, fake_tile_server)
    technician = make.user("technician")
    first, second = slots(2)
    located = make.scheduled_job(technician, make.ticket(customer=make.customer(latitude=52.09, longitude=5.12)),
                                 start=first)
    unknown = make.scheduled_job(technician, make.ticket(customer=make.customer(latitude=None, longitude=None)),
                                 start=second)

    sign_in(page, live_server, technician.email)
    wait_for_service_worker(page)
    open_job(page, located)
    street = located.site.street
    site_map = page.get_by_role("img", name=re.compile(f"^Map: {street}, 1234 AB Utrecht$"))
    expect(site_map).to_be_visible()
    expect(page.locator("#site-map .leaflet-marker-icon")).to_be_visible()
    expect(page.locator(".map-credit")).to_have_text("© OpenStreetMap contributors")
    wait_for_tiles(page)
    assert served and all(TILES.match(url) for url in served)
    expect(page.locator("#navigate")).to_be_visible()
    expect(page.locator("#location-unknown")).to_have_count(0)

    # Offline, the service worker's tile cache shows the same map without asking the tile server.
    asked_online = len(served)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#section-status")
    expect(page.locator("#site-map .leaflet-marker-icon")).to_be_visible()
    wait_for_tiles(page)
    assert len(served) == asked_online

    page.locator("a", has_text="All jobs").click()
    open_job(page, unknown)
    expect(page.locator("#location-unknown")).to_have_text("Location not known")
    expect(page.locator("#site-map")).to_have_count(0)
    expect(page.locator("#navigate")).to_be_visible()
    errors.assert_none()
