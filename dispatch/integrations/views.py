"""Back-office pages of webhooks, for admins: endpoints, a new endpoint, the delivery log, redelivery."""

from __future__ import annotations

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from dispatch.auth.access import roles_required
from dispatch.enums import DeliveryStatus, Role
from dispatch.errors import Invalid
from dispatch.forms import blank_to_none, options
from dispatch.integrations import services, webhooks
from dispatch.integrations.models import WebhookDelivery, WebhookEndpoint
from dispatch.pagination import paginate
from dispatch.web import form_failed

bp = Blueprint("integrations", __name__, url_prefix="/admin/webhooks")

PAGE_SIZE = 25
EVENT_LABELS = {webhooks.JOB_CLOSED: _l("Job closed"), webhooks.INVOICE_APPROVED: _l("Invoice approved"),
                webhooks.INVOICE_PAID: _l("Invoice paid")}
# A delivery is pending, done or failed; it is never marked running (models.WebhookDelivery).
STATUS_LABELS = {DeliveryStatus.PENDING: _l("Pending"), DeliveryStatus.DONE: _l("Delivered"),
                 DeliveryStatus.FAILED: _l("Failed")}


class EndpointForm(FlaskForm):
    """An endpoint's URL, events and active flag; the service validates them."""

    url = StringField(_l("URL"), validators=[Length(max=services.MAX_URL_LENGTH)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=200)], filters=[blank_to_none])
    events = SelectMultipleField(_l("Events"), choices=options(EVENT_LABELS.items()),
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                 validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)


class ActionForm(FlaskForm):
    """A button that posts nothing but the CSRF token."""


@bp.get("")
@roles_required(Role.ADMIN)
def endpoints():  # noqa: ANN201
    """Registered endpoints with a form to add one."""
    return _list_page(EndpointForm(formdata=None))


@bp.post("")
@roles_required(Role.ADMIN)
def create():  # noqa: ANN201
    """Register an endpoint and show its secret this once (never flashed: the session cookie is not secret)."""
    form = EndpointForm()
    if form.validate():
        try:
            endpoint, secret = services.create_endpoint(form.data, current_user.id)
        except Invalid as error:
            form_failed(form, error)
        else:
            return _secret_page(endpoint, secret, 201)
    return _list_page(form), 422


@bp.get("/<int:endpoint_id>")
@roles_required(Role.ADMIN)
def endpoint(endpoint_id: int):  # noqa: ANN201
    """An endpoint: its settings and its delivery log."""
    return _endpoint_page(services.get_endpoint(endpoint_id))


@bp.post("/<int:endpoint_id>")
@roles_required(Role.ADMIN)
def update(endpoint_id: int):  # noqa: ANN201
    """Change an endpoint's URL, events, description or active flag."""
    endpoint = services.get_endpoint(endpoint_id)
    form = EndpointForm()
    if form.validate():
        try:
            services.update_endpoint(endpoint, form.data, current_user.id)
        except Invalid as error:
            form_failed(form, error)
        else:
            flash(_("Webhook endpoint saved."), "success")
            return redirect(url_for("integrations.endpoint", endpoint_id=endpoint.id), 303)
    return _endpoint_page(endpoint, form=form), 422


@bp.post("/<int:endpoint_id>/secret")
@roles_required(Role.ADMIN)
def renew_secret(endpoint_id: int):  # noqa: ANN201
    """Give the endpoint a new secret and show it this once."""
    endpoint = services.get_endpoint(endpoint_id)
    return _secret_page(endpoint, services.renew_secret(endpoint, current_user.id), 200)


@bp.post("/deliveries/<int:delivery_id>/redeliver")
@roles_required(Role.ADMIN)
def redeliver(delivery_id: int):  # noqa: ANN201
    """Send a delivery's event again; the new delivery appears at the top of the log."""
    delivery = services.get_delivery(delivery_id)
    try:
        services.redeliver(delivery, current_user.id)
    except Invalid as error:
        flash(error.detail, "error")
        return _endpoint_page(delivery.endpoint), 409
    flash(_("The event is being sent again."), "success")
    return redirect(url_for("integrations.endpoint", endpoint_id=delivery.endpoint_id), 303)


def _secret_page(endpoint: WebhookEndpoint, secret: str, status: int) -> Response:
    response = make_response(_endpoint_page(endpoint, secret=secret), status)
    response.headers["Cache-Control"] = "no-store"  # the secret must not linger in a cache
    return response


def _list_page(form: EndpointForm) -> str:
    page = paginate(services.endpoint_query(), sort=WebhookEndpoint.created_at, tiebreak=WebhookEndpoint.id,
                    cursor=request.args.get("cursor"), limit=PAGE_SIZE)
    return render_template("integrations/endpoints.html", page=page, form=form, event_labels=EVENT_LABELS)


def _endpoint_page(endpoint: WebhookEndpoint, *, secret: str | None = None, form: EndpointForm | None = None) -> str:
    if form is None:
        form = EndpointForm(formdata=None, data={"url": endpoint.url, "description": endpoint.description,
                                                 "events": endpoint.events, "active": endpoint.active})
    status = request.args.get("status") or ""
    status = status if status in STATUS_LABELS else ""
    deliveries = paginate(services.delivery_query(endpoint.id, status or None), sort=WebhookDelivery.created_at,
                          tiebreak=WebhookDelivery.id, cursor=request.args.get("cursor"), limit=PAGE_SIZE)
    return render_template("integrations/endpoint.html", endpoint=endpoint, secret=secret, form=form,
                           deliveries=deliveries, status=status, action_form=ActionForm(formdata=None),
                           event_labels=EVENT_LABELS, status_labels=STATUS_LABELS)
