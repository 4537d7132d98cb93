"""Inbound e-mail, kept raw whatever became of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.enums import InboundStatus, enum_column
from dispatch.extensions import db


class InboundMail(db.Model):
    """One received message: its raw bytes in storage, what it became (ticket, message, ignored) and why."""

    __tablename__ = "inbound_mails"
    __table_args__ = (Index("ix_inbound_mails_status_received", "status", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(10))  # "imap" or "api"
    raw_key: Mapped[str] = mapped_column(String(255))  # storage key of the message as received
    # The same message fetched twice (IMAP after a crash, a mail service retrying) is processed once.
    raw_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    message_id: Mapped[str | None] = mapped_column(String(500), index=True)
    from_address: Mapped[str | None] = mapped_column(String(254), index=True)
    subject: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[InboundStatus] = mapped_column(enum_column(InboundStatus), default=InboundStatus.PENDING)
    # Why: "ticket_created", "message_added", "auto_reply", "bounce", "loop", "duplicate", "malformed" ...
    outcome: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
