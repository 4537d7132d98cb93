"""/api/v1/inbound-mail for mail services (its own token) and /api/v1/tickets/{id}/replies for agents."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dispatch.desk.mailbox.models import InboundMail
from dispatch.desk.models import Ticket, TicketMessage
from dispatch.enums import InboundStatus, MessageKind, Role
from dispatch.extensions import db
from tests.desk.mailbox.support import INBOUND_TOKEN, eml
from tests.support.tasks import wait_for_tasks

RAW = {"Content-Type": "message/rfc822"}


def post_mail(client, body: bytes, token: str | None = INBOUND_TOKEN, headers: dict | None = None):
    headers = {**RAW, **(headers or {})}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/api/v1/inbound-mail", data=body, headers=headers)


def inbound_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(InboundMail))


def test_a_mail_service_hands_over_raw_mime_and_gets_202_with_the_inbound_mail(client, inbound_token, mail_server):
    raw = eml("outlook_new_request.eml")
    response = post_mail(client, raw)
    assert response.status_code == 202
    body = response.json
    assert body["status"] == "pending" and body["ticket_id"] is None
    wait_for_tasks()
    inbound = db.session.get(InboundMail, body["id"])
    db.session.refresh(inbound)
    assert (inbound.source, inbound.status) == ("api", InboundStatus.PROCESSED)
    assert db.session.get(Ticket, inbound.ticket_id).subject == "Storing CV-ketel, geen warm water"
    again = post_mail(client, raw)  # a mail service retrying
    assert again.status_code == 202 and again.json["id"] == body["id"] and again.json["status"] == "processed"
    assert inbound_count() == 1


@pytest.mark.parametrize("token", [None, "", "wrong-token", INBOUND_TOKEN + "x"])
def test_without_the_inbound_token_nothing_is_kept(client, inbound_token, token):
    response = post_mail(client, eml("outlook_new_request.eml"), token=token)
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert inbound_count() == 0


def test_an_unconfigured_token_refuses_everyone(client, api, make):
    assert post_mail(client, eml("outlook_new_request.eml"), token="").status_code == 401
    user_token = api.as_user(make.user(Role.ADMIN)).token  # a user's API token is no mail service's
    assert post_mail(client, eml("outlook_new_request.eml"), token=user_token).status_code == 401
    assert inbound_count() == 0


def test_bad_input_is_a_problem_not_a_500_and_keeps_nothing(client, app, inbound_token):
    wrong_type = post_mail(client, b'{"raw": "x"}', headers={"Content-Type": "application/json"})
    assert wrong_type.status_code == 415 and wrong_type.mimetype == "application/problem+json"
    empty = post_mail(client, b"  \r\n")
    assert empty.status_code == 422 and list(empty.json["errors"]) == ["body"]
    app.config["INBOUND_MAIL_MAX_MB"] = 1
    too_big = post_mail(client, b"Subject: big\r\n\r\n" + b"x" * (1024 * 1024 + 1))
    assert too_big.status_code == 413 and too_big.mimetype == "application/problem+json"
    assert inbound_count() == 0


def test_a_message_larger_than_other_uploads_but_within_its_own_limit_is_accepted(client, app, inbound_token):
    assert app.config["MAX_CONTENT_LENGTH"] < 26 * 1024 * 1024 <= app.config["INBOUND_MAIL_MAX_MB"] * 1024 * 1024
    response = post_mail(client, b"From: jan@example.nl\r\nSubject: Scans\r\n\r\n" + b"x" * (26 * 1024 * 1024))
    assert response.status_code == 202


def test_the_own_limit_holds_even_when_a_hook_reads_the_body_first(client, app, inbound_token):
    # A form-encoded body is read by the input guard before the view: the mail limit must already be in force.
    body = b"raw=" + b"x" * (26 * 1024 * 1024)
    response = post_mail(client, body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415 and inbound_count() == 0


def test_garbage_is_kept_and_fails_for_an_agent_to_see(client, inbound_token):
    response = post_mail(client, b"\x00\x01 this is not MIME \xff")
    assert response.status_code == 202
    wait_for_tasks()
    inbound = db.session.get(InboundMail, response.json["id"])
    db.session.refresh(inbound)
    assert inbound.status == InboundStatus.FAILED


def test_an_agent_replies_by_mail_through_the_api(api, make, mail_server):
    ticket = make.ticket(make.customer(email="anna@example.nl"))
    response = api.as_user(make.user(Role.AGENT)).post(f"tickets/{ticket.id}/replies",
                                                        {"body": "We come on Thursday."})
    assert response.status_code == 201
    assert response.json["kind"] == "reply" and response.json["channel"] == "email"
    wait_for_tasks()
    [mail] = mail_server.wait_for(1)
    assert mail["Message-ID"] == response.json["email_message_id"] and mail.get_content().strip() == (
        "We come on Thursday.")


@pytest.mark.parametrize(("role", "status"), [(Role.ADMIN, 201), (Role.AGENT, 201), (Role.BILLING, 403),
                                              (Role.TECHNICIAN, 404)])
def test_replies_per_role(api, make, role, status):
    ticket = make.ticket()
    response = api.as_user(make.user(role)).post(f"tickets/{ticket.id}/replies", {"body": "Hello"})
    assert response.status_code == status
    replies = db.session.scalar(select(func.count()).select_from(TicketMessage)
                                .where(TicketMessage.kind == MessageKind.REPLY))
    assert replies == (1 if status == 201 else 0)


def test_reply_bad_input_names_the_field(api, make):
    client = api.as_user(make.user(Role.AGENT))
    ticket = make.ticket()
    assert client.post("tickets/999999/replies", {"body": "Hello"}).status_code == 404
    for body, field in (({}, "body"), ({"body": ""}, "body"), ({"body": 5}, "body"),
                        ({"body": "x", "attachments": "invoice-1"}, "attachments"),
                        ({"body": "x", "attachments": ["invoice-999"]}, "attachments")):
        response = client.post(f"tickets/{ticket.id}/replies", body)
        assert response.status_code == 422 and field in response.json["errors"], (body, response.json)
    no_address = make.ticket(make.customer(email=None))
    conflict = client.post(f"tickets/{no_address.id}/replies", {"body": "Hello"})
    assert conflict.status_code == 409 and conflict.json["code"] == "no_email_address"
    assert db.session.scalar(select(func.count()).select_from(TicketMessage)
                             .where(TicketMessage.kind == MessageKind.REPLY)) == 0


def test_anonymous_replies_are_401(api, make):
    ticket = make.ticket()
    assert api.post(f"tickets/{ticket.id}/replies", {"body": "Hello"}).status_code == 401


@pytest.mark.parametrize("role", list(Role))
def test_no_user_of_any_role_may_hand_over_mail(client, api, make, inbound_token, role):
    user_token = api.as_user(make.user(role)).token  # only the mail service's own token is accepted
    response = post_mail(client, eml("outlook_new_request.eml"), token=user_token)
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert inbound_count() == 0
