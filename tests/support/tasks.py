"""Waiting for background tasks, which run in a real rq worker when the suite has Redis."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from dispatch.enums import DeliveryStatus
from dispatch.extensions import db
from dispatch.tasks import BackgroundTask


def wait_for_tasks(timeout: float = 30, raise_on_timeout: bool = True) -> None:
    """Block until no recorded task is pending or running."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()  # see other processes' commits
        busy = db.session.scalar(
            select(func.count()).select_from(BackgroundTask).where(
                BackgroundTask.status.in_([DeliveryStatus.PENDING, DeliveryStatus.RUNNING])
            )
        )
        if not busy:
            return
        if time.monotonic() > deadline:
            if raise_on_timeout:
                raise TimeoutError(f"{busy} background task(s) still pending after {timeout}s")
            return
        time.sleep(0.05)
