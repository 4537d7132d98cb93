"""What a file really is, read from its bytes (never from the type or name it claims), and whether we keep it."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

# Content we keep, with the extensions a file of that content may carry.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg", ".jfif"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/heic": (".heic", ".heif"),
    "text/plain": (".txt", ".text", ".log", ".csv"),
    "text/calendar": (".ics",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "message/rfc822": (".eml",),
}
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")
ACTIVE_MARKUP = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml", b"<iframe", b"<body")
OPEN_DOCUMENT_TYPES = ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet")


@dataclass
class Verdict:
    """A file's sniffed type and the name to keep it under, or why it is left out."""

    content_type: str | None
    filename: str
    refused: str | None = None  # "too_large", "executable", "active_content", "macros", "unknown_type"


def examine(filename: str, data: bytes) -> Verdict:
    """Sniff ``data``; a kept file's name gets the extension of what it really is."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        return Verdict(None, filename, "too_large")
    content_type, refused = sniff(data)
    if content_type is None:
        return Verdict(None, filename, refused or "unknown_type")
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in EXTENSIONS[content_type]:
        filename = f"{filename}{EXTENSIONS[content_type][0]}"  # "photo.exe" with JPEG bytes opens as a JPEG
    return Verdict(content_type, filename)


def sniff(data: bytes) -> tuple[str | None, str | None]:
    """(content type, None) for content we keep, else (None, the reason it is refused)."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "application/pdf", None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", None
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", None
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif", None
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp", None
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"heif"):
        return "image/heic", None
    if head.startswith(EXECUTABLE_MAGIC):
        return None, "executable"
    if head.startswith(b"PK\x03\x04"):
        return _office_document(data)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # legacy Office: may carry macros we cannot see into
        return None, "macros"
    return _text(data)


def _office_document(data: bytes) -> tuple[str | None, str | None]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, NotImplementedError):
        return None, "unknown_type"
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None, "macros"
    if "word/document.xml" in names:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", None
    if "xl/workbook.xml" in names:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", None
    if mimetype in OPEN_DOCUMENT_TYPES:
        return mimetype, None
    return None, "unknown_type"  # a bare archive may hold anything, executables included


def _text(data: bytes) -> tuple[str | None, str | None]:
    if b"\x00" in data[:8192]:
        return None, "unknown_type"
    try:
        text = data[:8192].decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data[:8192].decode("cp1252")
        except UnicodeDecodeError:
            return None, "unknown_type"
    lowered = text.lstrip().lower().encode()
    if any(marker in lowered[:1024] for marker in ACTIVE_MARKUP):
        return None, "active_content"
    if text.lstrip().startswith("BEGIN:VCALENDAR"):
        return "text/calendar", None
    if text.lstrip().startswith(("From:", "Received:", "Return-Path:", "Message-ID:", "MIME-Version:")):
        return "message/rfc822", None
    printable = sum(char.isprintable() or char in "\r\n\t" for char in text)
    return ("text/plain", None) if text and printable / len(text) > 0.95 else (None, "unknown_type")
