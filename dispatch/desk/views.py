"""Back-office pages of the desk: the ticket list, phone intake, the ticket with its jobs."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from dispatch.auth.access import roles_required
from dispatch.customers import services as customers
from dispatch.customers.models import Asset
from dispatch.customers.views import SEARCH_LIMIT
from dispatch.desk import services
from dispatch.desk.forms import (
    STATUS_LABELS,
    AssetFields,
    CustomerFields,
    NewTicketForm,
    TicketFilterForm,
    options,
)
from dispatch.desk.models import Ticket
from dispatch.enums import Role
from dispatch.errors import Invalid, NotFound
from dispatch.pagination import paginate
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.forms import JobForm
from dispatch.web import form_failed

bp = Blueprint("desk", __name__)

PAGE_SIZE = 25
DESK = (Role.AGENT, Role.ADMIN)
# The asset service's field errors belong to the intake form's asset part; the ticket's map as named.
INTAKE_FIELDS = {name: f"asset.{name}" for name in AssetFields.REQUIRED + (
    "parts_warranty_until", "labour_warranty_until", "warranty_months")}


@bp.get("/tickets")
@roles_required(*DESK)
def tickets():  # noqa: ANN201
    """Tickets newest first, filtered by status, priority and text, with their traffic light."""
    form = TicketFilterForm(request.args)
    statuses = services.statuses()
    form.status.choices = options([("", _("Any status"))] + [
        (status.key, STATUS_LABELS.get(status.key, status.name)) for status in statuses])
    filters = form.data if form.validate() else {}
    statement = services.ticket_query(filters).options(selectinload(Ticket.customer))
    page = paginate(statement, sort=Ticket.created_at, tiebreak=Ticket.id, cursor=request.args.get("cursor"),
                    limit=PAGE_SIZE)
    lights = {ticket.id: services.traffic_light(ticket) for ticket in page.items}
    next_args = {key: value for key, value in request.args.items() if key != "cursor" and value}
    return render_template("desk/tickets.html", form=form, page=page, lights=lights, next_args=next_args,
                           first_page=not request.args.get("cursor"))


@bp.route("/tickets/new", methods=["GET", "POST"])
@roles_required(*DESK)
def new_ticket():  # noqa: ANN201
    """Phone intake: find or create the customer, optionally an asset, then the ticket."""
    form = NewTicketForm()
    if request.method == "GET":
        form.customer_id.data = request.args.get("customer_id", type=int)
    _offer_assets(form)
    if form.validate_on_submit():
        try:
            ticket = _log_ticket(form)
        except Invalid as error:
            form_failed(form, error, INTAKE_FIELDS)
        else:
            flash(_("Ticket %(reference)s created.", reference=ticket.reference), "success")
            return redirect(url_for("desk.ticket", ticket_id=ticket.id), 303)
    return _intake_page(form), 422 if form.errors else 200


def _log_ticket(form: NewTicketForm) -> Ticket:
    if form.customer_mode.data == "new":
        customer = customers.create_customer(form.customer.form.service_data(), current_user.id)
    else:
        try:
            customer = customers.get_customer(form.customer_id.data)
        except NotFound as error:
            raise Invalid(error.detail, errors={"customer_id": [_("No such customer.")]}) from error
    asset_id = form.asset_id.data if form.customer_mode.data == "existing" else None
    if form.asset.form.is_filled():
        asset_id = customers.add_asset(customer, form.asset.form.service_data(), current_user.id).id
    return services.create_ticket(form.ticket_data(customer.id, asset_id), current_user.id)


def _offer_assets(form: NewTicketForm) -> None:
    """Offer the chosen existing customer's assets."""
    form.asset_id.choices = options([("", _("No asset / not known"))] + [
        (asset.id, _asset_label(asset)) for asset in customers.assets_of(form.customer_id.data)])


def _asset_label(asset: Asset) -> str:
    return f"{asset.product} · {asset.serial_number}"


def _intake_page(form: NewTicketForm) -> str:
    text = (request.args.get("q") or "").strip()[:200]
    found = customers.find_customers(text, SEARCH_LIMIT) if text else []
    chosen = customers.find_customer(form.customer_id.data)
    if chosen is not None and chosen not in found:
        found.insert(0, chosen)
    return render_template("desk/new_ticket.html", form=form, found=found, q=text,
                           new_customer=CustomerFields, selected_id=form.customer_id.data)


@bp.get("/tickets/new/customers")
@roles_required(*DESK)
def customer_choices():  # noqa: ANN201
    """The customers matching the intake search (an htmx fragment)."""
    text = (request.args.get("q") or "").strip()[:200]
    found = customers.find_customers(text, SEARCH_LIMIT) if text else []
    return render_template("desk/_customer_choices.html", found=found, q=text, selected_id=None)


@bp.get("/tickets/new/assets")
@roles_required(*DESK)
def asset_choices():  # noqa: ANN201
    """The asset select for the chosen customer (an htmx fragment)."""
    form = NewTicketForm(formdata=None)
    form.customer_id.data = request.args.get("customer_id", type=int)
    _offer_assets(form)
    return render_template("desk/_asset_choice.html", form=form)


@bp.get("/tickets/<int:ticket_id>")
@roles_required(*DESK)
def ticket(ticket_id: int):  # noqa: ANN201
    """A ticket with its messages and jobs, the customer sidebar and the job form."""
    ticket = services.get_ticket(ticket_id)
    summary = customers.customer_summary(ticket.customer)
    return _ticket_page(ticket, _job_form(ticket, summary["assets"]), summary)


@bp.post("/tickets/<int:ticket_id>/jobs")
@roles_required(*DESK)
def create_job(ticket_id: int):  # noqa: ANN201
    """Create an unscheduled job for the ticket and go to its scheduling page."""
    ticket = services.get_ticket(ticket_id)
    summary = customers.customer_summary(ticket.customer)
    form = _job_form(ticket, summary["assets"])
    if form.validate_on_submit():
        try:
            job = scheduling.create_job(ticket, form.service_data(), current_user.id)
        except Invalid as error:
            form_failed(form, error)
        else:
            flash(_("Job %(number)s created. Schedule a technician below.", number=job.number), "success")
            return redirect(url_for("scheduling.job", job_id=job.id), 303)
    return _ticket_page(ticket, form, summary), 422


def _job_form(ticket: Ticket, assets: list[Asset]) -> JobForm:
    form = JobForm()
    form.asset_id.choices = options([("", _("No asset"))] + [(asset.id, _asset_label(asset)) for asset in assets])
    if request.method == "GET":
        form.asset_id.data = ticket.asset_id
    return form


def _ticket_page(ticket: Ticket, form: JobForm, summary: dict) -> str:
    """The ticket page; ``summary`` (customers.customer_summary) fills the customer sidebar."""
    jobs = scheduling.jobs_of_ticket(ticket.id)
    return render_template("desk/ticket.html", ticket=ticket, light=services.traffic_light(ticket),
                           messages=services.messages_of(ticket), jobs=jobs, form=form, overview=summary)
