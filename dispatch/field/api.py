"""/api/v1 endpoints of the technician on their own jobs: agenda, status, hours, parts, notes, photos, checklist,
signature.

A technician reaches only jobs assigned to them (any other job is 404; one reassigned away is 409).
Every POST takes an ``Idempotency-Key`` (handled centrally): a repeat replays the stored answer. The
checklist's PUT needs none: it sets an item's state, so a repeat finds it set and changes nothing.
"""

from __future__ import annotations

from flask import send_file
from flask_login import current_user
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from dispatch.auth.access import roles_required
from dispatch.enums import Role
from dispatch.field import agenda, checklist, notes, photos, services
from dispatch.field.schemas import (
    AgendaOut,
    ChecklistOut,
    ChecklistTickIn,
    CompleteIn,
    NoteIn,
    NoteOut,
    PartIn,
    PartOut,
    PhotoIn,
    PhotoOut,
    SignatureIn,
    SignatureOut,
    StatusIn,
    TimeEntryIn,
    TimeEntryOut,
    WindowArgs,
)
from dispatch.scheduling.schemas import JobOut


class FieldParser(FlaskParser):
    """Reads a multipart body's files and form fields together, so that one schema validates and
    documents an upload (webargs would otherwise need one schema per location, and OpenAPI shows one)."""

    # Like a form (and unlike webargs' default for files), unknown fields are refused.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "files": None}

    def load_files(self, req, schema):  # noqa: ANN001, ANN201 - webargs' signature
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


blp = Blueprint("api_field", __name__, url_prefix="/api/v1", description="Technician's field work")
blp.ARGUMENTS_PARSER = FieldParser()

PHOTO_VIEWERS = (Role.TECHNICIAN, Role.AGENT, Role.ADMIN, Role.BILLING)
# A cleaned photo never changes under its id, but it is not public: private caching only.
PHOTO_MAX_AGE = 7 * 24 * 3600


@blp.route("/me/jobs", methods=["GET"])
@roles_required(Role.TECHNICIAN)
@blp.arguments(WindowArgs, location="query")
@blp.response(200, AgendaOut)
def my_jobs(args: dict):
    """My jobs scheduled in a window (default: today and the next seven days), with all on-site context."""
    return agenda.agenda(current_user.id, args.get("start"), args.get("end"))


@blp.route("/jobs/<int:job_id>/status", methods=["POST"])
@roles_required(Role.TECHNICIAN)
@blp.arguments(StatusIn)
@blp.response(200, JobOut)
def report_status(data: dict, job_id: int):
    """Report en route or on site; repeating the current status changes nothing (200)."""
    job = services.technician_job(current_user, job_id)
    return services.report_status(job, data["status"], current_user.id, data.get("at"))


@blp.route("/jobs/<int:job_id>/time-entries", methods=["POST"])
@roles_required(Role.TECHNICIAN)
@blp.arguments(TimeEntryIn)
@blp.response(201, TimeEntryOut)
def add_time_entry(data: dict, job_id: int):
    """Log work or travel time; an overlap with another of my entries is 409 naming it."""
    job = services.technician_job(current_user, job_id)
    return services.add_time_entry(job, current_user.id, data)


@blp.route("/jobs/<int:job_id>/parts", methods=["POST"])
@roles_required(Role.TECHNICIAN)
@blp.arguments(PartIn)
@blp.response(201, PartOut)
def add_part(data: dict, job_id: int):
    """Record a part used, by product_id or sku; an unknown product is 422."""
    job = services.technician_job(current_user, job_id)
    return services.add_part(job, current_user.id, data)


@blp.route("/jobs/<int:job_id>/notes", methods=["POST"])
@roles_required(Role.TECHNICIAN)
@blp.arguments(NoteIn)
@blp.response(201, NoteOut)
def add_note(data: dict, job_id: int):
    """Keep an internal note on the job (up to 4000 characters); not shown on the customer's receipt."""
    job = services.technician_job(current_user, job_id)
    return notes.add_note(job, current_user.id, data)


@blp.route("/jobs/<int:job_id>/photos", methods=["POST"])
@roles_required(Role.TECHNICIAN)
@blp.arguments(PhotoIn, location="files")
@blp.response(201, PhotoOut)
def add_photo(form: dict, job_id: int):
    """Upload a JPEG, PNG or WebP (at most 20 MB, 60 MP); it is cleaned in the background."""
    job = services.technician_job(current_user, job_id)
    data = photos.read_upload(form["file"].stream)
    return photos.add_photo(job, current_user.id, data, form.get("caption"), form.get("taken_at"))


@blp.route("/photos/<int:photo_id>", methods=["GET"])
@roles_required(*PHOTO_VIEWERS)
@blp.response(200, content_type="image/jpeg")
def photo_file(photo_id: int):
    """The cleaned photo (upright, no metadata); 409 while it is still being processed."""
    return _send(photo_id, thumbnail=False)


@blp.route("/photos/<int:photo_id>/thumbnail", methods=["GET"])
@roles_required(*PHOTO_VIEWERS)
@blp.response(200, content_type="image/jpeg")
def photo_thumbnail(photo_id: int):
    """The photo's thumbnail (long edge 320 px); 409 while it is still being processed."""
    return _send(photo_id, thumbnail=True)


def _send(photo_id: int, thumbnail: bool):  # noqa: ANN202 - a Flask response
    path = photos.cleaned_file(photos.photo_for(current_user, photo_id), thumbnail)
    response = send_file(path, mimetype="image/jpeg", conditional=True, max_age=PHOTO_MAX_AGE)
    response.cache_control.private = True
    response.cache_control.public = False
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blp.route("/jobs/<int:job_id>/signature", methods=["POST"])
@roles_required(Role.TECHNICIAN)
@blp.arguments(SignatureIn)
@blp.response(201, SignatureOut)
def sign(data: dict, job_id: int):
    """The customer's signature (PNG data URL, optional strokes), once, on site."""
    job = services.technician_job(current_user, job_id)
    return services.sign(job, data, current_user.id)


@blp.route("/jobs/<int:job_id>/checklist/<int(signed=True):index>", methods=["PUT"])
@roles_required(Role.TECHNICIAN)
@blp.arguments(ChecklistTickIn)
@blp.response(200, ChecklistOut)
def tick_checklist(data: dict, job_id: int, index: int):
    """Tick a checklist item (by its position, from 0) done or not done; setting it as it is changes nothing."""
    job = services.technician_job(current_user, job_id)
    return {"job_id": job.id, "checklist": checklist.tick(job, index, data["done"], current_user.id, data.get("at"))}


@blp.route("/jobs/<int:job_id>/complete", methods=["POST"])
@roles_required(Role.TECHNICIAN)
@blp.arguments(CompleteIn)
@blp.response(200, JobOut)
def complete(data: dict, job_id: int):
    """Complete a signed job on site with a summary and flags; closure runs in the background."""
    job = services.technician_job(current_user, job_id)
    return services.complete(job, data, current_user.id)
