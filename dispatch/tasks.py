"""Background task facade.

A task is recorded as a row in the business transaction that causes it (so it is never lost when
Redis is down) and dispatched only after that transaction commits: to RQ when ``REDIS_URL`` is set,
otherwise run in-process right away. Task functions take ids, must be idempotent, and do not commit:
the runner commits their work together with the task's own "done" mark. The one exception is a call
to another system (SMTP, a webhook receiver), made through ``call_outside``, which commits first.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from sqlalchemy import JSON, ColumnElement, Index, String, Text, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.enums import DeliveryStatus, enum_column
from dispatch.extensions import db

log = logging.getLogger(__name__)

TaskFunction = Callable[..., None]
Result = TypeVar("Result")
_REGISTRY: dict[str, TaskFunction] = {}
_PENDING_KEY = "dispatch.tasks.pending"
# Per open SAVEPOINT: how many tasks were pending when it began (its rollback forgets the ones after).
_SAVEPOINTS_KEY = "dispatch.tasks.savepoints"
# Seconds from a failed attempt to the next; after the last, every hour. A task that used up
# TASK_MAX_ATTEMPTS is marked failed (for the logs and an admin) but is still retried hourly: an SMTP
# server down for a day must not lose the mail waiting in the outbox.
RETRY_INTERVALS = [10, 60, 300, 900]
RETRY_AFTER_GIVING_UP = timedelta(hours=1)
STALE_RUNNING = timedelta(minutes=15)  # a "running" task older than this was lost with its worker


class BackgroundTask(db.Model):
    __tablename__ = "background_tasks"
    __table_args__ = (Index("ix_background_tasks_status_next_attempt", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus), default=DeliveryStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # set after a failed attempt


def task(name: str) -> Callable[[TaskFunction], TaskFunction]:
    """Register a function as the background task ``name``."""

    def register(function: TaskFunction) -> TaskFunction:
        _REGISTRY[name] = function
        return function

    return register


def enqueue(name: str, *, dedupe_key: str | None = None, **kwargs: Any) -> BackgroundTask:
    """Record task ``name`` in the current transaction; it runs after the commit, once per dedupe key."""
    if name not in _REGISTRY:
        raise KeyError(f"unknown task {name!r}")
    if dedupe_key is not None:
        existing = db.session.scalar(select(BackgroundTask).where(BackgroundTask.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    background_task = BackgroundTask(name=name, args=kwargs, dedupe_key=dedupe_key)
    db.session.add(background_task)
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).append(background_task.id)
    return background_task


def execute(task_id: int) -> bool:
    """Run one recorded task in the current app context; True when it is done (now or before)."""
    claimed = db.session.execute(
        update(BackgroundTask)
        .where(
            BackgroundTask.id == task_id,
            BackgroundTask.status.in_([DeliveryStatus.PENDING, DeliveryStatus.FAILED]) | _lost_with_its_worker(),
        )
        .values(status=DeliveryStatus.RUNNING, attempts=BackgroundTask.attempts + 1, started_at=utcnow())
    ).rowcount
    db.session.commit()
    background_task = db.session.get(BackgroundTask, task_id)
    if background_task is None:
        log.warning("task %s does not exist", task_id)
        return False
    if not claimed:
        return background_task.status == DeliveryStatus.DONE
    log.info("task %s %s attempt %s", task_id, background_task.name, background_task.attempts)
    try:
        _REGISTRY[background_task.name](**background_task.args)
        background_task.status = DeliveryStatus.DONE
        background_task.finished_at = utcnow()
        background_task.last_error = None
        background_task.next_attempt_at = None
        db.session.commit()
        return True
    except Exception:
        db.session.rollback()
        background_task = db.session.get(BackgroundTask, task_id)
        give_up = background_task.attempts >= current_app.config["TASK_MAX_ATTEMPTS"]
        background_task.status = DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING
        background_task.next_attempt_at = utcnow() + retry_delay(background_task.attempts, give_up)
        background_task.last_error = traceback.format_exc(limit=8)[-4000:]
        db.session.commit()
        log.exception("task %s %s failed (attempt %s)", task_id, background_task.name, background_task.attempts)
        return False


def retry_delay(attempts: int, gave_up: bool) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    if gave_up:
        return RETRY_AFTER_GIVING_UP
    return timedelta(seconds=RETRY_INTERVALS[min(attempts, len(RETRY_INTERVALS)) - 1])


def call_outside(function: Callable[..., Result], *args: Any, **kwargs: Any) -> Result:
    """Inside a task: commit what it has written so far, then call another system with no transaction open.

    Such a call lasts up to its timeout, and no transaction (on SQLite, the database write lock) may
    be held open that long. What the task wrote before stays even if the call or the rest of the task
    fails: that is where it records the claim that keeps a twin or late run from calling twice. The
    commit expires the task's objects, so the arguments are read before it.
    """
    db.session.commit()
    return function(*args, **kwargs)


def run(task_id: int) -> None:
    """RQ entry point: run a recorded task, raising on failure so that RQ files the job as failed.

    RQ does not retry it: the sweep sends it again when its ``next_attempt_at`` is due, so there is one
    retry schedule whether tasks run on RQ or in-process.
    """
    app = current_app._get_current_object() if has_app_context() else _worker_app()
    with app.app_context():
        if not execute(task_id):
            status = db.session.get(BackgroundTask, task_id)
            if status is not None and status.status == DeliveryStatus.PENDING:
                raise RuntimeError(f"task {task_id} failed; the sweep retries it when it is due")


def dispatch(task_ids: list[int]) -> None:
    """Hand committed tasks to RQ, or run them here when no Redis is configured."""
    app = current_app._get_current_object()
    if app.config["REDIS_URL"]:
        from rq import Queue  # imported here: only deployments with Redis need it

        queue = Queue(connection=redis_connection(app), default_timeout=600)
        for task_id in task_ids:
            try:
                queue.enqueue("dispatch.tasks.run", task_id)
            except Exception:  # Redis down: the row stays pending and `flask tasks sweep` sends it later
                log.exception("could not enqueue task %s; it stays pending", task_id)
        return
    for task_id in task_ids:
        with app.app_context():  # a fresh app context gives the task its own session
            execute(task_id)


def _lost_with_its_worker() -> ColumnElement[bool]:
    """A task still marked running long after it started: its worker (or web process) died mid-run."""
    return (BackgroundTask.status == DeliveryStatus.RUNNING) & (BackgroundTask.started_at < utcnow() - STALE_RUNNING)


def sweep(older_than: timedelta = timedelta(minutes=1)) -> int:
    """Dispatch tasks that never ran (Redis was down), whose retry is due, or that were lost with their worker."""
    now = utcnow()
    never_ran = ((BackgroundTask.status == DeliveryStatus.PENDING) & BackgroundTask.next_attempt_at.is_(None)
                 & (BackgroundTask.created_at < now - older_than))
    retry_due = (BackgroundTask.status.in_([DeliveryStatus.PENDING, DeliveryStatus.FAILED])
                 & (BackgroundTask.next_attempt_at <= now))
    ids = list(db.session.scalars(select(BackgroundTask.id).where(never_ran | retry_due | _lost_with_its_worker())))
    db.session.commit()
    if ids:
        dispatch(ids)
    return len(ids)


def redis_connection(app: Flask):  # noqa: ANN201 - redis.Redis
    """One Redis client per app, made on first use."""
    from redis import Redis

    client = app.extensions.get("dispatch.redis")
    if client is None:
        client = app.extensions["dispatch.redis"] = Redis.from_url(app.config["REDIS_URL"])
    return client


_worker_apps: dict[str, Flask] = {}


def _worker_app() -> Flask:
    """The app a worker process runs tasks in, created on its first task."""
    if "app" not in _worker_apps:
        from dispatch import create_app

        _worker_apps["app"] = create_app()
    return _worker_apps["app"]


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the tasks wait for the real commit (SQLAlchemy fires this for both)
    session.info.pop(_SAVEPOINTS_KEY, None)
    pending = session.info.pop(_PENDING_KEY, None)
    if pending and has_app_context():
        dispatch(pending)


def _after_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.nested:
        # Only a SAVEPOINT rolled back: the tasks recorded before it still stand, those recorded in it are gone.
        mark = session.info.get(_SAVEPOINTS_KEY, {}).get(previous_transaction)
        if mark is not None:
            del session.info.get(_PENDING_KEY, [])[mark:]
        return
    session.info.pop(_SAVEPOINTS_KEY, None)
    session.info.pop(_PENDING_KEY, None)


def _savepoint_began(session: Session, transaction: Any) -> None:
    if transaction.nested:
        session.info.setdefault(_SAVEPOINTS_KEY, {})[transaction] = len(session.info.get(_PENDING_KEY, []))


# Modules whose functions are registered as tasks with @task; imported when the app is made.
TASK_MODULES = ("dispatch.mail", "dispatch.field.tasks", "dispatch.closure.tasks", "dispatch.integrations.tasks",
                "dispatch.scheduling.geo.tasks", "dispatch.desk.mailbox.services")


def init_app(app: Flask) -> None:
    """Register every task and dispatch tasks after every commit of a session that recorded some."""
    import importlib

    for module in TASK_MODULES:
        importlib.import_module(module)
    for name, listener in (("after_commit", _after_commit), ("after_soft_rollback", _after_rollback),
                           ("after_transaction_create", _savepoint_began)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
