"""/api/v1 inbound mail (for mail services, by their own token) and agents' e-mail replies on tickets."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.api.problems import problem
from dispatch.auth.access import roles_required
from dispatch.desk import services as desk
from dispatch.desk.mailbox import outbound, services
from dispatch.enums import Channel, MessageKind, Role
from dispatch.request_limits import MEGABYTE, allow_larger_body
from dispatch.schemas import Text

blp = Blueprint("api_mailbox", __name__, url_prefix="/api/v1", description="Inbound e-mail and e-mail replies")

RAW_MIME = ("message/rfc822", "application/octet-stream")
allow_larger_body(blp, {"receive_inbound_mail": lambda config: config["INBOUND_MAIL_MAX_MB"] * MEGABYTE})


class InboundMailOut(Schema):
    id = fields.Integer()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    ticket_id = fields.Integer(allow_none=True)


class ReplyIn(Schema):
    body = Text(outbound.MAX_REPLY_LENGTH, required=True)
    attachments = fields.List(fields.String(validate=validate.Length(max=40)), validate=validate.Length(max=50),
                              load_default=list)


class MessageOut(Schema):
    id = fields.Integer()
    ticket_id = fields.Integer()
    kind = fields.Enum(MessageKind, by_value=True)
    channel = fields.Enum(Channel, by_value=True, allow_none=True)
    body = fields.String()
    email_message_id = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


@blp.route("/inbound-mail", methods=["POST"])
@blp.doc(summary="Hand over one received e-mail as raw MIME",
         description="For mail services: the body is the message as received (message/rfc822), authenticated by "
                     "`Authorization: Bearer <INBOUND_MAIL_TOKEN>`. The message is kept at once and filed in the "
                     "background; the same bytes twice give the same inbound mail.",
         security=[{"bearer": []}],
         requestBody={"required": True, "content": {"message/rfc822": {"schema": {"type": "string",
                                                                                   "format": "binary"}}}})
@blp.response(202, InboundMailOut)
def receive_inbound_mail():
    """Keep a raw message from a mail service and queue its filing."""
    refused = _refused_caller()
    if refused is not None:
        return refused
    if request.mimetype not in RAW_MIME:
        return problem(415, "Unsupported Media Type", _("Send the message as raw MIME (message/rfc822)."))
    raw = request.get_data(cache=False)
    if not raw.strip():
        return problem(422, "Validation failed", _("The message is empty."), errors={"body": [_("Empty message.")]})
    inbound = services.ingest(raw, "api")
    return services.summary(inbound), 202


def _refused_caller():  # noqa: ANN202 - a problem response or None
    """401 unless the bearer token is the configured INBOUND_MAIL_TOKEN (compared as digests, in constant time)."""
    expected = current_app.config.get("INBOUND_MAIL_TOKEN") or ""
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    if expected and scheme.lower() == "bearer" and hmac.compare_digest(
            hashlib.sha256(given.strip().encode()).digest(), hashlib.sha256(expected.encode()).digest()):
        return None
    return problem(401, "Unauthorized", _("A valid inbound mail token is required."),
                   headers={"WWW-Authenticate": 'Bearer realm="inbound-mail"'})


@blp.route("/tickets/<int:ticket_id>/replies", methods=["POST"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(ReplyIn)
@blp.response(201, MessageOut)
def reply(data: dict, ticket_id: int):
    """Mail a reply to the ticket's customer, with receipts or invoices of its jobs attached."""
    ticket = desk.get_ticket(ticket_id)
    return outbound.send_reply(ticket, data["body"], current_user.id, attachments=data["attachments"])
