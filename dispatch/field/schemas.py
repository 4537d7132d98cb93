"""Request and response schemas of the technician ("field") API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from werkzeug.datastructures import FileStorage

from dispatch.customers.schemas import AssetOut, SiteOut
from dispatch.enums import JobKind, JobStatus, PhotoStatus, Priority, TechnicianFlag, TimeKind
from dispatch.scheduling.schemas import CoverageBrief, CustomerBrief, JobFields
from dispatch.schemas import Money, Text

MAX_QUANTITY = Decimal(10000)
QUANTITY_STEP = Decimal("0.001")


class Quantity(fields.Field):
    """A positive decimal quantity with at most three decimals, read from a string or a JSON number."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValidationError(_("Give a number, like \"1.5\"."))
        try:
            # str() of a float is its shortest repr: 0.1 stays 0.1, not 0.1000000000000000055...
            quantity = Decimal(str(value).strip())
        except InvalidOperation as error:
            raise ValidationError(_("Give a number, like \"1.5\".")) from error
        if not quantity.is_finite():
            raise ValidationError(_("Give a number, like \"1.5\"."))
        if quantity <= 0:
            raise ValidationError(_("Must be more than 0."))
        if quantity > MAX_QUANTITY:
            raise ValidationError(_("At most %(max)s.", max=MAX_QUANTITY))
        if quantity != quantity.quantize(QUANTITY_STEP):
            raise ValidationError(_("At most three decimals."))
        return quantity.quantize(QUANTITY_STEP)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)


class FileUpload(Upload):
    """An uploaded file (a form field with the same name but no file is refused)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> FileStorage:
        if not isinstance(value, FileStorage):
            raise ValidationError(_("Send the image as a file."))
        return value


class DayOrTime(fields.Field):
    """A window bound: an ISO date (its midnight in the company's time zone) or an aware ISO datetime."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date | datetime:
        message = _("Give a date (2026-11-23) or a date and time with offset (2026-11-23T08:00:00+01:00).")
        if not isinstance(value, str):
            raise ValidationError(message)
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            moment = datetime.fromisoformat(value)
        except ValueError as error:
            raise ValidationError(message) from error
        if moment.tzinfo is None:
            raise ValidationError(message)
        return moment


# ---- requests -------------------------------------------------------------------------------------

class WindowArgs(Schema):
    start = DayOrTime(data_key="from", metadata={"description": "default: today 00:00 in the company's zone"})
    end = DayOrTime(data_key="to", metadata={"description": "default: seven days after `from`"})


class StatusIn(Schema):
    status = fields.Enum(JobStatus, by_value=True, required=True,
                         validate=validate.OneOf([JobStatus.EN_ROUTE, JobStatus.ON_SITE]))
    at = fields.AwareDateTime(metadata={"description": "when it happened; default now"})


class TimeEntryIn(Schema):
    kind = fields.Enum(TimeKind, by_value=True, required=True)
    started_at = fields.AwareDateTime(required=True)
    ended_at = fields.AwareDateTime(required=True)
    note = Text(2000, allow_none=True)


class PartIn(Schema):
    product_id = fields.Integer(strict=True)
    sku = Text(60)
    quantity = Quantity(required=True, metadata={"type": "string", "example": "1.5"})

    @validates_schema
    def _exactly_one_product(self, data: dict, **kwargs: Any) -> None:
        if ("product_id" in data) == ("sku" in data):
            raise ValidationError(_("Give either product_id or sku, not both and not neither."), "product_id")


class PhotoIn(Schema):
    """A multipart upload: the image file and its form fields (read together, see ``api.FieldParser``)."""

    file = FileUpload(required=True, metadata={"description": "JPEG, PNG or WebP; at most 20 MB and 60 MP"})
    caption = Text(500)
    taken_at = fields.AwareDateTime()


class StrokePoint(Schema):
    class Meta:
        unknown = EXCLUDE  # signature pads add pressure, colour and the like; we keep x, y, t

    x = fields.Float(required=True, allow_nan=False, validate=validate.Range(-100000, 100000))
    y = fields.Float(required=True, allow_nan=False, validate=validate.Range(-100000, 100000))
    t = fields.Float(allow_nan=False, metadata={"description": "milliseconds (any epoch)"})


class SignatureIn(Schema):
    signer_name = Text(120, required=True)
    image = fields.String(required=True, validate=validate.Length(max=1_500_000),
                          metadata={"description": "data:image/png;base64,..."})
    strokes = fields.List(fields.List(fields.Nested(StrokePoint), validate=validate.Length(max=5000)),
                          validate=validate.Length(max=500), allow_none=True)
    signed_at = fields.AwareDateTime(metadata={"description": "when the customer signed; default now"})


class NoteIn(Schema):
    text = Text(4000, required=True)
    written_at = fields.AwareDateTime(metadata={"description": "when the technician wrote it; default now"})


class ChecklistTickIn(Schema):
    done = fields.Boolean(required=True)
    at = fields.AwareDateTime(metadata={"description": "when it was ticked; default now"})


class CompleteIn(Schema):
    summary = Text(5000, required=True)
    flags = fields.List(fields.Enum(TechnicianFlag, by_value=True), validate=validate.Length(max=3),
                        load_default=list)
    at = fields.AwareDateTime(metadata={"description": "when the work was finished; default now"})


# ---- responses ------------------------------------------------------------------------------------

class ChecklistOut(Schema):
    job_id = fields.Integer()
    checklist = fields.List(fields.Dict(), metadata={"description": "[{text, done, done_at}]"})


class TimeEntryOut(Schema):
    id = fields.Integer()
    job_id = fields.Integer()
    technician_id = fields.Integer()
    kind = fields.Enum(TimeKind, by_value=True)
    started_at = fields.AwareDateTime()
    ended_at = fields.AwareDateTime()
    minutes = fields.Integer()
    note = fields.String()


class PartOut(Schema):
    id = fields.Integer()
    job_id = fields.Integer()
    product_id = fields.Integer()
    sku = fields.String(attribute="product.sku")
    name = fields.String(attribute="product.name")
    unit = fields.String(attribute="product.unit")
    unit_price = Money(attribute="product.unit_price")
    quantity = Quantity()


class PhotoOut(Schema):
    id = fields.Integer()
    job_id = fields.Integer()
    status = fields.Enum(PhotoStatus, by_value=True)
    width = fields.Integer()
    height = fields.Integer()
    caption = fields.String()
    taken_at = fields.AwareDateTime()
    url = fields.Function(lambda photo: url_for("api_field.photo_file", photo_id=photo.id))
    thumbnail_url = fields.Function(lambda photo: url_for("api_field.photo_thumbnail", photo_id=photo.id))


class AuthorOut(Schema):
    id = fields.Integer()
    name = fields.String()


class NoteOut(Schema):
    id = fields.Integer()
    job_id = fields.Integer()
    text = fields.String()
    written_at = fields.AwareDateTime()
    created_at = fields.AwareDateTime()
    author = fields.Nested(AuthorOut)


class SignatureOut(Schema):
    id = fields.Integer()
    job_id = fields.Integer()
    signer_name = fields.String()
    signed_at = fields.AwareDateTime()
    signed_content_hash = fields.String()


class VisitOut(Schema):
    job_id = fields.Integer(attribute="id")
    number = fields.String()
    kind = fields.Enum(JobKind, by_value=True)
    status = fields.Enum(JobStatus, by_value=True)
    date = fields.AwareDateTime(attribute="completed_at")
    summary = fields.String()
    technician_name = fields.Function(lambda job: job.technician.name if job.technician else None)


class FieldAssetOut(AssetOut):
    warranty_status = fields.String(metadata={"description": "in_warranty, partial, expired or unknown"})
    parts_warranty = fields.String(metadata={"description": "active, expired or unknown"})
    labour_warranty = fields.String(metadata={"description": "active, expired or unknown"})


class FieldSiteOut(SiteOut):
    address = fields.String(attribute="address_line")


class TicketBrief(Schema):
    id = fields.Integer()
    reference = fields.String()
    subject = fields.String()
    description = fields.String()
    priority = fields.Enum(Priority, by_value=True)


class AgendaJobOut(JobFields):
    """One job of the technician's agenda (an ``agenda.AgendaItem``) with everything needed on site (and
    offline): the job's own fields, read from ``item.job``, and its context, read from the item."""

    status_changed_at = fields.AwareDateTime(attribute="job.status_changed_at")
    customer = fields.Nested(CustomerBrief, attribute="job.site.customer")
    site = fields.Nested(FieldSiteOut, attribute="job.site")
    asset = fields.Nested(FieldAssetOut, allow_none=True)
    ticket = fields.Nested(TicketBrief, attribute="job.ticket")
    earlier_visits = fields.List(fields.Nested(VisitOut))
    photos = fields.List(fields.Nested(PhotoOut))
    time_entries = fields.List(fields.Nested(TimeEntryOut))
    parts = fields.List(fields.Nested(PartOut))
    notes = fields.List(fields.Nested(NoteOut))
    signed = fields.Function(lambda item: item.signature is not None)
    signature = fields.Nested(SignatureOut, allow_none=True)
    coverage = fields.Nested(CoverageBrief, allow_none=True)

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        """Marshmallow's hook: a field inherited from JobFields reads the item's job."""
        return super().get_attribute(obj.job if attr in JobFields._declared_fields else obj, attr, default)


class AgendaOut(Schema):
    start = fields.AwareDateTime(data_key="from")
    end = fields.AwareDateTime(data_key="to")
    items = fields.List(fields.Nested(AgendaJobOut))
