"""Fetching inbound mail from an IMAP mailbox: every unseen message kept through ``ingest``, marked afterwards."""

from __future__ import annotations

import imaplib
import logging
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

from dispatch.desk.mailbox.services import ingest
from dispatch.extensions import db

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60
BATCH = 100  # messages per round: a full mailbox is worked off over several rounds


@dataclass
class Mailbox:
    """Where to fetch from, read from ``IMAP_URL``."""

    secure: bool  # imaps://: TLS from the start
    host: str
    port: int
    username: str
    password: str
    folder: str
    starttls: bool
    move_to: str | None  # a folder to move fetched messages to; None: flag them \\Seen


def mailbox_from(url: str) -> Mailbox:
    """``imaps://user:password@host[:993]/INBOX`` or ``imap://...:143/INBOX?starttls=1``, ``&move=Processed``."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ValueError("IMAP_URL must be imaps://user:password@host/folder or imap://...?starttls=1")
    options = parse_qs(parts.query)
    secure = parts.scheme == "imaps"
    return Mailbox(secure=secure, host=parts.hostname, port=parts.port or (993 if secure else 143),
                   username=unquote(parts.username or ""), password=unquote(parts.password or ""),
                   folder=unquote(parts.path.lstrip("/")) or "INBOX",
                   starttls=options.get("starttls", ["0"])[0] in ("1", "true", "yes"),
                   move_to=options.get("move", [None])[0])


def fetch_configured() -> int:
    """The periodic job: fetch from ``IMAP_URL``; nothing when it is not configured."""
    url = current_app.config.get("IMAP_URL")
    return fetch(url) if url else 0


def fetch(url: str) -> int:
    """Keep every unseen message of the mailbox; each is marked seen (or moved) only after its commit."""
    mailbox = mailbox_from(url)
    db.session.commit()  # no transaction stays open during the network conversation
    client = _connect(mailbox)
    fetched = 0
    try:
        client.login(mailbox.username, mailbox.password)
        _ok(client.select(_quoted(mailbox.folder)), "SELECT")
        uids = _ok(client.uid("SEARCH", None, "UNSEEN"), "SEARCH")[0].split()[:BATCH]
        for uid in uids:
            raw = _message(client, uid)
            if raw is None:
                continue  # expunged meanwhile by another client
            ingest(raw, "imap")
            db.session.commit()  # kept before the server forgets it is new: a crash here fetches it again (deduped)
            _mark_done(client, uid, mailbox)
            fetched += 1
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            log.warning("IMAP logout failed", exc_info=True)
    return fetched


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    context = ssl.create_default_context()
    if mailbox.secure:
        return imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=context, timeout=TIMEOUT_SECONDS)
    client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
    if mailbox.starttls:
        client.starttls(ssl_context=context)
    return client


def _message(client: imaplib.IMAP4, uid: bytes) -> bytes | None:
    """The whole message, fetched with PEEK so that the server does not mark it seen yet."""
    data = _ok(client.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH")
    return next((item[1] for item in data if isinstance(item, tuple) and len(item) > 1), None)


def _mark_done(client: imaplib.IMAP4, uid: bytes, mailbox: Mailbox) -> None:
    if mailbox.move_to:
        _ok(client.uid("MOVE", uid, _quoted(mailbox.move_to)), "MOVE")
    else:
        _ok(client.uid("STORE", uid, "+FLAGS", "(\\Seen)"), "STORE")


def _ok(answer: tuple[str, list], command: str) -> list:
    status, data = answer
    if status != "OK":
        raise imaplib.IMAP4.error(f"IMAP {command} failed: {data!r}")
    return data


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
