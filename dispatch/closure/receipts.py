"""The signed delivery receipt: a PDF of what the customer signed, stored once and e-mailed to them.

The PDF is made from ``field.services.receipt_content`` (the very dict whose SHA-256 the signature
carries), so anyone can check the printed hash against the data. The technician's summary is
written after the signature; it is printed, marked as not part of the signed content.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import force_locale, format_decimal, get_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer, Table
from sqlalchemy import select

from dispatch import audit, fonts
from dispatch.admin.models import Company
from dispatch.admin.services import company
from dispatch.billing.pdf import build_a4, titled_header, unit_label
from dispatch.closure.models import DeliveryReceipt
from dispatch.enums import JobKind
from dispatch.extensions import db
from dispatch.field import services as field
from dispatch.field.models import Signature
from dispatch.i18n import locale_for
from dispatch.mail import OutboxMail, queue_mail
from dispatch.scheduling.forms import KIND_LABELS
from dispatch.scheduling.models import Job
from dispatch.storage import storage

log = logging.getLogger(__name__)
PDF_TYPE = "application/pdf"


def build_receipt(job: Job) -> DeliveryReceipt | None:
    """The job's receipt, built and stored once; None while the customer has not signed."""
    existing = db.session.scalar(select(DeliveryReceipt).where(DeliveryReceipt.job_id == job.id))
    if existing is not None:
        return existing
    signature = field.signature_of(job.id)
    if signature is None:
        return None
    content = field.receipt_content(job)
    digest = field.content_hash(content)
    if digest != signature.signed_content_hash:  # the record changed after signing: show both
        log.warning("job %s: receipt content hash %s differs from the signed %s", job.id, digest,
                    signature.signed_content_hash)
    customer = job.site.customer
    with force_locale(locale_for(customer.language)):
        pdf = render_receipt_pdf(job, content, signature, digest, company())
    receipt = DeliveryReceipt(job_id=job.id, pdf_key=storage().put(pdf, prefix="receipts", suffix=".pdf"),
                              content_hash=digest)
    db.session.add(receipt)
    db.session.flush()
    audit.record("receipt.built", job, None, receipt_id=receipt.id, content_hash=digest,
                 matches_signature=digest == signature.signed_content_hash)
    return receipt


def mail_receipt(job: Job, receipt: DeliveryReceipt) -> OutboxMail | None:
    """E-mail the receipt to the customer once, in their language (nothing when they have no address)."""
    customer = job.site.customer
    if not customer.email:
        return None
    already = db.session.scalar(select(OutboxMail.id).where(
        OutboxMail.related_type == DeliveryReceipt.__tablename__, OutboxMail.related_id == receipt.id,
    ).limit(1))
    if already is not None:
        return None
    signature = field.signature_of(job.id)
    settings = company()
    with force_locale(locale_for(customer.language)):
        subject = _("Your delivery receipt for job %(number)s", number=job.number)
        body = _(
            "Dear %(name)s,\n\nAttached is the delivery receipt of job %(number)s (ticket %(reference)s), "
            "signed by %(signer)s on %(signed_at)s.\n\nKind regards,\n%(company)s",
            name=customer.name, number=job.number, reference=job.ticket.reference,
            signer=signature.signer_name if signature else "-",
            signed_at=local_time(signature.signed_at, settings) if signature else "-", company=settings.name)
    attachment = {"filename": f"receipt-{job.number}.pdf", "content_type": PDF_TYPE,
                  "storage_key": receipt.pdf_key}
    return queue_mail(customer.email, subject, body, attachments=[attachment], related=receipt)


def local_time(moment: datetime | str, settings: Company) -> str:
    """A UTC time (or its ISO text) in the company's zone and the current language, with the zone."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    zone = ZoneInfo(settings.timezone)
    return f"{format_datetime(moment, 'medium', tzinfo=zone, locale=get_locale())} ({settings.timezone})"


def render_receipt_pdf(job: Job, content: dict[str, Any], signature: Signature, digest: str,
                       settings: Company) -> bytes:
    """The receipt as an A4 PDF in the current language, with the signature image and the content hash."""
    fonts.register()
    title = _("Delivery receipt %(number)s", number=content["job_number"])
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=9, leading=12)
    styles = {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontName=fonts.BOLD, fontSize=16, leading=20),
        "head": ParagraphStyle("head", parent=base, fontName=fonts.BOLD, fontSize=10.5, leading=14,
                               spaceBefore=8),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=colors.grey),
        "mono": ParagraphStyle("mono", parent=base, fontSize=8.5, leading=11),
    }
    story: list = [titled_header(_para(title, styles["title"]), settings.logo_key), Spacer(1, 3 * mm)]
    story += _details(content, settings, styles)
    story += _work(job, content, settings, styles)
    story += _signature(content, signature, digest, settings, styles)
    return build_a4(story, title=title, author=settings.name, lang=str(get_locale().language))


def _para(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(fonts.escape(text), style)


def _kind_label(kind: str) -> str:
    """The translated name of a job kind (``repair`` -> "Repair"); an unknown kind as it is."""
    return str(KIND_LABELS[JobKind(kind)]) if kind in set(JobKind) else kind


def _details(content: dict[str, Any], settings: Company, styles: dict[str, ParagraphStyle]) -> list:
    company_lines = [settings.name, settings.street, f"{settings.postal_code} {settings.city}".strip(),
                     settings.vat_number and _("VAT number: %(number)s", number=settings.vat_number),
                     settings.registration_number
                     and _("Registration no. %(number)s", number=settings.registration_number),
                     settings.phone, settings.email]
    asset = content.get("asset")
    facts = [
        (_("Customer"), content["customer_name"]),
        (_("Site"), content["site_address"]),
        (_("Job"), f"{content['job_number']} ({_kind_label(content['job_kind'])})"),
        (_("Ticket"), f"{content['ticket_reference']}: {content['ticket_subject']}"),
        (_("Asset"), _("%(product)s, serial %(serial)s", serial=asset["serial_number"],
                       product=f"{asset['product']} {asset.get('model') or ''}".strip())
         if asset else _("not recorded")),
        (_("Technician"), content.get("technician_name") or "-"),
    ]
    table = Table([[_para(label, styles["small"]), _para(value, styles["base"])] for label, value in facts],
                  colWidths=[28 * mm, 146 * mm])
    table.setStyle(fonts.table_style([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                      ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [_para(" · ".join(line for line in company_lines if line), styles["small"]), Spacer(1, 4 * mm),
            table]


def _work(job: Job, content: dict[str, Any], settings: Company, styles: dict[str, ParagraphStyle]) -> list:
    story: list = []
    if content.get("instructions"):
        story += [_para(_("Work asked for"), styles["head"]), _para(content["instructions"], styles["base"])]
    rows: list[list] = [[_("Kind"), _("From"), _("To"), _("Minutes")]]
    kinds = {"work": _("work"), "travel": _("travel")}
    for entry in content["time_entries"]:
        rows.append([kinds.get(entry["kind"], entry["kind"]), local_time(entry["started_at"], settings),
                     local_time(entry["ended_at"], settings), str(entry["minutes"])])
    totals = _("work %(work)s min, travel %(travel)s min", **content["total_minutes"])
    rows.append([_("Total"), totals, "", ""])
    story += [_para(_("Time"), styles["head"]), _table(rows, [16, 71, 71, 16])]
    parts: list[list] = [[_("Article"), _("Name"), _("Quantity"), _("Unit")]]
    parts += [[part["sku"], _para(part["name"], styles["base"]),
               format_decimal(Decimal(part["quantity"]), format="#,##0.###"), unit_label(part["unit"])]
              for part in content["parts"]]
    story += [_para(_("Parts"), styles["head"]),
              _table(parts, [35, 99, 20, 20]) if content["parts"]
              else _para(_("No parts used."), styles["base"]),
              _para(_("Photos taken: %(count)s", count=content["photos_count"]), styles["base"])]
    if job.summary:
        story += [_para(_("Technician's summary"), styles["head"]), _para(job.summary, styles["base"]),
                  _para(_("Written when the job was completed, after the signature; not part of the signed "
                          "content."), styles["small"])]
    return story


def _signature(content: dict[str, Any], signature: Signature, digest: str, settings: Company,
               styles: dict[str, ParagraphStyle]) -> list:
    png = Image(BytesIO(storage().read(signature.png_key)))
    scale = min(70 * mm / png.imageWidth, 28 * mm / png.imageHeight)
    png.drawWidth, png.drawHeight = png.imageWidth * scale, png.imageHeight * scale
    png.hAlign = "LEFT"
    block = [
        _para(_("Signed for receipt"), styles["head"]),
        png,
        _para(_("Signed by %(name)s on %(when)s", name=content["signer_name"],
                when=local_time(content["signed_at"], settings)), styles["base"]),
        Spacer(1, 3 * mm),
        _para(_("Content hash (SHA-256): %(hash)s", hash=signature.signed_content_hash), styles["mono"]),
        _para(_("The hash covers what the customer signed for: job, ticket, customer, site, asset, "
                "technician, the time entries, the parts, the number of photos, the signer's name and the "
                "signing time, written as canonical JSON (sorted keys, no spaces, UTF-8)."), styles["small"]),
    ]
    if digest != signature.signed_content_hash:
        block.append(_para(_("Warning: the recorded work no longer matches what was signed (now %(hash)s).",
                             hash=digest), styles["base"]))
    return [KeepTogether(block)]


def _table(rows: list[list], widths_mm: list[int]) -> Table:
    table = Table(rows, colWidths=[width * mm for width in widths_mm], repeatRows=1)
    table.setStyle(fonts.table_style([
        ("FONTSIZE", (0, 0), (-1, -1), 8.5), ("FONTNAME", (0, 0), (-1, 0), fonts.BOLD),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black), ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table
