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
        time.sleep(0.01)


class QueueDrain:
    """Between tests: waits until the rq worker has nothing queued or running, then drops scheduled retries.

    A task that was recorded but never dispatched stays pending for ever and must not hold up the
    teardown, and a retry left for later would run in the next test, against its data. One Redis
    connection serves the whole session; an idle queue costs one round trip.
    """

    def __init__(self, redis_url: str) -> None:
        from redis import Redis
        from rq import Queue
        from rq.registry import ScheduledJobRegistry, StartedJobRegistry

        self.connection = Redis.from_url(redis_url)
        self.queue = Queue("default", connection=self.connection)
        self.started = StartedJobRegistry(queue=self.queue)
        self.scheduled = ScheduledJobRegistry(queue=self.queue)

    def _counts(self) -> tuple[int, int, int, int]:
        pipeline = self.connection.pipeline(transaction=False)
        pipeline.llen(self.queue.key)
        pipeline.llen(self.queue.intermediate_queue_key)
        pipeline.zcard(self.started.key)
        pipeline.zcard(self.scheduled.key)
        return tuple(pipeline.execute())

    def wait(self, timeout: float = 30) -> None:
        """Return once the worker is idle (or ``timeout`` passed), with the queue and scheduled retries empty."""
        deadline = time.monotonic() + timeout
        # A worker moves a job atomically from the queue to the intermediate list and from there to the
        # started registry, so a job is always in one of the three until it has finished.
        queued, intermediate, started, scheduled = self._counts()
        while (queued or intermediate or started) and time.monotonic() < deadline:
            time.sleep(0.01)
            queued, intermediate, started, scheduled = self._counts()
        if queued or intermediate or started:
            self.started.cleanup()  # a job whose worker is gone would count as started for ever
        if queued:
            self.queue.empty()
        if scheduled:
            for job_id in self.scheduled.get_job_ids():
                self.scheduled.remove(job_id, delete_job=True)

    def close(self) -> None:
        """Close the Redis connection."""
        self.connection.close()
