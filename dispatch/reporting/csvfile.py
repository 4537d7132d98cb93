"""CSV files that open correctly where our users are, written as a stream.

Our users are in the Netherlands, Belgium and Germany, where Excel's list separator is ``;`` and the
decimal separator ``,``. A comma-separated file with ``12.50`` opens there as one column, or worse,
with ``1.5`` read as the date 1 May. So the default style ``excel`` writes ``;`` between fields,
decimal commas without thousands separators (``1234,50``), ISO dates (``2026-01-31``, which Excel
recognises in every locale), CRLF line ends and a UTF-8 byte order mark (without it Excel reads
UTF-8 as Windows-1252 and mangles ``Müller``). Text that Excel would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, tab or CR, e.g. a customer named ``=HYPERLINK(...)`` or a Belgian
``+++...+++`` reference) gets a leading ``'``, as OWASP advises against CSV injection.

The style ``standard`` is plain RFC 4180 for accounting software and scripts: ``,`` separators,
``.`` decimals, no byte order mark and no formula guard.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FLUSH_EVERY = 200  # rows per chunk sent to the client


@dataclass(frozen=True)
class CsvStyle:
    name: str
    delimiter: str
    decimal_mark: str
    byte_order_mark: bool
    guard_formulas: bool


EXCEL = CsvStyle("excel", ";", ",", True, True)
STANDARD = CsvStyle("standard", ",", ".", False, False)
STYLES = {style.name: style for style in (EXCEL, STANDARD)}


def cell(value: Any, style: CsvStyle) -> str:
    """One value as CSV text in ``style``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", style.decimal_mark)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if style.guard_formulas and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def stream(header: list[str], rows: Iterable[Iterable[Any]], style: CsvStyle) -> Iterator[bytes]:
    """The CSV file in chunks: the header, then the rows as they come from the database."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if style.byte_order_mark:
        buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([cell(value, style) for value in row])
        if count % FLUSH_EVERY == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    chunk = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return chunk
