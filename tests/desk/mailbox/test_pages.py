"""The reply form on the ticket page and the page of unfiled mail (ignored, failed), per role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dispatch import audit
from dispatch.desk.mailbox.models import InboundMail
from dispatch.desk.models import TicketMessage
from dispatch.enums import InboundStatus, MessageKind, Role
from dispatch.extensions import db
from tests.desk.mailbox.support import eml, receive
from tests.support.csrf import csrf_token_from
from tests.support.tasks import wait_for_tasks


def replies() -> int:
    return db.session.scalar(select(func.count()).select_from(TicketMessage)
                             .where(TicketMessage.kind == MessageKind.REPLY))


def test_an_agent_replies_from_the_ticket_page(client, pages, make, mail_server):
    ticket = make.ticket(make.customer(email="anna@example.nl"))
    pages.login_as(Role.AGENT)
    page = client.get(f"/tickets/{ticket.id}")
    html = page.get_data(as_text=True)
    assert 'id="reply-form"' in html and 'id="reply-body"' in html and "anna@example.nl" in html
    token = pages.token(f"/tickets/{ticket.id}")

    response = client.post(f"/tickets/{ticket.id}/reply", data={"csrf_token": token, "body": "Thursday at 9."})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/tickets/{ticket.id}#timeline")
    wait_for_tasks()
    [mail] = mail_server.wait_for(1)
    assert mail.get_content().strip() == "Thursday at 9." and ticket.reference in mail["Subject"]


def test_a_refused_reply_keeps_the_text_and_says_why(client, pages, make):
    ticket = make.ticket()
    pages.login_as(Role.AGENT)
    token = pages.token(f"/tickets/{ticket.id}")
    empty = client.post(f"/tickets/{ticket.id}/reply", data={"csrf_token": token, "body": "  "})
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.get_data(as_text=True)
    foreign = client.post(f"/tickets/{ticket.id}/reply", data={"csrf_token": token, "body": "Your invoice",
                                                               "attachments": "invoice-999"})
    assert foreign.status_code == 422 and "Your invoice</textarea>" in foreign.get_data(as_text=True)
    no_csrf = client.post(f"/tickets/{ticket.id}/reply", data={"body": "Hello"})
    assert no_csrf.status_code in (400, 422)
    assert replies() == 0


@pytest.mark.parametrize("role", [Role.BILLING, Role.TECHNICIAN])
def test_other_roles_cannot_reply_nor_see_unfiled_mail(client, pages, make, role):
    ticket = make.ticket()
    inbound = receive(eml("bounce.eml"))
    pages.login_as(role)
    token = pages.token("/customers")
    assert client.post(f"/tickets/{ticket.id}/reply", data={"csrf_token": token, "body": "Hi"}).status_code == 403
    assert client.get("/desk/mailbox").status_code == 403
    assert client.get(f"/desk/mailbox/{inbound.id}/raw").status_code == 403
    assert client.post(f"/desk/mailbox/{inbound.id}/process", data={"csrf_token": token}).status_code == 403
    assert replies() == 0


def test_anonymous_is_sent_to_sign_in(client, make):
    assert client.get("/desk/mailbox").headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN])
def test_unfiled_mail_is_listed_with_why_and_downloadable_raw(client, pages, make, role):
    bounce = receive(eml("bounce.eml"))
    broken = receive(eml("malformed_no_from.eml"))
    filed = receive(eml("unknown_reference.eml"))
    pages.login_as(role)

    html = client.get("/desk/mailbox").get_data(as_text=True)
    assert "Delivery report (bounce)" in html and "No sender address" in html
    assert "Undelivered Mail Returned to Sender" in html and filed.subject not in html
    failed_only = client.get("/desk/mailbox?status=failed").get_data(as_text=True)
    assert "No sender address" in failed_only and "Delivery report" not in failed_only

    download = client.get(f"/desk/mailbox/{broken.id}/raw")
    assert download.status_code == 200 and download.mimetype == "message/rfc822"
    assert download.headers["Content-Disposition"] == f'attachment; filename="inbound-mail-{broken.id}.eml"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.data == eml("malformed_no_from.eml")
    assert client.get("/desk/mailbox/999999/raw").status_code == 404
    assert bounce.status == InboundStatus.IGNORED


def test_process_again_files_an_auto_reply_that_was_a_person_after_all(client, pages, make, mail_server):
    customer = make.customer(email="jan.bakker@gmail.com")
    ticket = make.ticket(customer, subject="Boiler makes noise")
    raw = eml("out_of_office.eml", {"T-2026-000042": ticket.reference})
    inbound = receive(raw)
    assert inbound.outcome == "auto_reply"
    agent = pages.login_as(Role.AGENT)
    token = pages.token("/desk/mailbox")

    response = client.post(f"/desk/mailbox/{inbound.id}/process", data={"csrf_token": token})
    assert response.status_code == 303
    wait_for_tasks()
    db.session.expire_all()
    inbound = db.session.get(InboundMail, inbound.id)
    assert (inbound.status, inbound.outcome, inbound.ticket_id) == (InboundStatus.PROCESSED, "message_added", ticket.id)
    assert [(e.action, e.actor_id) for e in audit.events_for(inbound)] == [("inbound_mail.reprocessed", agent.id)]
    assert mail_server.wait_for(1, timeout=0.5) == []
    settled = client.post(f"/desk/mailbox/{inbound.id}/process", data={"csrf_token": token})
    assert settled.status_code == 409  # a filed mail is not filed twice


def test_anonymous_callers_are_sent_to_sign_in_and_change_nothing(client, make):
    ticket = make.ticket()
    inbound = receive(eml("bounce.eml"))
    token = csrf_token_from(client.get("/login"))
    for response in (client.get(f"/desk/mailbox/{inbound.id}/raw"),
                     client.post(f"/desk/mailbox/{inbound.id}/process", data={"csrf_token": token}),
                     client.post(f"/tickets/{ticket.id}/reply", data={"csrf_token": token, "body": "Hi"})):
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    db.session.expire_all()
    assert db.session.get(InboundMail, inbound.id).status == InboundStatus.IGNORED and replies() == 0


def test_unfiled_mail_bad_input_is_answered_not_a_500(client, pages, make):
    bounce = receive(eml("bounce.eml"))
    pages.login_as(Role.AGENT)
    unknown_status = client.get("/desk/mailbox?status=processed")  # not a choice of the page: all unfiled mail
    assert unknown_status.status_code == 200 and "Delivery report (bounce)" in unknown_status.get_data(as_text=True)
    assert client.get("/desk/mailbox?cursor=not-a-cursor").status_code == 422
    token = pages.token("/desk/mailbox")
    assert client.post("/desk/mailbox/999999/process", data={"csrf_token": token}).status_code == 404
    expired = client.post(f"/desk/mailbox/{bounce.id}/process", data={"csrf_token": "stale"})
    assert expired.status_code == 400  # CSRFProtect refuses every stale form before the view
    assert client.post("/tickets/999999/reply", data={"csrf_token": token, "body": "Hi"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(InboundMail, bounce.id).status == InboundStatus.IGNORED
    assert audit.events_for(bounce) == [] and replies() == 0
