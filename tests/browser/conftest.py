"""Browser tests: the app served on loopback by a real HTTP server, driven in Debian's headless Chromium."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from tests.pwa.browser_support import TILES, tile_png

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


class InFlight:
    """Counts the requests the app is still answering, so the server can wait for them to end."""

    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Condition()

    def __enter__(self) -> None:
        with self.changed:
            self.count += 1

    def __exit__(self, *exc) -> None:
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count == 0, timeout=timeout)


def buffered(app, in_flight: InFlight):
    """``app`` with each response read whole and closed before the server writes it.

    Werkzeug's development server skips closing a response when the browser drops the connection mid-way
    (a navigation that cancels a script still loading), leaving a static file open: a ResourceWarning, an
    error under ``filterwarnings = error``, in whichever test the garbage collector meets it.
    """

    def serve(environ, start_response):
        with in_flight:
            response = app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                if hasattr(response, "close"):
                    response.close()

    return serve


class LiveServer:
    def __init__(self, app) -> None:
        self.in_flight = InFlight()
        self.server = make_server("127.0.0.1", 0, buffered(app, self.in_flight), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """Stop accepting, then wait for requests still being answered.

        A request thread still holding a database connection when the test's engine is disposed leaves
        that connection open for the garbage collector: psycopg's ResourceWarning in a later test.
        """
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()
        assert self.in_flight.wait_until_idle(timeout=10), "requests still running 10 s after the test"


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    """The test app on a free loopback port (SERVER_NAME dropped so any host name works)."""
    app.config["SERVER_NAME"] = None
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


OUTSIDE = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])[a-z]+://")


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    """A fresh browser profile per test; phone-sized by default (the PWA's target)."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="en-GB",
                                  timezone_id="Europe/Amsterdam")
    # Tests never reach the internet (map tiles, for one): anything off loopback fails at once, as it
    # would on a machine without a network. A test's own routes, added later, take precedence.
    context.route(OUTSIDE, lambda route: route.abort("internetdisconnected"))
    yield context
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, its page's address and text go into the report (also from an xdist worker)."""
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when != "call" or not report.failed or page is None or page.is_closed():
        return
    try:
        text = page.evaluate("() => document.body ? document.body.innerText : ''")
    except Exception as error:  # noqa: BLE001 - the page may have gone with the failure
        text = f"(the page's text could not be read: {error})"
    report.sections.append(("page at failure", f"{page.url}\n{text[:3000]}"))


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    page.close()


@pytest.fixture
def tiles(context) -> list[str]:
    """Map tiles answered by a local PNG (the tile server is the outside internet); the asked URLs."""
    served: list[str] = []
    png = tile_png()

    def fake(route):
        served.append(route.request.url)
        route.fulfill(status=200, body=png, headers={"Content-Type": "image/png"})

    context.route(TILES, fake)
    return served
