"""The task runner for real: a task recorded in a transaction runs once, after the commit.

Run plainly, tasks run in-process. With TEST_DATABASE_URL and TEST_REDIS_URL (as in CI's second run) the
same tests go through Redis and the separate ``rq worker`` process that tests/conftest.py starts, and
additionally check that it was that worker which ran them.
"""

from __future__ import annotations

import time

from flask import current_app
from sqlalchemy import select

from dispatch.enums import DeliveryStatus
from dispatch.extensions import db
from dispatch.mail import OutboxMail, queue_mail
from dispatch.tasks import BackgroundTask
from tests.support.tasks import wait_for_tasks


def _finished_rq_jobs() -> dict[str, tuple]:
    """RQ job id -> arguments of every job in the worker's finished registry (this test process's Redis)."""
    from redis import Redis
    from rq.job import Job as RqJob
    from rq.registry import FinishedJobRegistry

    connection = Redis.from_url(current_app.config["REDIS_URL"])
    registry = FinishedJobRegistry("default", connection=connection)
    return {job.id: (job.func_name, *job.args)
            for job in RqJob.fetch_many(registry.get_job_ids(), connection=connection) if job is not None}


def _newly_finished(before: dict[str, tuple], timeout: float = 10) -> list[tuple]:
    """Jobs finished since ``before`` (RQ files a job a moment after the task returns)."""
    deadline = time.monotonic() + timeout
    while True:
        new = [args for job_id, args in _finished_rq_jobs().items() if job_id not in before]
        if new or time.monotonic() > deadline:
            return new
        time.sleep(0.05)


def test_committed_mail_is_delivered_once_by_the_task(app, mail_server, rq_worker):
    with_redis = bool(app.config["REDIS_URL"])
    finished_before = _finished_rq_jobs() if with_redis else {}
    mail = queue_mail("jeroen@customer.example", "Your appointment", "We come on Monday at 9.")
    db.session.commit()
    wait_for_tasks()

    messages = mail_server.wait_for(1)
    assert [message["Subject"] for message in messages] == ["Your appointment"]
    assert messages[0]["To"] == "jeroen@customer.example"
    db.session.rollback()  # read what the runner (maybe another process) committed
    delivered = db.session.get(OutboxMail, mail.id)
    assert delivered.status == DeliveryStatus.DONE and delivered.sent_at is not None
    task = db.session.scalar(select(BackgroundTask).where(BackgroundTask.dedupe_key == f"mail:{mail.id}"))
    assert (task.status, task.attempts, task.last_error) == (DeliveryStatus.DONE, 1, None)
    if with_redis:
        assert rq_worker.poll() is None, "the rq worker died"
        assert _newly_finished(finished_before) == [("dispatch.tasks.run", task.id)], "not run by rq"


def test_nothing_runs_before_the_commit(app, mail_server):
    queue_mail("a@customer.example", "Before commit", "Body")
    db.session.flush()
    time.sleep(0.5)  # long enough for a worker to pick up anything that was (wrongly) sent early
    assert mail_server.messages == []
    db.session.commit()
    wait_for_tasks()
    assert len(mail_server.wait_for(1)) == 1


def test_a_rolled_back_task_never_runs(app, mail_server):
    queue_mail("b@customer.example", "Rolled back", "Body")
    db.session.rollback()
    queue_mail("c@customer.example", "Committed", "Body")
    db.session.commit()
    wait_for_tasks()

    assert [message["Subject"] for message in mail_server.wait_for(1)] == ["Committed"]
    assert [task.name for task in db.session.scalars(select(BackgroundTask))] == ["mail.deliver"]


def test_a_task_recorded_inside_a_rolled_back_savepoint_is_forgotten_with_it(app, mail_server, caplog):
    queue_mail("e@customer.example", "Kept", "Body")
    try:
        with db.session.begin_nested():  # as filing an inbound mail does
            queue_mail("f@customer.example", "Rolled back", "Body")
            raise RuntimeError("the savepoint is rolled back")
    except RuntimeError:
        pass
    db.session.commit()
    wait_for_tasks()

    assert [message["Subject"] for message in mail_server.wait_for(1)] == ["Kept"]
    assert not [record for record in caplog.records if "does not exist" in record.getMessage()]


def test_a_savepoint_neither_sends_nor_drops_the_tasks_recorded_before_it(app, mail_server):
    queue_mail("d@customer.example", "Before the savepoint", "Body")
    with db.session.begin_nested():  # as numbering does for the first number of a year
        db.session.flush()
    time.sleep(0.5)
    assert mail_server.messages == []  # released savepoint: not yet committed, nothing sent
    try:
        with db.session.begin_nested():
            raise RuntimeError("the savepoint is rolled back")
    except RuntimeError:
        pass
    db.session.commit()
    wait_for_tasks()

    assert [message["Subject"] for message in mail_server.wait_for(1)] == ["Before the savepoint"]
