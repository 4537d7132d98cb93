"""/api/v1/webhooks: endpoints, their delivery log and redelivery, for admins."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.api.idempotency import not_replayable
from dispatch.api.pagination import PageArgs, page_schema
from dispatch.auth.access import roles_required
from dispatch.enums import DeliveryStatus, Role
from dispatch.integrations import services, webhooks
from dispatch.integrations.models import WebhookDelivery, WebhookEndpoint
from dispatch.pagination import paginate
from dispatch.schemas import Text

blp = Blueprint("api_webhooks", __name__, url_prefix="/api/v1", description="Webhooks")

EVENT = fields.String(validate=validate.OneOf(webhooks.EVENTS))


class EndpointIn(Schema):
    url = Text(services.MAX_URL_LENGTH, required=True,
               metadata={"description": "http:// or https:// address that receives the POSTs"})
    events = fields.List(EVENT, required=True, validate=validate.Length(min=1))
    description = Text(200, allow_none=True)
    active = fields.Boolean(load_default=True)


class EndpointPatch(Schema):
    url = Text(services.MAX_URL_LENGTH)
    events = fields.List(EVENT, validate=validate.Length(min=1))
    description = Text(200, allow_none=True)
    active = fields.Boolean()


class EndpointOut(Schema):
    id = fields.Integer()
    url = fields.String()
    description = fields.String(allow_none=True)
    events = fields.List(fields.String())
    active = fields.Boolean()
    created_at = fields.AwareDateTime()
    secret_rotated_at = fields.AwareDateTime(allow_none=True)


class SecretOut(Schema):
    secret = fields.String(metadata={"description": "whsec_...: the signing secret, shown only in this answer"})


class EndpointCreated(EndpointOut, SecretOut):
    pass


class DeliveryOut(Schema):
    id = fields.Integer()
    endpoint_id = fields.Integer()
    message_id = fields.String(metadata={"description": "the webhook-id header, the same on redelivery"})
    event_type = fields.String()
    status = fields.Enum(DeliveryStatus, by_value=True,
                         metadata={"description": "pending (will be retried), done, or failed (gave up)"})
    attempts = fields.Integer()
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    last_attempt_at = fields.AwareDateTime(allow_none=True)
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    delivered_at = fields.AwareDateTime(allow_none=True)
    redelivery_of_id = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    payload = fields.Dict()


class DeliveryFilters(PageArgs):
    status = fields.Enum(DeliveryStatus, by_value=True)


class _WithSecret:
    """A new endpoint as its answer shows it: with the secret, which is not kept anywhere."""

    def __init__(self, endpoint: WebhookEndpoint, secret: str) -> None:
        self._endpoint, self.secret = endpoint, secret

    def __getattr__(self, name: str) -> object:
        return getattr(self._endpoint, name)


EndpointPage = page_schema(EndpointOut, "WebhookEndpointPage")
DeliveryPage = page_schema(DeliveryOut, "WebhookDeliveryPage")


@blp.route("/webhooks", methods=["GET"])
@roles_required(Role.ADMIN)
@blp.arguments(PageArgs, location="query")
@blp.response(200, EndpointPage)
def list_endpoints(args: dict):
    """Registered webhook endpoints, newest first."""
    return paginate(services.endpoint_query(), sort=WebhookEndpoint.created_at, tiebreak=WebhookEndpoint.id,
                    cursor=args.get("cursor"), limit=args["limit"])


@blp.route("/webhooks", methods=["POST"])
@not_replayable
@roles_required(Role.ADMIN)
@blp.arguments(EndpointIn)
@blp.response(201, EndpointCreated)
def create_endpoint(data: dict):
    """Register an endpoint. The answer carries its signing secret, which is never shown again."""
    return _WithSecret(*services.create_endpoint(data, current_user.id))


@blp.route("/webhooks/<int:endpoint_id>", methods=["GET"])
@roles_required(Role.ADMIN)
@blp.response(200, EndpointOut)
def get_endpoint(endpoint_id: int):
    """One endpoint (without its secret)."""
    return services.get_endpoint(endpoint_id)


@blp.route("/webhooks/<int:endpoint_id>", methods=["PATCH"])
@roles_required(Role.ADMIN)
@blp.arguments(EndpointPatch)
@blp.response(200, EndpointOut)
def update_endpoint(data: dict, endpoint_id: int):
    """Change an endpoint's URL, events, description or active flag."""
    return services.update_endpoint(services.get_endpoint(endpoint_id), data, current_user.id)


@blp.route("/webhooks/<int:endpoint_id>/secret", methods=["POST"])
@not_replayable
@roles_required(Role.ADMIN)
@blp.response(200, SecretOut)
def renew_secret(endpoint_id: int):
    """Replace the endpoint's signing secret; the answer shows the new one, once."""
    return {"secret": services.renew_secret(services.get_endpoint(endpoint_id), current_user.id)}


@blp.route("/webhooks/<int:endpoint_id>/deliveries", methods=["GET"])
@roles_required(Role.ADMIN)
@blp.arguments(DeliveryFilters, location="query")
@blp.response(200, DeliveryPage)
def list_deliveries(filters: dict, endpoint_id: int):
    """The endpoint's delivery log, newest first, optionally of one status."""
    services.get_endpoint(endpoint_id)
    return paginate(services.delivery_query(endpoint_id, filters.get("status")), sort=WebhookDelivery.created_at,
                    tiebreak=WebhookDelivery.id, cursor=filters.get("cursor"), limit=filters["limit"])


@blp.route("/webhooks/deliveries/<int:delivery_id>/redeliver", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.response(201, DeliveryOut)
def redeliver(delivery_id: int):
    """Send a delivery's event again (same webhook-id), as a new delivery that is retried like any other."""
    return services.redeliver(services.get_delivery(delivery_id), current_user.id)
