"""Reading mail without a database: quoted history, automatic mail, attachment types from their bytes."""

from __future__ import annotations

import io
import zipfile

import pytest

from dispatch.desk.mailbox import attachments, parsing


@pytest.mark.parametrize("history", [
    "On Mon, 23 Nov 2026 at 10:02, Service desk <service@example.com> wrote:\n> Earlier text",
    "Op ma 23 nov. 2026 om 10:02 schreef Service desk <service@example.com>:\n> Eerdere tekst",
    "Am Mo., 23. Nov. 2026 um 10:02 Uhr schrieb Service desk <service@example.com>:\n> Früherer Text",
    "-----Original Message-----\nFrom: Service desk\nSent: Monday\n\nEarlier text",
    "-----Ursprüngliche Nachricht-----\nVon: Service desk\nGesendet: Montag\n\nFrüherer Text",
    "________________________________\nVan: Service desk <service@example.com>\nVerzonden: maandag 23 november 2026 "
    "10:02\nAan: Jan\nOnderwerp: [T-2026-000042] Ketel\n\nEerdere tekst",
    "From: Service desk <service@example.com>\nDate: Monday, 23 November 2026\nTo: Jan\n\nEarlier text",
    "> Earlier text\n> more of it\n",
])
def test_the_quoted_history_of_a_reply_is_left_out(history):
    assert parsing.strip_quoted(f"Thursday works.\n\nJan\n\n{history}") == "Thursday works.\n\nJan"


def test_text_that_is_only_a_quote_or_mentions_from_is_kept_whole():
    only_quote = "> Earlier text\n> more"
    assert parsing.strip_quoted(only_quote) == only_quote
    mentions = "From: the attic the water drips.\nIt started on Monday."
    assert parsing.strip_quoted(mentions) == mentions  # no Sent:/Date: line follows: not Outlook's block


@pytest.mark.parametrize(("headers", "kind"), [
    ("Auto-Submitted: auto-replied", "auto_reply"), ("Auto-Submitted: no", None), ("X-Autorespond: yes", "auto_reply"),
    ("Precedence: bulk", "auto_reply"), ("Precedence: junk", "auto_reply"), ("Return-Path: <>", "auto_reply"),
    ("Content-Type: multipart/report; report-type=delivery-status; boundary=x", "bounce"),
])
def test_automatic_mail_is_recognised(headers, kind):
    raw = f"From: Jan <jan@example.nl>\r\n{headers}\r\nSubject: Hi\r\n\r\n--x\r\n\r\nHello\r\n--x--\r\n".encode()
    assert parsing.parse(raw).automatic == kind


def test_postmaster_is_a_machine():
    assert parsing.parse(b"From: postmaster@example.net\r\n\r\nHello").automatic == "bounce"
    assert parsing.is_machine_address("No-Reply@shop.example") and not parsing.is_machine_address("jan@example.nl")


def office(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "sniffed"), [
    (b"%PDF-1.7\n", ("application/pdf", None)),
    (b"\x89PNG\r\n\x1a\n....", ("image/png", None)),
    (b"meter reading 12345\r\n", ("text/plain", None)),
    (office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
     ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", None)),
    (office({"word/document.xml": b"<w/>", "word/vbaProject.bin": b"macro"}), (None, "macros")),
    (office({"setup.exe": b"MZ"}), (None, "unknown_type")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1legacy office", (None, "macros")),
    (b"MZ\x90\x00", (None, "executable")),
    (b"#!/bin/sh\nrm -rf /", (None, "executable")),
    (b"<svg onload='alert(1)'></svg>", (None, "active_content")),
    (b"  <!DOCTYPE html><html><script>x</script>", (None, "active_content")),
    (b"\x00\x01\x02binary", (None, "unknown_type")),
])
def test_attachment_types_come_from_their_bytes(data, sniffed):
    assert attachments.sniff(data) == sniffed


def test_a_kept_file_carries_the_extension_of_what_it_is():
    assert attachments.examine("photo.exe", b"\xff\xd8\xff\xe0jpeg").filename == "photo.exe.jpg"
    assert attachments.examine("scan.PDF", b"%PDF-1.4").filename == "scan.PDF"
    assert attachments.examine("big.pdf", b"%PDF" + b"0" * attachments.MAX_ATTACHMENT_BYTES).refused == "too_large"
