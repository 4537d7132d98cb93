"""The invoice PDF, laid out with ReportLab from an ``InvoiceDocument`` (DejaVu fonts embedded)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from flask_babel import force_locale, format_date, format_decimal, pgettext
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from dispatch import fonts
from dispatch.billing.documents import InvoiceDocument, Party, invoice_document
from dispatch.billing.models import Invoice
from dispatch.i18n import locale_for


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF in the customer's language; a draft carries a "DRAFT" watermark."""
    document = invoice_document(invoice)
    with force_locale(locale_for(document.language)):
        return render_pdf(document)


def render_pdf(document: InvoiceDocument) -> bytes:
    """Lay out an invoice document on A4 pages."""
    fonts.register()
    buffer = BytesIO()
    title = (_("Invoice %(number)s", number=document.number) if document.number
             else _("Draft invoice (no number yet)"))
    pdf = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=20 * mm, title=title, author=document.seller.name,
                            lang=document.language, invariant=True, initialFontName=fonts.REGULAR)
    styles = _styles()

    def decorate(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
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
        canvas.drawString(18 * mm, 10 * mm, title)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, _("Page %(page)s", page=canvas.getPageNumber()))
        canvas.restoreState()

    pdf.build(_story(document, title, styles), onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=9, leading=12)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=colors.grey),
        "title": ParagraphStyle("title", parent=base, fontName=fonts.BOLD, fontSize=16, leading=20),
        "bold": ParagraphStyle("bold", parent=base, fontName=fonts.BOLD),
        "right": ParagraphStyle("right", parent=base, alignment=2),
    }


def _money(amount: Decimal, currency: str, pattern: str = "#,##0.00") -> str:
    return f"{currency} {format_decimal(amount, format=pattern)}"


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
    parties = Table([[_party(document.seller, _("Seller"), styles), _party(document.buyer, _("Bill to"), styles)]],
                    colWidths=[87 * mm, 87 * mm])
    parties.setStyle(fonts.table_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    facts = [
        (_("Invoice number"), document.number or _("assigned at approval")),
        (_("Invoice date"), format_date(document.issued_on) if document.issued_on else "-"),
        (_("Due date"), format_date(document.due_on) if document.due_on else "-"),
        (_("Jobs"), ", ".join(document.job_numbers) or "-"),
    ]
    facts_table = Table(facts, colWidths=[35 * mm, 139 * mm])
    facts_table.setStyle(fonts.table_style([
        ("FONTSIZE", (0, 0), (-1, -1), 9), ("TEXTCOLOR", (0, 0), (0, -1), colors.grey),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return [Paragraph(fonts.escape(title), styles["title"]), Spacer(1, 6 * mm), parties, Spacer(1, 6 * mm),
            facts_table, Spacer(1, 6 * mm), _lines_table(document, styles), Spacer(1, 4 * mm),
            _totals_table(document), Spacer(1, 8 * mm), *_payment(document, styles)]


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
    table = Table(rows, colWidths=[72 * mm, 18 * mm, 12 * mm, 27 * mm, 15 * mm, 30 * mm], repeatRows=1)
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
    totals.append([_("Total to pay"), _money(document.gross_total, currency)])
    table = Table(totals, colWidths=[60 * mm, 34 * mm], hAlign="RIGHT")
    table.setStyle(fonts.table_style([
        ("FONTSIZE", (0, 0), (-1, -1), 9), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("FONTNAME", (0, -1), (-1, -1), fonts.BOLD), ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
    ]))
    return table


def _payment(document: InvoiceDocument, styles: dict[str, ParagraphStyle]) -> list[Paragraph]:
    due = format_date(document.due_on) if document.due_on else _("the due date")
    texts = [
        _("Please transfer %(amount)s by %(due)s to:", amount=_money(document.gross_total, document.currency),
          due=due),
        _("IBAN: %(iban)s", iban=_group_iban(document.iban) if document.iban else "-"),
        _("BIC: %(bic)s", bic=document.bic or "-"),
        _("Payment reference: %(reference)s", reference=document.payment_reference or "-"),
    ]
    return [Paragraph(fonts.escape(_("Payment")), styles["bold"])] + [
        Paragraph(fonts.escape(text), styles["base"]) for text in texts]


def _group_iban(value: str) -> str:
    compact = value.replace(" ", "").upper()
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
