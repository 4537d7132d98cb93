"""Back-office pages of the desk: the ticket lists, and the ticket page where agents work a ticket
(phone intake: desk/intake)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from dispatch.auth.access import roles_required
from dispatch.customers import services as customers
from dispatch.customers.models import Asset
from dispatch.desk import changes, lists, search, services, sidebar, timeline
from dispatch.desk.assignment import services as assignment
from dispatch.desk.canned import services as canned
from dispatch.desk.custom_fields import services as custom_fields
from dispatch.desk.forms import (
    VIEW_LABELS,
    MergeForm,
    NoteForm,
    StatusForm,
    TicketEditForm,
    TicketFilterForm,
    options,
    status_label,
)
from dispatch.desk.models import Ticket
from dispatch.desk.panels import panels
from dispatch.desk.sla import services as sla
from dispatch.enums import MessageKind, Role
from dispatch.errors import DomainError, Invalid
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.forms import JobForm
from dispatch.web import form_failed

bp = Blueprint("desk", __name__)

PAGE_SIZE = 25
DESK = (Role.AGENT, Role.ADMIN)
CUSTOM_PREFIX = "cf-"


@bp.get("/tickets")
@roles_required(*DESK)
def tickets():  # noqa: ANN201
    """A view of the tickets (mine, unassigned, due soon ...), filtered, most urgent or newest first."""
    form = TicketFilterForm(request.args)
    queues = assignment.active_queues()
    _offer_filters(form, queues)
    reference = search.reference_in(request.args.get("q", ""))
    if reference and not request.args.get("cursor"):
        found = services.ticket_by_reference(reference)
        if found is not None:
            return redirect(url_for("desk.ticket", ticket_id=found.id), 303)
    filters = lists.TicketFilters.of(form.data) if form.validate() else lists.TicketFilters(view=form.view.data)
    status = 200
    try:
        page = lists.ticket_page(filters, current_user.id, request.args.get("cursor"), PAGE_SIZE)
    except Invalid as error:
        form_failed(form, error)
        page, status = lists.Page([], None), 422
    next_args = {key: value for key, value in request.args.items() if key != "cursor" and value}
    return render_template(
        "desk/tickets.html", form=form, page=page, lights=sla.lights(page.items), next_args=next_args,
        first_page=not request.args.get("cursor"), view=filters.view, views=VIEW_LABELS, queues=queues,
        counts=lists.view_counts(current_user.id), filters=filters), status


def _offer_filters(form: TicketFilterForm, queues: list) -> None:
    form.status.choices = options([("", _("Any status"))] + [
        (status.key, status_label(status)) for status in services.statuses()])
    form.queue_id.choices = options([("", _("Any queue"))] + [(queue.id, queue.name) for queue in queues])
    form.owner_id.choices = options([("", _("Anyone"))] + [
        (agent.id, agent.name) for agent in assignment.desk_users()])


@bp.get("/tickets/<int:ticket_id>")
@roles_required(*DESK)
def ticket(ticket_id: int):  # noqa: ANN201
    """A ticket: its fields, status, timeline, jobs, the panels of owner, reply and similar tickets, and the
    customer sidebar. ``?canned=<id>`` fills the reply with a canned response (the picker without script)."""
    ticket = services.get_ticket(ticket_id)
    return _ticket_page(ticket)


@bp.post("/tickets/<int:ticket_id>/edit")
@roles_required(*DESK)
def edit_ticket(ticket_id: int):  # noqa: ANN201
    """Save the ticket's subject, category, priority, asset and custom fields."""
    ticket = services.get_ticket(ticket_id)
    form = _edit_form(ticket)
    values = _custom_values()
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("subject", "category", "subcategory", "priority", "asset_id")}
        return _saved(lambda: changes.update_ticket(ticket, data | {"custom_fields": values}, current_user.id),
                      ticket, _("Ticket saved."), form, edit=form, custom=values)
    return _ticket_page(ticket, edit=form, custom=values, status=422)


@bp.post("/tickets/<int:ticket_id>/status")
@roles_required(*DESK)
def change_status(ticket_id: int):  # noqa: ANN201
    """Move the ticket to another status."""
    ticket = services.get_ticket(ticket_id)
    form = _status_form(ticket)
    if form.validate_on_submit():
        return _saved(lambda: services.change_status(ticket, form.status.data, current_user.id), ticket,
                      _("Status changed."), form, status_form=form)
    return _ticket_page(ticket, status_form=form, status=422)


@bp.post("/tickets/<int:ticket_id>/notes")
@roles_required(*DESK)
def add_note(ticket_id: int):  # noqa: ANN201
    """Add an internal note (never shown or sent to the customer)."""
    ticket = services.get_ticket(ticket_id)
    form = NoteForm()
    if form.validate_on_submit():
        return _saved(lambda: services.add_message(ticket, MessageKind.NOTE, form.body.data,
                                                   author_id=current_user.id), ticket, _("Note added."), form,
                      note=form)
    return _ticket_page(ticket, note=form, status=422)


@bp.post("/tickets/<int:ticket_id>/merge")
@roles_required(*DESK)
def merge(ticket_id: int):  # noqa: ANN201
    """Merge this ticket into another of the same customer, named by its reference."""
    ticket = services.get_ticket(ticket_id)
    form = MergeForm()
    status = 422
    if form.validate_on_submit():
        target = services.ticket_by_reference((form.target.data or "").strip().upper())
        if target is None:
            form.target.errors = [*form.target.errors, _("No ticket has this reference.")]
        else:
            try:
                changes.merge_tickets(ticket, target, current_user.id)
            except DomainError as error:
                form_failed(form, error, {"target_id": "target"})
                status = error.status
            else:
                flash(_("Ticket merged into %(reference)s.", reference=target.reference), "success")
                return redirect(url_for("desk.ticket", ticket_id=target.id), 303)
    return _ticket_page(ticket, merge_form=form, status=status)


@bp.get("/tickets/<int:ticket_id>/canned/<int:response_id>")
@roles_required(*DESK)
def canned_text(ticket_id: int, response_id: int):  # noqa: ANN201
    """A canned response filled in for the ticket, as JSON (the reply form's picker script asks)."""
    ticket = services.get_ticket(ticket_id)
    response = canned.get_response(response_id)
    return jsonify({"id": response.id, "title": response.title,
                    "text": canned.filled(response, ticket, current_user)})


@bp.post("/tickets/<int:ticket_id>/jobs")
@roles_required(*DESK)
def create_job(ticket_id: int):  # noqa: ANN201
    """Create an unscheduled job for the ticket and go to its scheduling page."""
    ticket = services.get_ticket(ticket_id)
    form = _job_form(ticket)
    if form.validate_on_submit():
        try:
            job = scheduling.create_job(ticket, form.service_data(), current_user.id)
        except Invalid as error:
            form_failed(form, error)
        else:
            flash(_("Job %(number)s created. Schedule a technician below.", number=job.number), "success")
            return redirect(url_for("scheduling.job", job_id=job.id), 303)
    return _ticket_page(ticket, job_form=form, status=422)


def _saved(change: Any, ticket: Ticket, message: str, form: FlaskForm, **forms: Any) -> Any:
    """Run a change; back to the page when it went through, the page with the form's errors otherwise."""
    try:
        change()
    except DomainError as error:
        custom_errors = {key.removeprefix(custom_fields.PREFIX): messages for key, messages in error.errors.items()
                         if key.startswith(custom_fields.PREFIX)}
        form_failed(form, error, {custom_fields.PREFIX + key: CUSTOM_PREFIX + key for key in custom_errors})
        return _ticket_page(ticket, custom_errors=custom_errors, status=error.status, **forms)
    flash(message, "success")
    return redirect(url_for("desk.ticket", ticket_id=ticket.id), 303)


def _custom_values() -> dict[str, Any]:
    """The custom fields as posted (``cf-<key>``); an unticked checkbox posts nothing, which means no."""
    values = {}
    for field in custom_fields.fields(active_only=True):
        raw = request.form.get(CUSTOM_PREFIX + field.key)
        values[field.key] = (raw is not None) if field.field_type == "checkbox" else raw
    return values


def _asset_choices(assets: list[Asset]) -> list:
    return options([("", _("No asset"))] + [(asset.id, asset.label) for asset in assets])


def _edit_form(ticket: Ticket, assets: list[Asset] | None = None) -> TicketEditForm:
    form = TicketEditForm(obj=ticket if request.method == "GET" else None)
    if request.method == "GET":
        form.priority.data = ticket.priority.value
    form.asset_id.choices = _asset_choices(assets if assets is not None else _assets(ticket))
    return form


def _assets(ticket: Ticket) -> list[Asset]:
    return customers.assets_of(ticket.customer_id)


def _status_form(ticket: Ticket) -> StatusForm:
    form = StatusForm(data={"status": ticket.status.key} if request.method == "GET" else None)
    form.status.choices = options((status.key, status_label(status)) for status in services.statuses())
    return form


def _job_form(ticket: Ticket, assets: list[Asset] | None = None) -> JobForm:
    form = JobForm()
    form.asset_id.choices = _asset_choices(assets if assets is not None else _assets(ticket))
    if request.method == "GET":
        form.asset_id.data = ticket.asset_id
    return form


def _ticket_page(ticket: Ticket, *, status: int = 200, custom: dict | None = None,
                 custom_errors: dict | None = None, **forms: Any) -> tuple[str, int]:
    """The ticket page; forms not given are fresh, ``custom`` are custom field values as last posted."""
    overview = sidebar.customer_sidebar(ticket)
    forms.setdefault("edit", _edit_form(ticket, overview["assets"]))
    forms.setdefault("status_form", _status_form(ticket))
    forms.setdefault("note", NoteForm(formdata=None))
    forms.setdefault("merge_form", MergeForm(formdata=None))
    forms.setdefault("job_form", _job_form(ticket, overview["assets"]))
    language = ticket.customer.language
    picker = {"responses": canned.responses_for(ticket, language), "chosen": None, "text": None}
    chosen = request.args.get("canned", type=int) if request.method == "GET" else None
    if chosen is not None:
        response = next((item for item in picker["responses"] if item.id == chosen), None)
        if response is not None:
            picker |= {"chosen": response.id, "text": canned.filled(response, ticket, current_user)}
    merged_into = services.get_ticket(ticket.merged_into_id) if ticket.merged_into_id else None
    return render_template(
        "desk/ticket.html", ticket=ticket, light=sla.light(ticket), entries=timeline.timeline(ticket),
        jobs=scheduling.jobs_of_ticket(ticket.id), overview=overview, panels=panels(ticket), canned=picker,
        custom_fields=custom_fields.fields(active_only=True), custom=custom if custom is not None
        else (ticket.custom_fields or {}), custom_errors=custom_errors or {}, merged_into=merged_into,
        form=forms["job_form"], **forms), status
