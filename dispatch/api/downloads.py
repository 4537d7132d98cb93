"""File downloads (PDFs, XML, CSV) with one safe Content-Disposition (RFC 6266)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from flask import Response, current_app, stream_with_context

from dispatch.reporting import csvfile

# RFC 5987 attr-char besides letters and digits: what filename* may carry unencoded.
ATTR_CHARS = "!#$&+-.^_`|~"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``inline`` or ``attachment`` with ``filename``; a non-ASCII name also as ``filename*`` (UTF-8)."""
    name = "".join(char for char in filename if char.isprintable())
    # Clients without filename* support get the name with accents stripped (é -> e), others dropped.
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    escaped = fallback.replace("\\", "\\\\").replace('"', '\\"')
    value = f'{"inline" if inline else "attachment"}; filename="{escaped}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe=ATTR_CHARS)}"
    return value


def download(body: bytes | str | Iterable[bytes], mimetype: str, filename: str, *, inline: bool = False) -> Response:
    """A response carrying a file named ``filename``: shown in the browser (``inline``) or saved."""
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response


def csv_download(header: list[str], rows: Iterable[Any], style: str, filename: str) -> Response:
    """A CSV file streamed row by row in one of ``csvfile.STYLES`` (the request stays open while it streams)."""
    return download(stream_with_context(csvfile.stream(header, rows, csvfile.STYLES[style])), "text/csv", filename)
