"""Periodic upkeep re-dispatches stranded tasks and purges old idempotency keys."""

import time
from datetime import timedelta

from sqlalchemy import select

from dispatch import periodic
from dispatch.dbtypes import utcnow
from dispatch.enums import DeliveryStatus
from dispatch.extensions import db
from dispatch.mail import OutboxMail
from dispatch.tasks import BackgroundTask
from tests.support.tasks import wait_for_tasks


def test_sweep_sends_a_stranded_mail(app, mail_server):
    # As if Redis had been down at commit time: the outbox row and its task exist, nothing was dispatched.
    mail = OutboxMail(to_address="late@example.com", subject="Stranded", body_text="Never dispatched",
                      message_id="<stranded@dispatch.local>")
    db.session.add(mail)
    db.session.flush()
    db.session.add(BackgroundTask(name="mail.deliver", args={"mail_id": mail.id},
                                  created_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    assert mail_server.wait_for(1, timeout=0.3) == []
    assert periodic.run("sweep_tasks") == 1
    wait_for_tasks()
    assert mail_server.wait_for(1)[0]["Subject"] == "Stranded"
    db.session.expire_all()
    assert db.session.scalar(select(BackgroundTask.status)) == DeliveryStatus.DONE
    assert periodic.run("sweep_tasks") == 0


def test_sweep_resends_a_task_lost_with_its_worker_but_not_one_still_running(app, mail_server):
    mails = [OutboxMail(to_address="late@example.com", subject=subject, body_text="x", message_id=f"<{subject}@d>")
             for subject in ("Lost", "Running")]
    db.session.add_all(mails)
    db.session.flush()
    for mail, started in zip(mails, (utcnow() - timedelta(minutes=20), utcnow() - timedelta(minutes=1)), strict=True):
        db.session.add(BackgroundTask(name="mail.deliver", args={"mail_id": mail.id}, status=DeliveryStatus.RUNNING,
                                      attempts=1, created_at=started, started_at=started))
    db.session.commit()
    assert periodic.run("sweep_tasks") == 1
    assert mail_server.wait_for(1)[0]["Subject"] == "Lost"
    deadline = time.monotonic() + 10  # with an rq worker, its commit comes just after the mail
    while (statuses := _statuses())[0][0] != DeliveryStatus.DONE and time.monotonic() < deadline:
        time.sleep(0.05)
    assert statuses == [(DeliveryStatus.DONE, 2), (DeliveryStatus.RUNNING, 1)]


def _statuses() -> list[tuple[DeliveryStatus, int]]:
    db.session.rollback()
    return [(task.status, task.attempts) for task in db.session.scalars(select(BackgroundTask).order_by(
        BackgroundTask.id))]


def test_fresh_pending_tasks_are_left_to_their_dispatch(app):
    db.session.add(BackgroundTask(name="mail.deliver", args={"mail_id": 1}))
    db.session.commit()
    assert periodic.run("sweep_tasks") == 0


def test_purge_runs_by_name(app):
    assert periodic.run("purge_idempotency_keys") == 0
