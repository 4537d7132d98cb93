"""Phone intake pages: find the caller as the agent types, or create them, and log the ticket."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from dispatch.auth.access import roles_required
from dispatch.customers import services as customers
from dispatch.customers.forms import AssetFields
from dispatch.customers.views import SEARCH_LIMIT
from dispatch.desk.assignment.services import active_queues
from dispatch.desk.custom_fields.services import PREFIX as CUSTOM_ERROR
from dispatch.desk.custom_fields.services import fields as custom_fields
from dispatch.desk.intake import services
from dispatch.desk.intake.forms import CUSTOM_PREFIX, NewTicketForm
from dispatch.desk.models import CustomField
from dispatch.enums import Role
from dispatch.errors import Invalid
from dispatch.forms import options
from dispatch.search_text import typed
from dispatch.web import form_failed

bp = Blueprint("intake", __name__)

DESK = (Role.AGENT, Role.ADMIN)
# The asset service's field errors belong to the intake form's asset part; the ticket's map as named.
INTAKE_FIELDS = {name: f"asset.{name}" for name in AssetFields.REQUIRED + (
    "parts_warranty_until", "labour_warranty_until", "warranty_months")}


@bp.route("/tickets/new", methods=["GET", "POST"])
@roles_required(*DESK)
def new_ticket():  # noqa: ANN201
    """Phone intake: find or create the caller, optionally an asset, then the ticket."""
    form = NewTicketForm()
    fields = custom_fields(active_only=True)
    if request.method == "GET":
        form.customer_id.data = request.args.get("customer_id", type=int)
    chosen = _chosen(form.caller.data, form.customer_id.data)
    _offer_choices(form, chosen.customer.id if chosen else None)
    custom_errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        if form.customer_mode.data == "existing" and chosen is None and form.customer_id.data is None:
            form.customer_id.errors = [_("No such customer.")]  # a caller key naming nobody
            return _intake_page(form, chosen, fields, custom_errors), 422
        try:
            ticket = services.log_call(form.call_data(
                chosen.customer.id if chosen else form.customer_id.data,
                chosen.contact.id if chosen and chosen.contact else None,
                _custom_input(fields)), current_user.id)
        except Invalid as error:
            custom_errors = _split_custom_errors(error)
            form_failed(form, error, INTAKE_FIELDS)
        else:
            flash(_("Ticket %(reference)s created.", reference=ticket.reference), "success")
            return redirect(url_for("desk.ticket", ticket_id=ticket.id), 303)
    return _intake_page(form, chosen, fields, custom_errors), 422 if form.errors else 200


def _chosen(key: str | None, customer_id: int | None) -> services.Caller | None:
    """The caller picked from the search (``customer:ID`` / ``contact:ID``) or passed as a customer id."""
    if key:
        return services.caller(key)
    customer = customers.find_customer(customer_id)
    return services.Caller(customer) if customer else None


def _custom_input(fields: list[CustomField]) -> dict[str, Any]:
    """The custom fields the agent filled in (an unticked checkbox or empty input sends nothing)."""
    given = {field.key: (request.form.get(CUSTOM_PREFIX + field.key) or "").strip() for field in fields}
    return {key: value for key, value in given.items() if value}


def _split_custom_errors(error: Invalid) -> dict[str, list[str]]:
    """Take the custom fields' messages out of ``error`` (shown at their inputs), keyed by field key."""
    custom = {name[len(CUSTOM_ERROR):]: messages for name, messages in error.errors.items()
              if name.startswith(CUSTOM_ERROR)}
    error.errors = {name: messages for name, messages in error.errors.items() if not name.startswith(CUSTOM_ERROR)}
    return custom


def _offer_choices(form: NewTicketForm, customer_id: int | None) -> None:
    """Offer the chosen customer's assets and the active queues."""
    form.asset_id.choices = options([("", _("No asset / not known"))] + [
        (asset.id, asset.label) for asset in customers.assets_of(customer_id)])
    form.queue_id.choices = options([("", _("No queue"))] + [(queue.id, queue.name) for queue in active_queues()])


def _intake_page(form: NewTicketForm, chosen: services.Caller | None, fields: list[CustomField],
                 custom_errors: dict[str, list[str]]) -> str:
    text = typed(request.args.get("q"))
    found = services.find_callers(text, SEARCH_LIMIT)
    if chosen is not None and chosen.key not in {hit.key for hit in found}:
        found.insert(0, chosen)
    custom = {field.key: request.form.get(CUSTOM_PREFIX + field.key, "") for field in fields}
    return render_template("desk/intake/new_ticket.html", form=form, found=found, q=text,
                           selected=chosen.key if chosen else None, custom_fields=fields, custom=custom,
                           custom_errors=custom_errors, custom_prefix=CUSTOM_PREFIX)


@bp.get("/tickets/new/customers")
@roles_required(*DESK)
def customer_choices():  # noqa: ANN201
    """The customers and contact persons matching the intake search, as the agent types (an htmx fragment)."""
    text = typed(request.args.get("q"))
    return render_template("desk/intake/_customer_choices.html", found=services.find_callers(text, SEARCH_LIMIT),
                           q=text, selected=None)


@bp.get("/tickets/new/assets")
@roles_required(*DESK)
def asset_choices():  # noqa: ANN201
    """The asset select for the chosen caller's customer (an htmx fragment)."""
    form = NewTicketForm(formdata=None)
    chosen = _chosen(request.args.get("caller"), request.args.get("customer_id", type=int))
    _offer_choices(form, chosen.customer.id if chosen else None)
    return render_template("desk/intake/_asset_choice.html", form=form)
