"""Files a customer sends with the web form or a portal message: bounded in size and number, sniffed by content.

The type is read from the bytes (``desk.mailbox.attachments.sniff``), never from the name or the browser's
claim; only images and PDFs are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from dispatch import audit
from dispatch.desk.mailbox.attachments import examine
from dispatch.desk.models import Ticket, TicketAttachment, TicketMessage
from dispatch.errors import Invalid, TooLarge, UnsupportedMedia
from dispatch.extensions import db
from dispatch.storage import storage

MAX_FILE_MB = 20
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
MAX_FILES = 5
# The request as a whole: every file at its limit plus the text fields.
MAX_REQUEST_BYTES = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024
ACCEPTED = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "image/heic"})
FIELD = "attachments"


@dataclass(frozen=True)
class Upload:
    """A checked file, ready to be stored."""

    filename: str
    content_type: str
    data: bytes


def read_uploads(files: Iterable[FileStorage]) -> list[Upload]:
    """The chosen files, checked: at most 5, each 1 byte to 20 MB (413), an image or a PDF by content (415)."""
    chosen = [file for file in files if file and file.filename]
    if len(chosen) > MAX_FILES:
        raise Invalid(_("Too many files."), errors={FIELD: [_("At most %(count)s files.", count=MAX_FILES)]})
    uploads = []
    for file in chosen:
        name = (file.filename or "file").replace("\\", "/").rsplit("/", 1)[-1][:200] or "file"
        data = file.stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            limit = _("%(name)s is larger than %(mb)s MB.", name=name, mb=MAX_FILE_MB)
            raise TooLarge(limit, errors={FIELD: [limit]})
        if not data:
            empty = _("%(name)s is empty.", name=name)
            raise Invalid(empty, errors={FIELD: [empty]})
        verdict = examine(name, data)
        if verdict.content_type not in ACCEPTED:
            refused = _("%(name)s is not an image or a PDF.", name=name)
            raise UnsupportedMedia(refused, errors={FIELD: [refused]}, code="unsupported_file")
        uploads.append(Upload(verdict.filename, verdict.content_type, data))
    return uploads


def keep(ticket: Ticket, message: TicketMessage | None, uploads: list[Upload]) -> list[TicketAttachment]:
    """Store the files as the ticket's attachments (of ``message``), each noted in the ticket's audit trail."""
    kept = []
    for upload in uploads:
        attachment = TicketAttachment(
            ticket_id=ticket.id, message_id=message.id if message else None, filename=upload.filename,
            content_type=upload.content_type, size=len(upload.data),
            storage_key=storage().put(upload.data, prefix="ticket-attachments"))
        db.session.add(attachment)
        kept.append(attachment)
    if kept:
        db.session.flush()
        audit.record("ticket.customer_files_added", ticket, None, message_id=message.id if message else None,
                     files=[attachment.filename for attachment in kept],
                     attachment_ids=[attachment.id for attachment in kept])
    return kept
