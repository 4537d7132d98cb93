"""Periodic upkeep re-dispatches stranded tasks and purges old idempotency keys."""

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


def test_fresh_pending_tasks_are_left_to_their_dispatch(app):
    db.session.add(BackgroundTask(name="mail.deliver", args={"mail_id": 1}))
    db.session.commit()
    assert periodic.run("sweep_tasks") == 0


def test_purge_runs_by_name(app):
    assert periodic.run("purge_idempotency_keys") == 0
