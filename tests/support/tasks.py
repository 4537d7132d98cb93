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


def drain_queue(redis_url: str, timeout: float = 30) -> None:
    """Wait until the rq worker has nothing queued or running, then drop retries scheduled for later.

    Used between tests: a task that was recorded but never dispatched stays pending for ever and must
    not hold up the teardown, and a retry left for later would run in the next test, against its data.
    """
    from redis import Redis
    from rq import Queue
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry

    connection = Redis.from_url(redis_url)
    queue = Queue("default", connection=connection)
    started = StartedJobRegistry(queue=queue)
    deadline = time.monotonic() + timeout
    # A worker moves a job atomically from the queue to the intermediate list and from there to the
    # started registry, so a job is always in one of the three until it has finished.
    while time.monotonic() < deadline:
        if not (queue.count or connection.llen(queue.intermediate_queue_key) or started.count):
            break
        time.sleep(0.02)
    queue.empty()
    scheduled = ScheduledJobRegistry(queue=queue)
    for job_id in scheduled.get_job_ids():
        scheduled.remove(job_id, delete_job=True)
    connection.close()
