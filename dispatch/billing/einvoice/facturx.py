"""Factur-X: the invoice PDF with its EN 16931 CII XML embedded as ``factur-x.xml``.

What Factur-X 1.0 and PDF/A-3 ask of the PDF, added in one incremental update of ReportLab's output
(the fonts and pages are not rewritten, which keeps this step cheap):
- the XML as an embedded file, ``/AFRelationship /Data``, listed in the catalogue's ``/AF``;
- XMP metadata declaring PDF/A-3 (part 3, conformance B) and the Factur-X extension schema with profile
  ``EN 16931``, written by the ``factur-x`` library, and a document information dictionary that matches it;
- an sRGB output intent (Pillow's littleCMS makes the ICC profile, no file shipped).
Fonts are embedded by ``billing.pdf``. No PDF/A validator (veraPDF) runs here: the PDF/A claim rests on
these steps, not on a check; the Factur-X part is checked by reading the XML back (tests).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cache
from io import BytesIO

from facturx import generate_xmp_object, get_xml_from_pdf
from lxml import etree
from PIL import ImageCms
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from dispatch.billing.documents import InvoiceDocument

FILENAME = "factur-x.xml"
PRODUCER = "ReportLab, pypdf (Factur-X by dispatch)"
FACTURX_URN = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"


def embed(pdf: bytes, xml: bytes, document: InvoiceDocument) -> bytes:
    """``pdf`` as a Factur-X EN 16931 PDF carrying ``xml`` (already validated by the caller's tests)."""
    now = datetime.now(UTC).replace(microsecond=0)
    kind = "Credit note" if document.is_credit_note else "Invoice"
    title = f"{document.seller.name}: {kind} {document.number}"
    subject = f"Factur-X {kind.lower()} {document.number} dated {document.issued_on} issued by {document.seller.name}"
    writer = PdfWriter(BytesIO(pdf), incremental=True)
    add = writer._add_object  # pypdf has no public way to add an indirect object
    filespec = add(_filespec(add, xml, now))
    root = writer.root_object
    names = root["/Names"].get_object() if "/Names" in root else DictionaryObject()
    names[NameObject("/EmbeddedFiles")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject(FILENAME), filespec])})
    xmp = _xmp(title, document.seller.name, subject, now)
    root.update({
        NameObject("/Names"): names,
        NameObject("/AF"): add(ArrayObject([filespec])),
        NameObject("/Metadata"): add(_stream(xmp, {"/Type": NameObject("/Metadata"),
                                                   "/Subtype": NameObject("/XML")})),
        NameObject("/OutputIntents"): ArrayObject([add(_output_intent(add))]),
        NameObject("/Version"): NameObject("/1.7"),  # PDF/A-3 is PDF 1.7; an update cannot change the header
        NameObject("/Lang"): TextStringObject(document.language),
    })
    stamp = now.strftime("D:%Y%m%d%H%M%S+00'00'")
    writer.add_metadata({"/Title": title, "/Author": document.seller.name, "/Subject": subject,
                         "/Keywords": f"Factur-X, {kind}", "/Creator": PRODUCER, "/Producer": PRODUCER,
                         "/CreationDate": stamp, "/ModDate": stamp})
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def embedded_xml(pdf: bytes) -> bytes:
    """The Factur-X XML a PDF carries (``ValueError`` if it carries none)."""
    filename, xml = get_xml_from_pdf(pdf, check_xsd=False)
    if filename != FILENAME or not xml:
        raise ValueError("The PDF carries no factur-x.xml.")
    return xml


def _stream(data: bytes, entries: dict) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({NameObject(key): value for key, value in entries.items()})
    return stream


def _filespec(add, xml: bytes, now: datetime) -> DictionaryObject:  # noqa: ANN001 - PdfWriter._add_object
    params = DictionaryObject({
        NameObject("/CheckSum"): ByteStringObject(hashlib.md5(xml).digest()),  # noqa: S324 - PDF asks for MD5
        NameObject("/ModDate"): TextStringObject(now.strftime("D:%Y%m%d%H%M%S+00'00'")),
        NameObject("/Size"): NumberObject(len(xml)),
    })
    embedded = _stream(xml, {"/Type": NameObject("/EmbeddedFile"), "/Subtype": NameObject("/text/xml"),
                             "/Params": params}).flate_encode()
    reference = add(embedded)
    name = TextStringObject(FILENAME)
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): name, NameObject("/UF"): name,
        NameObject("/Desc"): TextStringObject("Factur-X XML file"),
        NameObject("/AFRelationship"): NameObject("/Data"),
        NameObject("/EF"): DictionaryObject({NameObject("/F"): reference, NameObject("/UF"): reference}),
    })


def _xmp(title: str, author: str, subject: str, now: datetime) -> bytes:
    root = generate_xmp_object({
        "pdfa3_flavor": "B", "title": title, "author": author, "subject": subject, "producer": PRODUCER,
        "creator_tool": PRODUCER, "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S+00:00"), "version": "1.0",
        "documenttype": "INVOICE", "xml_filename": FILENAME, "xmp_level": "EN 16931", "urn": FACTURX_URN,
    })
    body = etree.tostring(root, encoding="unicode")
    return f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n{body}\n<?xpacket end="w"?>'.encode()


def _output_intent(add) -> DictionaryObject:  # noqa: ANN001 - PdfWriter._add_object
    profile = _stream(_srgb_profile(), {"/N": NumberObject(3)}).flate_encode()
    return DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"),
        NameObject("/S"): NameObject("/GTS_PDFA1"),
        NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
        NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
        NameObject("/DestOutputProfile"): add(profile),
    })


@cache
def _srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
