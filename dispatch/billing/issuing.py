"""The files of an issued document, frozen at approval: the PDF carrying Factur-X, and the Peppol UBL.

Both are written from one ``InvoiceDocument`` and stored, so that later changes of company or customer
details never alter what was issued. A draft has no number and so no e-invoice: its XML is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from dispatch.billing.documents import InvoiceDocument, credit_note_document, invoice_document
from dispatch.billing.einvoice import facturx
from dispatch.billing.einvoice.cii import cii_xml
from dispatch.billing.einvoice.ubl import ubl_xml
from dispatch.billing.models import CreditNote, Invoice
from dispatch.billing.pdf import render_pdf
from dispatch.enums import InvoiceStatus
from dispatch.errors import Conflict
from dispatch.i18n import locale_for
from dispatch.storage import storage


def render_files(document: InvoiceDocument) -> tuple[bytes, bytes]:
    """The Factur-X PDF and the UBL XML of an issued document."""
    with force_locale(locale_for(document.language)):
        pdf = render_pdf(document)
    return facturx.embed(pdf, cii_xml(document), document), ubl_xml(document)


def freeze_invoice_files(invoice: Invoice) -> None:
    """Render and store the approved invoice's PDF (with Factur-X) and UBL; set their keys on it."""
    _freeze(invoice, invoice_document(invoice), "invoices")


def freeze_credit_note_files(note: CreditNote) -> None:
    """Render and store the approved credit note's PDF (with Factur-X) and UBL; set their keys on it."""
    _freeze(note, credit_note_document(note), "credit-notes")


def invoice_ubl(invoice: Invoice) -> bytes:
    """The invoice's UBL as frozen at approval (written afresh for one approved before it was kept)."""
    if invoice.status == InvoiceStatus.DRAFT:
        raise Conflict(_("A draft invoice has no number yet, so no e-invoice: approve it first."),
                       code="invoice_not_approved")
    return _ubl(invoice, invoice_document)


def credit_note_ubl(note: CreditNote) -> bytes:
    """The credit note's UBL as frozen at approval (written afresh for one approved before it was kept)."""
    if note.status == InvoiceStatus.DRAFT:
        raise Conflict(_("A draft credit note has no number yet, so no e-invoice: approve it first."),
                       code="credit_note_not_approved")
    return _ubl(note, credit_note_document)


def _freeze(record: Invoice | CreditNote, document: InvoiceDocument, prefix: str) -> None:
    pdf, ubl = render_files(document)
    record.pdf_key = storage().put(pdf, prefix=prefix, suffix=".pdf")
    record.ubl_key = storage().put(ubl, prefix=prefix, suffix=".xml")


def _ubl(record: Invoice | CreditNote, build: Callable[[Any], InvoiceDocument]) -> bytes:
    return storage().read(record.ubl_key) if record.ubl_key else ubl_xml(build(record))
