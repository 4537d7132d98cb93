"""Outbound e-mail: written to an outbox table in the business transaction, delivered by a task."""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dispatch import tasks
from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.enums import DeliveryStatus, enum_column
from dispatch.extensions import db
from dispatch.storage import storage


class OutboxMail(db.Model):
    __tablename__ = "outbox_mails"
    # How many mails went to an address lately: the brake on acknowledgement loops.
    __table_args__ = (Index("ix_outbox_mails_to_created", "to_address", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    # each {"filename", "content_type", "storage_key"}
    attachments: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    # Extra headers: In-Reply-To and References for threading, Auto-Submitted on automatic mail, Reply-To.
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus), default=DeliveryStatus.PENDING, index=True
    )
    related_type: Mapped[str | None] = mapped_column(String(40))
    related_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def queue_mail(
    to: str,
    subject: str,
    body: str,
    *,
    attachments: list[dict[str, str]] | None = None,
    related: Any = None,
    headers: dict[str, str] | None = None,
) -> OutboxMail:
    """Put an e-mail in the outbox of the current transaction; a task delivers it after the commit."""
    mail = OutboxMail(
        to_address=to,
        subject=subject,
        body_text=body,
        attachments=attachments or [],
        headers=headers or {},
        message_id=make_msgid(domain="dispatch.local"),
        related_type=type(related).__tablename__ if related is not None else None,
        related_id=getattr(related, "id", None),
    )
    db.session.add(mail)
    db.session.flush()
    tasks.enqueue("mail.deliver", dedupe_key=f"mail:{mail.id}", mail_id=mail.id)
    return mail


@tasks.task("mail.deliver")
def deliver(mail_id: int) -> None:
    """Send one outbox e-mail over SMTP, once: a sent mail is not sent again."""
    mail = db.session.get(OutboxMail, mail_id)
    if mail is None or mail.status == DeliveryStatus.DONE:
        return
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    for name, value in (mail.headers or {}).items():
        message[name] = value
    message.set_content(mail.body_text)
    for attachment in mail.attachments:
        maintype, subtype = attachment["content_type"].split("/", 1)
        message.add_attachment(
            storage().read(attachment["storage_key"]),
            maintype=maintype,
            subtype=subtype,
            filename=attachment["filename"],
        )
    tasks.call_outside(send_over_smtp, current_app.config["SMTP_URL"], message)
    mail.status = DeliveryStatus.DONE
    mail.sent_at = utcnow()


def send_over_smtp(url: str, message: EmailMessage) -> None:
    """Send ``message`` through the server of an ``smtp://`` or ``smtps://`` URL (``?starttls=1``)."""
    parts = urlsplit(url)
    options = parse_qs(parts.query)
    host, port = parts.hostname or "127.0.0.1", parts.port
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port or 465, timeout=30, context=context)
    else:
        client = smtplib.SMTP(host, port or 25, timeout=30)
    with client:
        if options.get("starttls", ["0"])[0] in ("1", "true", "yes"):
            client.starttls(context=context)
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
