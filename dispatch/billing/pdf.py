"""The invoice and credit note PDFs, laid out with ReportLab from an ``InvoiceDocument`` (DejaVu fonts embedded).

A credit note is laid out like an invoice and carries the same, positive amounts as it has in the UBL
``CreditNote`` and the CII document of type 381: the title says that the amounts are credited, so no
minus sign is printed (a negative credit note would mean a new invoice).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO

from flask_babel import force_locale, format_date, format_decimal, pgettext
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, Image, PageTemplate, Paragraph, Spacer, Table

from dispatch import fonts
from dispatch.billing.documents import InvoiceDocument, Party, credit_note_document, invoice_document
from dispatch.billing.epc import epc_payload, qr_drawing
from dispatch.billing.models import CreditNote, Invoice
from dispatch.i18n import locale_for
from dispatch.storage import storage

log = logging.getLogger(__name__)
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN  # 174 mm between the margins
QR_SIZE = 34 * mm


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF in the customer's language; a draft carries a "DRAFT" watermark."""
    document = invoice_document(invoice)
    with force_locale(locale_for(document.language)):
        return render_pdf(document)


def render_credit_note_pdf(note: CreditNote) -> bytes:
    """The credit note as a PDF in the customer's language, its amounts positive as in the UBL CreditNote."""
    document = credit_note_document(note)
    with force_locale(locale_for(document.language)):
        return render_pdf(document)


def render_pdf(document: InvoiceDocument) -> bytes:
    """Lay out an invoice or credit note document on A4 pages."""
    fonts.register()
    title = _title(document)

    def decorate(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        if document.is_draft:
            canvas.setFont(fonts.BOLD, 110)
            canvas.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.18))
            canvas.translate(A4[0] / 2, A4[1] / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, -35, _("DRAFT"))
            canvas.restoreState()
            canvas.saveState()
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(MARGIN, 10 * mm, title)
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, _("Page %(page)s", page=canvas.getPageNumber()))
        canvas.restoreState()

    return build_a4(_story(document, title, _styles()), title=title, author=document.seller.name,
                    lang=document.language, decorate=decorate)


def build_a4(story: list, *, title: str, author: str, lang: str, decorate: Callable | None = None) -> bytes:
    """``story`` on A4 pages within 18 mm margins, which text and tables (174 mm wide) share exactly."""
    fonts.register()
    buffer = BytesIO()
    pdf = BaseDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                          bottomMargin=20 * mm, title=title, author=author, lang=lang, invariant=True,
                          initialFontName=fonts.REGULAR)
    # No frame padding: ReportLab's default 6 pt would indent paragraphs against full-width tables.
    frame = Frame(pdf.leftMargin, pdf.bottomMargin, pdf.width, pdf.height, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    pdf.addPageTemplates([PageTemplate(frames=[frame], onPage=decorate or (lambda _canvas, _doc: None))])
    pdf.build(story)
    return buffer.getvalue()


def _title(document: InvoiceDocument) -> str:
    if document.is_credit_note:
        return (_("Credit note %(number)s", number=document.number) if document.number
                else _("Draft credit note (no number yet)"))
    return (_("Invoice %(number)s", number=document.number) if document.number
            else _("Draft invoice (no number yet)"))


def logo(key: str | None, width: float, height: float) -> Image | None:
    """The company logo stored under ``key``, scaled to fit ``width`` x ``height``; None without one."""
    if not key:
        return None
    try:
        data = storage().read(key)
    except FileNotFoundError:  # a document is still worth more than its logo
        log.warning("logo %s is missing from storage; documents are made without it", key)
        return None
    image = Image(BytesIO(data), mask="auto")
    scale = min(width / image.imageWidth, height / image.imageHeight)
    image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
    image.hAlign = "RIGHT"
    return image


def titled_header(heading: Paragraph, logo_key: str | None) -> Flowable:
    """The title of a document (174 mm wide), with the company logo at its right when there is one."""
    image = logo(logo_key, 60 * mm, 22 * mm)
    if image is None:
        return heading
    header = Table([[heading, image]], colWidths=[114 * mm, 60 * mm])
    header.setStyle(fonts.table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return header


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=9, leading=12)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=colors.grey),
        "title": ParagraphStyle("title", parent=base, fontName=fonts.BOLD, fontSize=16, leading=20),
        "bold": ParagraphStyle("bold", parent=base, fontName=fonts.BOLD),
        "right": ParagraphStyle("right", parent=base, alignment=2),
        "caption": ParagraphStyle("caption", parent=base, fontSize=7.5, leading=9, alignment=1),
    }


def _money(amount: Decimal, currency: str, pattern: str = "#,##0.00") -> str:
    return f"{currency} {format_decimal(amount, format=pattern)}"


def _date(value: object) -> str:
    return format_date(value) if value else "-"


def unit_label(code: str) -> str:
    """The short, translated label of a UN/ECE unit code (``HUR`` -> "h"); unknown codes as they are."""
    labels = {"HUR": pgettext("unit", "h"), "C62": pgettext("unit", "pc"), "KGM": pgettext("unit", "kg"),
              "MTR": pgettext("unit", "m"), "LTR": pgettext("unit", "l")}
    return labels.get(code, code)


def _party(party: Party, heading: str, styles: dict[str, ParagraphStyle]) -> list[Paragraph]:
    rows = [Paragraph(heading, styles["small"]), Paragraph(fonts.escape(party.name), styles["bold"])]
    rows += [Paragraph(fonts.escape(line), styles["base"]) for line in party.address_lines if line.strip()]
    rows.append(Paragraph(fonts.escape(party.country), styles["base"]))
    if party.vat_number:
        rows.append(Paragraph(fonts.escape(_("VAT number: %(number)s", number=party.vat_number)),
                              styles["base"]))
    if party.registration_number:
        registration = _("Registration no. %(number)s", number=party.registration_number)
        rows.append(Paragraph(fonts.escape(registration), styles["small"]))
    rows += [Paragraph(fonts.escape(detail), styles["small"]) for detail in party.contact]
    return rows


def _story(document: InvoiceDocument, title: str, styles: dict[str, ParagraphStyle]) -> list:
    header = titled_header(Paragraph(fonts.escape(title), styles["title"]), document.logo_key)
    parties = Table([[_party(document.seller, _("Seller"), styles), _party(document.buyer, _("Bill to"), styles)]],
                    colWidths=[87 * mm, 87 * mm])
    parties.setStyle(fonts.table_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                        ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [header, Spacer(1, 6 * mm), parties, Spacer(1, 6 * mm), _facts(document, styles), Spacer(1, 6 * mm),
            _lines_table(document, styles), Spacer(1, 4 * mm), _totals_table(document), Spacer(1, 8 * mm),
            *_payment(document, styles)]


def _facts(document: InvoiceDocument, styles: dict[str, ParagraphStyle]) -> Table:
    if document.is_credit_note:
        corrects = _("%(number)s of %(date)s", number=document.preceding_number or "-",
                     date=_date(document.preceding_issued_on))
        facts = [
            (_("Credit note number"), document.number or _("assigned at approval")),
            (_("Credit note date"), _date(document.issued_on)),
            (_("Corrects invoice"), corrects),
            (_("Reason"), Paragraph(fonts.escape(document.note or "-"), styles["base"])),
        ]
    else:
        facts = [
            (_("Invoice number"), document.number or _("assigned at approval")),
            (_("Invoice date"), _date(document.issued_on)),
            (_("Due date"), _date(document.due_on)),
        ]
    facts.append((_("Jobs"), ", ".join(document.job_numbers) or "-"))
    table = Table(facts, colWidths=[40 * mm, 134 * mm])
    table.setStyle(fonts.table_style([
        ("FONTSIZE", (0, 0), (-1, -1), 9), ("TEXTCOLOR", (0, 0), (0, -1), colors.grey),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _lines_table(document: InvoiceDocument, styles: dict[str, ParagraphStyle]) -> Table:
    # Only the description may need wrapping: the other cells are plain strings, which ReportLab
    # draws many times faster than paragraphs.
    rows: list[list] = [[_("Description"), _("Quantity"), _("Unit"), _("Unit price"), _("VAT"), _("Amount")]]
    for line in document.lines:
        rows.append([
            Paragraph(fonts.escape(line.description), styles["base"]),
            format_decimal(line.quantity, format="#,##0.###"),
            unit_label(line.unit),
            _money(line.unit_price, document.currency, "#,##0.00##"),
            f"{format_decimal(line.vat_rate, format='0.##')}%",
            _money(line.net_amount, document.currency),
        ])
    table = Table(rows, colWidths=[60 * mm, 16 * mm, 18 * mm, 35 * mm, 13 * mm, 32 * mm], repeatRows=1)
    table.setStyle(fonts.table_style([
        ("FONTSIZE", (0, 0), (-1, -1), 9), ("FONTNAME", (0, 0), (-1, 0), fonts.BOLD),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 0),
    ]))
    return table


def _totals_table(document: InvoiceDocument) -> Table:
    currency = document.currency
    totals: list[list[str]] = [[_("Net total"), _money(document.net_total, currency)]]
    for group in document.vat:
        totals.append([_("VAT %(rate)s%% on %(base)s", rate=format_decimal(group.rate, format="0.##"),
                         base=_money(group.base, currency)), _money(group.amount, currency)])
    totals.append([_("Total credited") if document.is_credit_note else _("Total to pay"),
                   _money(document.gross_total, currency)])
    table = Table(totals, colWidths=[60 * mm, 34 * mm], hAlign="RIGHT")
    table.setStyle(fonts.table_style([
        ("FONTSIZE", (0, 0), (-1, -1), 9), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("FONTNAME", (0, -1), (-1, -1), fonts.BOLD), ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
    ]))
    return table


def transfer_payload(document: InvoiceDocument) -> str | None:
    """The EPC QR payload printed on the document: approved invoices only, never drafts or credit notes."""
    if document.is_draft or document.is_credit_note:
        return None
    return epc_payload(name=document.seller.name, iban=document.iban, bic=document.bic,
                       amount=document.gross_total, currency=document.currency,
                       reference=document.payment_reference, text=document.number)


def _payment(document: InvoiceDocument, styles: dict[str, ParagraphStyle]) -> list:
    heading = Paragraph(fonts.escape(_("Payment")), styles["bold"])
    if document.is_credit_note:  # nothing to pay: the terms say what becomes of the credited amount
        terms = document.payment_terms
        return [heading, Paragraph(fonts.escape(terms), styles["base"])] if terms else []
    due = format_date(document.due_on) if document.due_on else _("the due date")
    texts = [
        _("Please transfer %(amount)s by %(due)s to:", amount=_money(document.gross_total, document.currency),
          due=due),
        _("IBAN: %(iban)s", iban=_group_iban(document.iban) if document.iban else "-"),
        _("BIC: %(bic)s", bic=document.bic or "-"),
        _("Payment reference: %(reference)s", reference=document.payment_reference or "-"),
    ]
    details = [heading] + [Paragraph(fonts.escape(text), styles["base"]) for text in texts]
    payload = transfer_payload(document)
    if payload is None:
        return details
    code = [qr_drawing(payload, QR_SIZE), Paragraph(fonts.escape(_("Scan with your banking app to pay")),
                                                     styles["caption"])]
    table = Table([[details, code]], colWidths=[WIDTH - QR_SIZE - 4 * mm, QR_SIZE + 4 * mm])
    table.setStyle(fonts.table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                      ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [table]


def _group_iban(value: str) -> str:
    compact = value.replace(" ", "").upper()
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
