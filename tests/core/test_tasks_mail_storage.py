"""Tasks run after the commit (never after a rollback), once, with retries; mail goes out over SMTP."""

import os
import socket
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from dispatch import tasks
from dispatch.dbtypes import utcnow
from dispatch.enums import DeliveryStatus
from dispatch.extensions import db
from dispatch.mail import OutboxMail, queue_mail
from dispatch.storage import storage
from dispatch.tasks import BackgroundTask
from tests.support.tasks import wait_for_tasks

in_process_only = pytest.mark.skipif(bool(os.environ.get("TEST_REDIS_URL")),
                                     reason="observes in-process execution; the rq run has its own test")


def test_mail_is_delivered_after_commit_with_attachment(app, mail_server):
    key = storage().put(b"%PDF-1.4 test", prefix="receipts", suffix=".pdf")
    queue_mail("klant@example.nl", "Uw werkbon", "Zie bijlage.",
               attachments=[{"filename": "werkbon.pdf", "content_type": "application/pdf", "storage_key": key}])
    assert mail_server.messages == []  # nothing leaves before the commit
    db.session.commit()
    wait_for_tasks()
    [message] = mail_server.wait_for(1)
    assert message["To"] == "klant@example.nl" and message["Subject"] == "Uw werkbon"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "werkbon.pdf" and attachment.get_content() == b"%PDF-1.4 test"
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMail.status)) == DeliveryStatus.DONE


def test_rolled_back_mail_is_never_sent(app, mail_server):
    queue_mail("x@example.com", "Never", "Rolled back")
    db.session.rollback()
    wait_for_tasks()
    assert mail_server.wait_for(1, timeout=0.5) == []
    assert db.session.scalar(select(OutboxMail)) is None


@in_process_only
def test_smtp_down_keeps_mail_in_the_outbox_then_delivers(app, mail_server):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{dead_port}"
    mail = queue_mail("y@example.com", "Later", "Retry me")
    db.session.commit()
    db.session.expire_all()
    task = db.session.scalar(select(BackgroundTask).where(BackgroundTask.name == "mail.deliver"))
    assert task.status == DeliveryStatus.PENDING and task.attempts == 1 and "Connection refused" in task.last_error
    assert db.session.get(OutboxMail, mail.id).status == DeliveryStatus.PENDING
    app.config["SMTP_URL"] = mail_server.url
    assert tasks.execute(task.id) is True
    assert mail_server.wait_for(1)[0]["Subject"] == "Later"
    assert tasks.execute(task.id) is True  # a second run sends nothing more
    assert len(mail_server.wait_for(2, timeout=0.5)) == 1


@in_process_only
def test_task_gives_up_after_max_attempts(app, mail_server):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:1"
    app.config["TASK_MAX_ATTEMPTS"] = 2
    queue_mail("z@example.com", "Doomed", "x")
    db.session.commit()
    task = db.session.scalar(select(BackgroundTask))
    tasks.execute(task.id)
    db.session.expire_all()
    task = db.session.get(BackgroundTask, task.id)
    assert task.status == DeliveryStatus.FAILED and task.attempts == 2


@in_process_only
def test_a_task_that_used_up_its_attempts_is_still_retried_by_the_sweep_until_the_mail_is_out(app, mail_server):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:1"
    app.config["TASK_MAX_ATTEMPTS"] = 2
    mail = queue_mail("late@example.com", "After the outage", "x")
    db.session.commit()  # attempt 1 fails in-process
    task = db.session.scalar(select(BackgroundTask))
    assert task.status == DeliveryStatus.PENDING
    assert task.next_attempt_at - task.started_at >= timedelta(seconds=tasks.RETRY_INTERVALS[0])
    assert tasks.sweep() == 0  # not due yet
    _make_due(task)
    assert tasks.sweep() == 1  # attempt 2 fails too: failed, but not forgotten
    db.session.expire_all()
    task = db.session.get(BackgroundTask, task.id)
    assert (task.status, task.attempts) == (DeliveryStatus.FAILED, 2)
    assert task.next_attempt_at - task.started_at >= tasks.RETRY_AFTER_GIVING_UP
    assert tasks.sweep() == 0

    app.config["SMTP_URL"] = mail_server.url  # the SMTP server is back
    _make_due(task)
    assert tasks.sweep() == 1
    assert mail_server.wait_for(1)[0]["Subject"] == "After the outage"
    db.session.expire_all()
    task = db.session.get(BackgroundTask, task.id)
    assert (task.status, task.attempts, task.next_attempt_at) == (DeliveryStatus.DONE, 3, None)
    assert db.session.get(OutboxMail, mail.id).status == DeliveryStatus.DONE
    assert tasks.sweep() == 0  # done is done


def _make_due(task: BackgroundTask) -> None:
    db.session.execute(update(BackgroundTask).where(BackgroundTask.id == task.id)
                       .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_a_call_outside_runs_after_the_work_so_far_is_committed(app):
    db.session.add(OutboxMail(to_address="a@example.com", subject="Claimed", body_text="x", message_id="<c@d>"))
    db.session.flush()

    def outside_call(answer: str) -> tuple[bool, int, str]:
        with db.engine.connect() as other:  # another connection sees what the task wrote
            seen = other.scalar(select(func.count()).select_from(OutboxMail))
        return db.session().in_transaction(), seen, answer

    assert tasks.call_outside(outside_call, "250 OK") == (False, 1, "250 OK")


def test_dedupe_key_records_a_task_once(app):
    first = tasks.enqueue("mail.deliver", dedupe_key="same", mail_id=123456)
    second = tasks.enqueue("mail.deliver", dedupe_key="same", mail_id=123456)
    assert first.id == second.id
    db.session.rollback()


def test_unknown_task_is_refused(app):
    with pytest.raises(KeyError):
        tasks.enqueue("no.such.task")


def test_storage_refuses_keys_outside_its_root(app):
    with pytest.raises(ValueError):
        storage().path("../../etc/passwd")
    key = storage().put(b"abc", prefix="t")
    assert storage().read(key) == b"abc" and storage().exists(key)
    storage().delete(key)
    assert not storage().exists(key)
