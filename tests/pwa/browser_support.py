"""Helpers for the technician app's browser tests (tests/browser/test_pwa_*.py)."""

from __future__ import annotations

import io
import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import func, select

from dispatch.audit import AuditEvent
from dispatch.extensions import db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the browser context's time zone (tests/browser/conftest.py)
PASSWORD = "correct horse battery"
# The default MAP_TILE_URL's tiles: the outside internet, so browser tests answer them with tile_png().
TILES = re.compile(r"^https://tile\.openstreetmap\.org/\d+/\d+/\d+\.png$")


class PageErrors:
    """Uncaught errors, console errors and failed app files of a page; a test ends by asserting none.

    A failed fetch shows up in the console as "Failed to load resource" without its URL: those are
    judged by the response instead, where only the app's own files (not the API, not the back office's
    favicon) count.
    """

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 400 and "/app/" in response.url:
            self.errors.append(f"{response.status} {response.url}")

    def assert_none(self) -> None:
        assert self.errors == [], "\n".join(self.errors)


def sign_in(page, live_server, email: str) -> None:
    """Sign in through the back office's login page and land in the app."""
    page.goto(f"{live_server.url}/login?next=/app/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/app/"))
    page.wait_for_selector("#unsynced-count")


def wait_for_js(page, expression: str, timeout: int = 15_000) -> None:
    """Until ``expression`` is true in the page.

    Polled with page.evaluate, not page.wait_for_function: the app's content security policy has no
    'unsafe-eval', and wait_for_function evaluates its predicate with eval inside the page.
    """
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out after {timeout} ms waiting for {expression}"
        page.wait_for_timeout(100)


def wait_for_service_worker(page) -> None:
    """Until the app's service worker has precached the shell and controls the page."""
    wait_for_js(page, "Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)", timeout=20_000)


def unsynced(page) -> int:
    return int(page.get_attribute("#unsynced-count", "data-count"))


def wait_until_synced(page, timeout: int = 20_000) -> None:
    wait_for_unsynced(page, 0, timeout)


def wait_for_unsynced(page, count: int, timeout: int = 15_000) -> None:
    expect(page.locator("#unsynced-count")).to_have_attribute("data-count", str(count), timeout=timeout)


def open_job(page, job) -> None:
    page.locator(f'a.job-card[data-job-id="{job.id}"]').click()
    page.wait_for_selector("#section-status")


def signed_in_on_a_job(page, live_server, make):
    """A technician with a job and a product to use, signed in, the app installed, on the job's page."""
    technician = make.user("technician")
    job = make.scheduled_job(technician, make.ticket(asset=make.asset()))
    product = make.product()
    sign_in(page, live_server, technician.email)
    wait_for_service_worker(page)
    open_job(page, job)
    return job, product


def past_period(minutes: int = 45) -> tuple[str, str, str, datetime, datetime]:
    """A past period within one local day: (date, from, to) as typed, and its start and end instants."""
    end = datetime.now(AMSTERDAM).replace(second=0, microsecond=0) - timedelta(hours=2)
    start = end - timedelta(minutes=minutes)
    if start.date() != end.date():
        end = end.replace(hour=23, minute=50) - timedelta(days=1)
        start = end - timedelta(minutes=minutes)
    return start.date().isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M"), start, end


def add_time_entry(page, kind: str, date: str, start: str, end: str, note: str = "") -> None:
    form = page.locator("#time-form")
    form.get_by_label("Kind").select_option(kind)
    form.get_by_label("Date").fill(date)
    form.get_by_label("From").fill(start)
    form.get_by_label("To").fill(end)
    if note:
        form.get_by_label("Note (optional)").fill(note)
    form.get_by_role("button", name="Add hours").click()


def add_part(page, sku: str, quantity: str) -> None:
    form = page.locator("#part-form")
    form.get_by_label("Article number (SKU)").fill(sku)
    form.get_by_label("Quantity").fill(quantity)
    form.get_by_role("button", name="Add part").click()


def jpeg(path: Path, width: int, height: int) -> Path:
    """A real JPEG photo of ``width`` x ``height`` (a gradient, so that it compresses like a photo)."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image.save(path, "JPEG", quality=85)
    return path


def tile_png() -> bytes:
    """A plain 256 px map tile."""
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (170, 211, 223)).save(out, "PNG")
    return out.getvalue()


def draw_signature(page) -> None:
    """Sign on the pad with the mouse: a long zigzag, well above the minimum ink."""
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(x + step * 12, y + (35 if step % 2 else -35), steps=4)
    page.mouse.up()


def pad_data(page) -> list:
    return page.evaluate("document.querySelector('#signature-pad').signaturePad.toData()")


def count(model, *where) -> int:
    db.session.rollback()  # see what the live server committed
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def status_changes(job_id: int) -> list[str]:
    """The statuses a job went through, from its audit trail, in order."""
    db.session.rollback()
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "job.status_changed", AuditEvent.object_type == "jobs",
        AuditEvent.object_id == job_id,
    ).order_by(AuditEvent.id))
    return [event.data["status"] for event in events]


def uploaded_size(photo) -> tuple[int, int]:
    """Width and height of the photo as the phone sent it (the server keeps that original)."""
    from io import BytesIO

    from dispatch.storage import storage

    with Image.open(BytesIO(storage().read(photo.original_key))) as image:
        return image.size


class BackgroundSync:
    """Chromium's Background Sync event ("outbox") for the app's service worker, fired through DevTools.

    The DevTools session belongs to a blank page of the context, not to an app page, so the app's pages
    can all be closed while the service worker (kept by the context) still gets the event.
    """

    def __init__(self, context, live_server) -> None:
        self.scope = f"{live_server.url}/app/"
        self.origin = live_server.url
        front = context.pages[-1] if context.pages else None
        self.carrier = context.new_page()  # about:blank
        if front:
            front.bring_to_front()  # a page in the background draws (and takes mouse input) at a crawl
        self.cdp = context.new_cdp_session(self.carrier)
        self.registrations: dict[str, str] = {}
        self.cdp.on("ServiceWorker.workerRegistrationUpdated", self._registrations)
        self.cdp.send("ServiceWorker.enable")

    def _registrations(self, event) -> None:
        for registration in event["registrations"]:
            if registration.get("isDeleted"):
                self.registrations.pop(registration["scopeURL"], None)
            else:
                self.registrations[registration["scopeURL"]] = registration["registrationId"]

    def fire(self, timeout: float = 10.0) -> None:
        """Dispatch the sync event, as the browser does when the connection is back."""
        deadline = time.monotonic() + timeout
        while self.scope not in self.registrations:
            assert time.monotonic() < deadline, f"no service worker registered for {self.scope}"
            self.carrier.wait_for_timeout(100)
        self.cdp.send("ServiceWorker.dispatchSyncEvent", {
            "origin": self.origin, "registrationId": self.registrations[self.scope], "tag": "outbox",
            "lastChance": False,
        })

    def wait_until(self, condition, timeout: float = 30.0, what: str = "condition") -> None:
        """Poll ``condition()`` (say, a database count) while the browser keeps running."""
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            self.carrier.wait_for_timeout(200)


class ApiPosts:
    """Every POST the app sends to the API (page or service worker): its path, Idempotency-Key and sender."""

    def __init__(self, context) -> None:
        self.sent: list[tuple[str, str | None, str]] = []
        context.on("request", self._request)

    def _request(self, request) -> None:
        if request.method == "POST" and "/api/v1/" in request.url:
            sender = "service worker" if request.service_worker else "page"
            self.sent.append((request.url.split("/api/v1", 1)[1], request.headers.get("idempotency-key"), sender))

    def idempotency_keys(self) -> list[str | None]:
        return [key for _, key, _ in self.sent]

    def senders(self) -> set[str]:
        return {sender for _, _, sender in self.sent}


def outbox_size(worker) -> int:
    """How many records wait in the outbox, read in the service worker (no app page needed)."""
    return worker.evaluate("""() => new Promise((resolve, reject) => {
      const opening = indexedDB.open("dispatch-pwa");
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const counting = opening.result.transaction("outbox").objectStore("outbox").count();
        counting.onsuccess = () => { opening.result.close(); resolve(counting.result); };
        counting.onerror = () => reject(counting.error);
      };
    })""")


class ServiceWorkerNetwork:
    """The service worker's own requests, routed through the browser context.

    Playwright 1.65 reports and routes a Chromium service worker's requests by default: the old
    PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS switch is gone (PLAYWRIGHT_DISABLE_SERVICE_WORKER_NETWORK
    would turn the feature off, and the context option service_workers="block" too).

    While ``cut`` is set, each of them is aborted as if the phone had no network, and listed in ``aborted``;
    the page's own requests are left to the other routes and to ``context.set_offline``.
    """

    def __init__(self, context) -> None:
        self.cut = False
        self.aborted: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route) -> None:
        request = route.request
        if request.service_worker is None:
            route.fallback()
        elif self.cut:
            self.aborted.append(f"{request.method} {request.url}")
            route.abort("internetdisconnected")
        else:
            route.fallback()
