"""Periodic upkeep: re-dispatch tasks that never ran, forget expired idempotency keys.

With Redis, ``rq cron dispatch/cron.py`` enqueues these on the worker queue. Without it, the web
process runs them in a background thread, started by the first request (never at import or in
``create_app``, and never under test, where tests call them directly).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app, has_app_context

log = logging.getLogger(__name__)


def sweep_tasks() -> int:
    """Dispatch recorded tasks that are still pending (Redis was down, a worker died, SMTP failed)."""
    from dispatch.tasks import sweep

    return sweep()


def purge_idempotency_keys() -> int:
    """Delete idempotency keys past their keeping time."""
    from dispatch.api.idempotency import purge_expired

    return purge_expired()


def retry_webhooks() -> int:
    """Enqueue the webhook deliveries whose next attempt is due."""
    from dispatch.integrations.webhooks import retry_due

    return retry_due()


def retry_geocoding() -> int:
    """Ask the geocoder again about addresses still pending or only placed at their town centre."""
    from dispatch.extensions import db
    from dispatch.scheduling.geo.services import retry_unplaced

    queued = retry_unplaced()
    db.session.commit()  # the boundary of a periodic job, as a request's: the queued lookups run after it
    return queued


def evaluate_sla() -> int:
    """Warn about, flag and escalate tickets whose SLA times have come (dispatch.desk.sla)."""
    from dispatch.desk.sla.escalation import evaluate

    return evaluate()


def fetch_mail() -> int:
    """Fetch unseen messages from the IMAP mailbox, when IMAP_URL is configured (dispatch.desk.mailbox)."""
    from dispatch.desk.mailbox.imap import fetch_configured

    return fetch_configured()


# name -> (function, interval in seconds)
SCHEDULE: dict[str, tuple[Callable[[], int], int]] = {
    "sweep_tasks": (sweep_tasks, 60),
    "purge_idempotency_keys": (purge_idempotency_keys, 3600),
    "retry_webhooks": (retry_webhooks, 60),
    "geo.retry": (retry_geocoding, 300),
    "desk.imap": (fetch_mail, 60),
    "desk.sla": (evaluate_sla, 60),
}


def run(name: str) -> int:
    """Run one periodic job by name in an app context (the entry point ``rq cron`` enqueues)."""
    function, _interval = SCHEDULE[name]
    if has_app_context():
        return function()
    from dispatch.tasks import _worker_app

    with _worker_app().app_context():
        return function()


def _loop(app: Flask, stop: threading.Event) -> None:
    last_run: dict[str, float] = {}
    while not stop.wait(5):
        for name, (function, interval) in SCHEDULE.items():
            if time.monotonic() - last_run.get(name, 0) < interval:
                continue
            last_run[name] = time.monotonic()
            try:
                with app.app_context():
                    function()
            except Exception:  # keep the loop alive; the next round tries again
                log.exception("periodic job %s failed", name)


def init_app(app: Flask) -> None:
    """Without Redis and outside tests, start the in-process periodic thread on the first request."""
    if app.config["REDIS_URL"] or app.config.get("TESTING"):
        return
    started = threading.Lock()
    state: dict[str, threading.Event] = {}

    @app.before_request
    def _start_periodic_thread() -> None:
        if "stop" in state or not started.acquire(blocking=False):
            return
        state["stop"] = threading.Event()
        thread = threading.Thread(target=_loop, args=(current_app._get_current_object(), state["stop"]),
                                  name="dispatch-periodic", daemon=True)
        thread.start()
        app.extensions["dispatch.periodic"] = state["stop"]
