"""Helpers for the back office's browser tests: sign in, collect page problems, keep screenshots."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.factories import PASSWORD

DESKTOP = {"width": 1280, "height": 800}
# Set to a folder to keep screenshots of the pages the tests walk through.
SCREENSHOTS = os.environ.get("BACKOFFICE_SCREENSHOTS")


# The innermost elements that stick out past the right edge of the screen, with their right edge in px.
_STICKING_OUT = """() => {
  const edge = document.documentElement.clientWidth + 0.5, right = e => e.getBoundingClientRect().right;
  if (document.documentElement.scrollWidth <= document.documentElement.clientWidth) return [];
  const out = [...document.querySelectorAll('body *')].filter(e => right(e) > edge)
    .filter(e => ![...e.children].some(c => right(c) > edge))
    .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.className} `
      + `"${(e.textContent || '').trim().slice(0, 40)}" ${Math.round(right(e))}`);
  return out.length ? out : [`page ${document.documentElement.scrollWidth} px wide`];
}"""


def sticking_out(page) -> list[str]:
    """What makes the page wider than the screen (empty when it fits): the innermost culprits, for the message.

    Measured once the page has loaded: a layout forced from a script (and a test's locator is one) does not
    wait for a stylesheet still on its way, so an unstyled table counts as wider than a phone until then.
    """
    page.wait_for_load_state("load")
    return page.evaluate(_STICKING_OUT)


class Problems:
    """Script errors, console errors (CSP violations among them) and failed back-office requests."""

    def __init__(self, page) -> None:
        self.seen: list[str] = []
        page.on("pageerror", lambda error: self.seen.append(f"pageerror: {error}"))
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message) -> None:
        # A failed request is logged without its address; it is judged by its response below instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.seen.append(message.text)

    def _response(self, response) -> None:
        if response.status >= 400 and "/api/" not in response.url:
            self.seen.append(f"{response.status} {response.url}")

    def assert_none(self) -> None:
        assert self.seen == [], "\n".join(self.seen)


def shoot(page, name: str) -> None:
    """Keep a full-page screenshot named ``name`` when BACKOFFICE_SCREENSHOTS names a folder."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def sign_in(page, live_server, email: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
