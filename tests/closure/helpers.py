"""A job done and signed on site through the field services, as the technician's phone does it."""

from __future__ import annotations

import base64
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

from PIL import Image, ImageDraw

from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus, TechnicianFlag, TimeKind
from dispatch.extensions import db
from dispatch.field import services as field
from dispatch.scheduling.models import Job


def signature_data_url() -> str:
    """A PNG data URL with a drawn squiggle, as signature_pad sends it."""
    image = Image.new("RGBA", (400, 150), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    points = [(20, 110), (80, 30), (140, 120), (220, 40), (300, 115), (380, 35)]
    pen.line(points, fill=(0, 0, 60, 255), width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def signed_job(make: Any, *, technician: Any = None, asset: Any = None, customer: Any = None,
               work_minutes: int = 80, travel_minutes: int = 0, parts: list[tuple[Any, str]] = (),
               flags: list[str] = (), complete: bool = True) -> Job:
    """A job worked, signed by the customer and (by default) completed, committed; closure then runs."""
    technician = technician or make.user("technician")
    job = make.scheduled_job(technician, make.ticket(customer=customer, asset=asset))
    field.report_status(job, JobStatus.EN_ROUTE, technician.id)
    field.report_status(job, JobStatus.ON_SITE, technician.id)
    now = utcnow().replace(microsecond=0)
    if travel_minutes:
        field.add_time_entry(job, technician.id, {
            "kind": TimeKind.TRAVEL, "started_at": now - timedelta(minutes=200 + travel_minutes),
            "ended_at": now - timedelta(minutes=200)})
    field.add_time_entry(job, technician.id, {
        "kind": TimeKind.WORK, "started_at": now - timedelta(minutes=10 + work_minutes),
        "ended_at": now - timedelta(minutes=10)})
    for product, quantity in parts:
        field.add_part(job, technician.id, {"product_id": product.id, "quantity": Decimal(quantity)})
    field.sign(job, {"signer_name": "Jan de Vries", "image": signature_data_url()}, technician.id)
    db.session.commit()
    if complete:
        field.complete(job, {"summary": "Replaced the diverter valve; the boiler heats again.",
                             "flags": [TechnicianFlag(flag) for flag in flags]}, technician.id)
        db.session.commit()  # the closure task runs after this commit
    return job
