"""Reading inbound e-mail: headers, the customer's own words, sanitised HTML, attachments, automatic mail.

Everything here is tolerant: a message from the outside world may be malformed in any way, and what can
be read is read; the raw bytes are kept elsewhere whatever happens here.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from html import unescape
from html.parser import HTMLParser
from pathlib import PurePosixPath

import nh3

MESSAGE_ID = re.compile(r"<[^<>\s]{1,480}>")
# Senders that are machines answering machines: they never get a ticket nor an answer.
MACHINE_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply",
                                 "donotreply"})
AUTOMATIC_PRECEDENCE = frozenset({"bulk", "junk", "auto_reply"})

# Basic formatting only: no scripts, styles, images (remote images track the reader), forms or frames.
ALLOWED_TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
                "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small", "span",
                "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}}

# Where the quoted history of a reply starts: Gmail/Apple "On ... wrote:", Dutch and German clients,
# "-----Original Message-----" separators and Outlook's "From: / Sent:" header block.
QUOTE_INTRO = re.compile(
    r"^\s*(On\s.{4,300}\swrote:|Op\s.{4,300}\sschreef\s.{0,200}:|Am\s.{4,300}\sschrieb\s.{0,200}:)\s*$",
    re.IGNORECASE | re.DOTALL)
SEPARATOR = re.compile(r"^\s*-{3,}\s*(Original Message|Ursprüngliche Nachricht|Oorspronkelijk bericht"
                       r"|Originele bericht)\s*-{3,}\s*$", re.IGNORECASE)
OUTLOOK_FROM = re.compile(r"^\s*\*?(From|Van|Von)\*?:\s", re.IGNORECASE)
OUTLOOK_SENT = re.compile(r"^\s*\*?(Sent|Date|Verzonden|Datum|Gesendet)\*?:\s", re.IGNORECASE)


@dataclass
class Attachment:
    filename: str
    declared_type: str
    data: bytes


@dataclass
class ParsedMail:
    """What the desk needs of one message."""

    message_id: str | None = None
    from_address: str | None = None  # lower case
    from_name: str = ""
    recipients: list[str] = field(default_factory=list)  # To, Cc, Delivered-To, X-Original-To; lower case
    subject: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    language: str | None = None  # Content-Language, when the client said
    automatic: str | None = None  # "auto_reply" or "bounce": never answered
    body: str = ""
    body_html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class Headline:
    """The few headers an inbound mail is listed by, read before anything else can fail."""

    message_id: str | None
    from_address: str | None
    subject: str | None


def headline(raw: bytes) -> Headline:
    """Message-ID, sender and subject of raw bytes, as far as they can be read at all."""
    try:
        message = BytesHeaderParser(policy=policy.default).parsebytes(raw)
        return Headline(_first_id(_header(message, "Message-ID")), _sender(message)[0],
                        _header(message, "Subject")[:300] or None)
    except Exception:  # noqa: BLE001 - a hostile header may break the parser anywhere; the raw bytes stay kept
        return Headline(None, None, None)


def parse(raw: bytes) -> ParsedMail:
    """Read a raw message; raises only when the bytes are no message at all."""
    message = email.message_from_bytes(raw, policy=policy.default)
    address, name = _sender(message)
    recipients = [addr.lower() for header in ("To", "Cc", "Delivered-To", "X-Original-To")
                  for _name, addr in _addresses(message, header)]
    language = _header(message, "Content-Language").split(",")[0].strip()[:2].lower() or None
    mail = ParsedMail(
        message_id=_first_id(_header(message, "Message-ID")), from_address=address, from_name=name,
        recipients=recipients, subject=" ".join(_header(message, "Subject").split()),
        in_reply_to=MESSAGE_ID.findall(_header(message, "In-Reply-To")),
        references=MESSAGE_ID.findall(_header(message, "References")), language=language,
        automatic=automatic_kind(message, address),
    )
    text, html, attachments = _walk(message)
    mail.attachments = attachments
    if html is not None:
        mail.body_html = sanitise_html(html)
    plain = text if text is not None and text.strip() else html_to_text(html or "")
    mail.body = strip_quoted(plain.replace("\r\n", "\n")).strip()
    return mail


def automatic_kind(message: Message, sender: str | None) -> str | None:
    """``bounce`` or ``auto_reply`` for mail sent by a machine (RFC 3834, RFC 3464, common vendor headers)."""
    content_type = message.get_content_type()
    report_type = (message.get_param("report-type") or "") if content_type == "multipart/report" else ""
    if str(report_type).lower() == "delivery-status":
        return "bounce"
    if sender and sender.split("@", 1)[0] in {"mailer-daemon", "postmaster"}:
        return "bounce"
    if _header(message, "Auto-Submitted").strip().lower() not in ("", "no"):
        return "auto_reply"
    if message.get("X-Autoreply") is not None or message.get("X-Autorespond") is not None:
        return "auto_reply"
    if _header(message, "Precedence").strip().lower() in AUTOMATIC_PRECEDENCE:
        return "auto_reply"
    if _header(message, "Return-Path").strip() == "<>":  # the null sender: what bounces and auto-replies use
        return "auto_reply"
    return None


def is_machine_address(address: str | None) -> bool:
    """Whether mail to ``address`` can only reach a machine (mailer-daemon, postmaster, no-reply)."""
    return bool(address) and address.split("@", 1)[0].lower() in MACHINE_LOCAL_PARTS


def sanitise_html(html: str) -> str:
    """HTML with basic formatting kept and scripts, styles, images, event handlers and forms removed."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow", strip_comments=True).strip()


def strip_quoted(text: str) -> str:
    """The text without the quoted history of earlier mails; unchanged when nothing would be left."""
    lines = text.split("\n")
    for index in range(len(lines)):
        if _starts_history(lines, index):
            kept = "\n".join(lines[:index]).rstrip()
            kept = re.sub(r"(\n\s*_{10,}\s*)+$", "", kept)  # Outlook's rule above its header block
            return kept if kept.strip() else text
    trailing = len(lines)
    while trailing and (lines[trailing - 1].startswith(">") or not lines[trailing - 1].strip()):
        trailing -= 1
    kept = "\n".join(lines[:trailing]).rstrip()
    return kept if kept.strip() else text


def _starts_history(lines: list[str], index: int) -> bool:
    line = lines[index]
    two_lines = line + " " + lines[index + 1] if index + 1 < len(lines) else line
    if QUOTE_INTRO.match(line) or (re.match(r"^\s*(On|Op|Am)\s", line) and QUOTE_INTRO.match(two_lines)):
        return True
    if SEPARATOR.match(line):
        return True
    return bool(OUTLOOK_FROM.match(line)) and any(OUTLOOK_SENT.match(later) for later in lines[index + 1:index + 4])


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "hr"}
    SKIPPED = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML body (for mail that has no text/plain part)."""
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # noqa: BLE001 - html.parser rarely fails; fall back to dropping tags
        return unescape(re.sub(r"<[^>]*>", " ", html))
    text = "".join(extractor.parts)
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _walk(message: Message) -> tuple[str | None, str | None, list[Attachment]]:
    """The first text/plain and text/html bodies and the attachments, not descending into attached mails."""
    text: str | None = None
    html: str | None = None
    attachments: list[Attachment] = []
    stack: list[Message] = [message]
    while stack:
        part = stack.pop(0)
        if part.is_multipart() and part.get_content_maintype() == "multipart":
            stack[0:0] = [p for p in part.get_payload() if isinstance(p, Message)]
            continue
        content_type = part.get_content_type()
        filename = _filename(part)
        disposition = part.get_content_disposition()
        if content_type == "text/plain" and disposition != "attachment" and text is None and not filename:
            text = _text_of(part)
        elif content_type == "text/html" and disposition != "attachment" and html is None and not filename:
            html = _text_of(part)
        elif filename or disposition == "attachment" or part.get_content_maintype() == "message":
            attachments.append(Attachment(filename or _default_name(part), content_type, _bytes_of(part)))
    return text, html, attachments


def _text_of(part: Message) -> str:
    """A text part as str, whatever its declared charset claims."""
    try:
        content = part.get_content() if isinstance(part, EmailMessage) else None
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, ValueError, AssertionError, KeyError):
        pass
    payload = _bytes_of(part)
    for charset in (part.get_content_charset() or "utf-8", "utf-8", "cp1252"):
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeError):
            continue
    return payload.decode("latin-1")


def _bytes_of(part: Message) -> bytes:
    if part.get_content_maintype() == "message":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, Message):
            return inner.as_bytes(policy=policy.SMTP)
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - a broken RFC 2231 parameter
        return None
    if not name:
        return None
    name = PurePosixPath(str(name).replace("\\", "/")).name
    name = "".join(char for char in name if char.isprintable() and char not in '<>:"|?*').strip(" .")
    return name[:200] or None


def _default_name(part: Message) -> str:
    return "message.eml" if part.get_content_maintype() == "message" else "attachment"


def _header(message: Message, name: str) -> str:
    """A header's decoded value, or "" when it is missing or unreadable."""
    try:
        value = message.get(name)
        return "" if value is None else str(value)
    except Exception:  # noqa: BLE001 - the policy's header parser can fail on garbage, reading or printing it
        return ""


def _addresses(message: Message, name: str) -> list[tuple[str, str]]:
    try:
        values = message.get_all(name) or []
        pairs = getaddresses([str(value) for value in values])
    except Exception:  # noqa: BLE001
        return []
    return [(display, addr.strip()) for display, addr in pairs if "@" in addr and len(addr) <= 254]


def _sender(message: Message) -> tuple[str | None, str]:
    """The From address (lower case) and display name."""
    pairs = _addresses(message, "From")
    if not pairs:
        return None, ""
    display, address = pairs[0]
    return address.lower(), " ".join(display.split())[:200]


def _first_id(value: str) -> str | None:
    found = MESSAGE_ID.search(value or "")
    return found.group(0) if found else None
