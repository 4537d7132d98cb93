"""Back-office pages of customers: search, the customer's whole picture, adding an asset."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from dispatch.auth.access import roles_required
from dispatch.customers import services
from dispatch.customers.forms import AssetForm, PreferredTechnicianForm
from dispatch.customers.models import Customer
from dispatch.enums import Role
from dispatch.errors import Invalid
from dispatch.forms import options
from dispatch.search_text import typed
from dispatch.web import form_failed

bp = Blueprint("customers", __name__)

PAGE_SIZE = 25
SEARCH_LIMIT = 10


@bp.get("/customers")
@roles_required(Role.AGENT, Role.ADMIN, Role.BILLING)
def customers():  # noqa: ANN201
    """Customers by name, searchable, a page at a time."""
    text = typed(request.args.get("q"))
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows = services.find_customers(text, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render_template("customers/list.html", customers=rows[:PAGE_SIZE], q=text, page=page,
                           has_next=len(rows) > PAGE_SIZE)


@bp.get("/customers/<int:customer_id>")
@roles_required(Role.AGENT, Role.ADMIN, Role.BILLING)
def customer(customer_id: int):  # noqa: ANN201
    """A customer with sites, assets, contracts, tickets, jobs and invoices."""
    return detail_page(services.get_customer(customer_id))


@bp.post("/customers/<int:customer_id>/assets")
@roles_required(Role.AGENT, Role.ADMIN)
def add_asset(customer_id: int):  # noqa: ANN201
    """Register an installed product of the customer."""
    customer = services.get_customer(customer_id)
    form = AssetForm()
    if form.validate_on_submit():
        try:
            asset = services.add_asset(customer, form.asset.form.service_data(), current_user.id)
        except Invalid as error:
            form_failed(form, error, {name: f"asset.{name}" for name in form.asset.form._fields})
        else:
            flash(_("Asset %(product)s (%(serial)s) added.", product=asset.product,
                    serial=asset.serial_number), "success")
            return redirect(url_for("customers.customer", customer_id=customer.id, _anchor="assets"), 303)
    return detail_page(customer, asset_form=form), 422


@bp.post("/customers/<int:customer_id>/preferred-technician")
@roles_required(Role.AGENT, Role.ADMIN)
def set_preferred_technician(customer_id: int):  # noqa: ANN201
    """Set or clear the technician the customer likes to see."""
    customer = services.get_customer(customer_id)
    form = _preferred_form(customer, request.form)
    if form.validate_on_submit():
        try:
            services.set_preferred_technician(customer, form.technician_id.data, current_user.id)
        except Invalid as error:
            form_failed(form, error, {"preferred_technician_id": "technician_id"})
        else:
            flash(_("Preferred technician saved."), "success")
            return redirect(url_for("customers.customer", customer_id=customer.id, _anchor="preferred"), 303)
    return detail_page(customer, preferred_form=form), 422


def detail_page(customer: Customer, asset_form: AssetForm | None = None,
                preferred_form: PreferredTechnicianForm | None = None) -> str:
    """The customer page with its forms: a refused one as given (with its errors), the others empty."""
    return render_template("customers/detail.html", **services.customer_overview(customer),
                           form=asset_form if asset_form is not None else AssetForm(formdata=None),
                           preferred_form=preferred_form if preferred_form is not None else _preferred_form(customer))


def _preferred_form(customer: Customer, formdata: Any = None) -> PreferredTechnicianForm:
    """The preferred-technician select, with the active technicians and the current choice."""
    from dispatch.scheduling.services import technicians  # scheduling depends on customers, not the reverse

    form = PreferredTechnicianForm(formdata=formdata)
    form.technician_id.choices = options([("", _("No preference"))] + [(t.id, t.name) for t in technicians()])
    if formdata is None:
        form.technician_id.data = customer.preferred_technician_id
    return form
