"""The EPC QR code ("GiroCode") that lets the payer start a SEPA credit transfer from their banking app.

The payload follows EPC069-12 (Quick Response Code: guidelines to enable data capture for the initiation
of a SEPA credit transfer), version 002: lines separated by LF, character set 1 (UTF-8), at most 331
bytes, drawn at error correction level M. Field by field:

1 ``BCD``  2 ``002``  3 ``1`` (UTF-8)  4 ``SCT``  5 BIC (optional in version 002, an empty line then)
6 beneficiary name (1..70)  7 IBAN  8 ``EUR`` + amount (0.01..999999999.99)  9 purpose (empty)
10 structured remittance: a creditor reference (1..35)  11 unstructured remittance (1..140)
12 beneficiary-to-originator information (empty).

Field 10 is the structured remittance of the SEPA rulebook, a creditor reference for which the guideline
names ISO 11649 (``RF``); fields 10 and 11 are exclusive. Only an ISO 11649 reference goes in field 10,
compacted. A Belgian structured communication (OGM/VCS, ``+++123/4567/89002+++``) is not ISO 11649, so a
reader checking field 10 as one would reject it: it goes in field 11 in its usual ``+++`` form, which is
how the payer would type it. The last populated field is not followed by a separator.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import groupby

import segno
from reportlab.graphics.shapes import Drawing, Path
from reportlab.lib import colors
from stdnum import iban as iban_number
from stdnum import iso11649
from stdnum.be import ogm_vcs

from dispatch import fonts

MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")
MAX_BYTES = 331
ERROR_CORRECTION = "M"
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def epc_payload(*, name: str, iban: str | None, amount: Decimal, currency: str, bic: str | None = None,
                reference: str | None = None, text: str | None = None) -> str | None:
    """The EPC069-12 payload of a transfer; None when no valid QR can say it (not EUR, bad amount or IBAN)."""
    amount = amount.quantize(Decimal("0.01"))
    compact_iban = iban_number.compact(iban or "")
    name = " ".join(name.split())[:70]
    if currency != "EUR" or not MIN_AMOUNT <= amount <= MAX_AMOUNT or not name:
        return None
    if not iban_number.is_valid(compact_iban):
        return None
    structured, unstructured = remittance(reference, text)
    fields = ["BCD", "002", "1", "SCT", (bic or "").replace(" ", "").upper(), name, compact_iban,
              f"EUR{amount}", "", structured, unstructured]
    while not fields[-1]:
        fields.pop()
    payload = "\n".join(fields)
    return payload if len(payload.encode("utf-8")) <= MAX_BYTES else None


def remittance(reference: str | None, text: str | None = None) -> tuple[str, str]:
    """The (structured, unstructured) remittance fields for a payment reference, with ``text`` as fallback."""
    reference = (reference or "").strip()
    if reference and iso11649.is_valid(reference):
        return iso11649.compact(reference), ""
    if reference and ogm_vcs.is_valid(reference):
        return "", f"+++{ogm_vcs.format(reference)}+++"
    return "", " ".join((reference or text or "").split())[:140]


def qr_drawing(payload: str, size: float) -> Drawing:
    """The payload as a square QR code of ``size`` points (quiet zone included), error correction level M."""
    # segno encodes about three times faster than ReportLab's own encoder, and the modules are drawn as
    # one filled path of horizontal runs instead of hundreds of rectangle shapes: the QR code was most of
    # the time an invoice took to render. Bytes in, so the UTF-8 payload is one 8-bit segment, as the EPC
    # guideline declares it (character set 1).
    code = segno.make_qr(payload.encode("utf-8"), error=ERROR_CORRECTION, boost_error=False)
    rows = [list(row) for row in code.matrix]
    module = size / (len(rows) + 2 * QUIET_ZONE)
    path = Path(fillColor=colors.black, strokeColor=None, strokeWidth=0)
    for r, row in enumerate(rows):
        top = size - (r + QUIET_ZONE) * module
        c = 0
        for dark, run in groupby(row):
            length = len(list(run))
            if dark:
                left = (c + QUIET_ZONE) * module
                path.moveTo(left, top)
                path.lineTo(left + length * module, top)
                path.lineTo(left + length * module, top - module)
                path.lineTo(left, top - module)
                path.closePath()
            c += length
    # The drawing's initial font would otherwise be Helvetica, a font the PDF then names but does not embed.
    drawing = Drawing(size, size, initialFontName=fonts.REGULAR)
    drawing.add(path)
    return drawing
