"""DejaVu Sans, embedded in every PDF we make (receipts, invoices): it covers the accents of
Dutch, German and French names and the euro sign. Licence: LICENSE in this folder (Bitstream Vera).
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import TableStyle

FONT_DIR = Path(__file__).resolve().parent
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


def register() -> None:
    """Make the fonts known to ReportLab (once per process; TrueType fonts are always embedded)."""
    # Binary (deflated) streams instead of ASCII85-wrapped ones: a fifth smaller and faster to write;
    # every PDF reader since PDF 1.2 reads them. All PDFs of this process are ours.
    rl_config.useA85 = 0
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (REGULAR, BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def table_style(commands: list[tuple]) -> TableStyle:
    """A table style in the embedded font: ReportLab sets Helvetica (not embedded) on every cell otherwise."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])


def escape(text: object) -> str:
    """Plain text for a ReportLab paragraph, which reads a little XML."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
