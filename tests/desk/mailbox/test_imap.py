"""Fetching inbound mail from a real IMAP server (Dovecot on loopback): kept first, marked seen afterwards."""

from __future__ import annotations

from sqlalchemy import func, select

from dispatch import periodic
from dispatch.desk.mailbox import imap as fetching
from dispatch.desk.mailbox.models import InboundMail
from dispatch.desk.models import Ticket
from dispatch.enums import InboundStatus
from dispatch.extensions import db
from tests.desk.mailbox.support import eml
from tests.support.tasks import wait_for_tasks


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_unseen_messages_are_kept_filed_and_then_marked_seen(app, imap, make):
    imap.deliver(eml("outlook_new_request.eml"))
    imap.deliver(eml("bounce.eml"))
    app.config["IMAP_URL"] = imap.url()

    assert periodic.run("desk.imap") == 2
    wait_for_tasks()
    mails = db.session.scalars(select(InboundMail).order_by(InboundMail.id)).all()
    assert [(m.source, m.status, m.outcome) for m in mails] == [
        ("imap", InboundStatus.PROCESSED, "ticket_created"), ("imap", InboundStatus.IGNORED, "bounce")]
    assert all(b"\\Seen" in flags for flags in imap.flags())
    assert fetching.fetch(imap.url()) == 0  # nothing new


def test_a_message_fetched_again_after_a_crash_is_filed_once(imap, make):
    imap.deliver(eml("outlook_new_request.eml"))
    assert fetching.fetch(imap.url()) == 1
    client = imap.client()  # as if the process died between the commit and the \Seen flag
    client.select("INBOX")
    client.store("1", "-FLAGS", "(\\Seen)")
    client.logout()

    assert fetching.fetch(imap.url()) == 1
    wait_for_tasks()
    assert count(InboundMail) == 1 and count(Ticket) == 1


def test_fetched_messages_can_be_moved_to_a_folder(imap, make):
    client = imap.client()
    client.create("Processed")
    client.logout()
    imap.deliver(eml("unknown_reference.eml"))
    assert fetching.fetch(imap.url(move="Processed")) == 1
    assert imap.flags("INBOX") == [] and len(imap.flags("Processed")) == 1


def test_without_imap_url_nothing_is_fetched(app):
    app.config["IMAP_URL"] = ""
    assert periodic.run("desk.imap") == 0


def test_imap_urls_are_read_with_their_options():
    secure = fetching.mailbox_from("imaps://desk%40example.com:p%40ss@mail.example.com/Support%20Inbox")
    assert (secure.secure, secure.port, secure.username, secure.password, secure.folder) == (
        True, 993, "desk@example.com", "p@ss", "Support Inbox")
    plain = fetching.mailbox_from("imap://u:p@mail.example.com?starttls=1&move=Done")
    assert (plain.secure, plain.port, plain.starttls, plain.folder, plain.move_to) == (
        False, 143, True, "INBOX", "Done")
