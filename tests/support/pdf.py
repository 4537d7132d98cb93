"""Reading our PDFs back as a person or a banking app would: text, fonts, images and QR codes."""

from __future__ import annotations

from io import BytesIO

import pypdfium2
import zxingcpp
from PIL import Image
from pypdf import PdfReader

BASE_14 = {"Courier", "Helvetica", "Times-Roman", "Symbol", "ZapfDingbats"}


def pdf_text(pdf: bytes) -> str:
    """The text of every page, as a PDF reader extracts it."""
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def embedded_font_files(pdf: bytes) -> dict[str, bool]:
    """Each font of the PDF by base name: whether its TrueType program is embedded (/FontFile2)."""
    found: dict[str, bool] = {}
    for page in PdfReader(BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for item in descendants:
                descriptor = item.get("/FontDescriptor")
                found[str(font["/BaseFont"])] = descriptor is not None and "/FontFile2" in descriptor.get_object()
    return found


def assert_fonts_embedded(pdf: bytes) -> None:
    """Every font is an embedded TrueType font (DejaVu), none of the 14 standard ones a reader substitutes."""
    fonts = embedded_font_files(pdf)
    assert fonts and all(fonts.values()), fonts
    assert all("DejaVuSans" in name for name in fonts), fonts
    assert not any(name.lstrip("/").split("-")[0] in BASE_14 for name in fonts), fonts


def image_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """The pixel size of every raster image on every page."""
    return [image.image.size for page in PdfReader(BytesIO(pdf)).pages for image in page.images]


def qr_codes(pdf: bytes, page: int = 0) -> list[zxingcpp.Barcode]:
    """The QR codes a scanner reads on ``page`` rendered at 216 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        rendered = document[page]
        bitmap = rendered.render(scale=3)
        image = bitmap.to_pil().copy()  # pixels of our own, so that PDFium's memory can go
        bitmap.close()
        rendered.close()
    finally:
        document.close()
    return [code for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]


def png(width: int = 300, height: int = 100, colour: tuple[int, int, int, int] = (200, 30, 40, 255)) -> bytes:
    """A logo-like PNG with a transparent background and a coloured block."""
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    image.paste(colour, (width // 10, height // 10, width * 9 // 10, height * 9 // 10))
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
