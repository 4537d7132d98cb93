"""Webhook endpoints: registering, changing and renewing their secret; the delivery log and redelivery."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from dispatch import audit
from dispatch.dbtypes import utcnow
from dispatch.enums import DeliveryStatus
from dispatch.errors import Invalid, get_or_not_found
from dispatch.extensions import db
from dispatch.integrations import webhooks
from dispatch.integrations.models import WebhookDelivery, WebhookEndpoint
from dispatch.integrations.signing import endpoint_secret, new_salt

MAX_URL_LENGTH = 2000


def clean_url(value: Any) -> str:
    """A webhook URL: absolute http(s) with a host, no credentials or fragment; else Invalid on ``url``."""
    url = value.strip() if isinstance(value, str) else ""
    problem = None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        parts, problem = None, _("The port is not a number between 1 and 65535.")
    if parts is None:
        pass
    elif not url or len(url) > MAX_URL_LENGTH:
        problem = _("Give the receiver's URL, at most %(count)s characters.", count=MAX_URL_LENGTH)
    elif parts.scheme not in ("http", "https") or not parts.hostname:
        problem = _("Use an http:// or https:// address with a host name, such as https://erp.example.com/hooks.")
    elif parts.username or parts.password:
        problem = _("Leave user names and passwords out of the URL: the receiver checks the signature instead.")
    elif parts.fragment:
        problem = _("Leave the #fragment out of the URL.")
    if problem:
        raise Invalid(_("The webhook URL is not valid."), errors={"url": [problem]})
    return url


def clean_events(value: Any) -> list[str]:
    """The subscribed events: one or more of ``webhooks.EVENTS``, in that order; else Invalid on ``events``."""
    chosen = set(value) if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value) else None
    if not chosen or not chosen <= set(webhooks.EVENTS):
        raise Invalid(_("Choose the events to send."), errors={"events": [
            _("Choose one or more of: %(events)s.", events=", ".join(webhooks.EVENTS))]})
    return [event for event in webhooks.EVENTS if event in chosen]


def create_endpoint(data: dict[str, Any], actor_id: int | None) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its signing secret, which is shown this once only."""
    endpoint = WebhookEndpoint(url=clean_url(data.get("url")), events=clean_events(data.get("events")),
                               description=(data.get("description") or "").strip() or None,
                               active=bool(data.get("active", True)), secret_salt=new_salt(),
                               created_by_id=actor_id)
    db.session.add(endpoint)
    db.session.flush()
    audit.record("webhook.created", endpoint, actor_id, url=endpoint.url, events=endpoint.events)
    return endpoint, endpoint_secret(endpoint.secret_salt)


def update_endpoint(endpoint: WebhookEndpoint, data: dict[str, Any], actor_id: int | None) -> WebhookEndpoint:
    """Change an endpoint's URL, events, description or active flag (only the keys given)."""
    if "url" in data:
        endpoint.url = clean_url(data["url"])
    if "events" in data:
        endpoint.events = clean_events(data["events"])
    if "description" in data:
        endpoint.description = (data["description"] or "").strip() or None
    if "active" in data:
        endpoint.active = bool(data["active"])
    audit.record("webhook.updated", endpoint, actor_id, url=endpoint.url, events=endpoint.events,
                 active=endpoint.active)
    return endpoint


def renew_secret(endpoint: WebhookEndpoint, actor_id: int | None) -> str:
    """Give the endpoint a new signing secret (shown this once); the old one stops working at once."""
    endpoint.secret_salt = new_salt()
    endpoint.secret_rotated_at = utcnow()
    audit.record("webhook.secret_renewed", endpoint, actor_id)
    return endpoint_secret(endpoint.secret_salt)


def get_endpoint(endpoint_id: int) -> WebhookEndpoint:
    """The endpoint, or NotFound."""
    return get_or_not_found(WebhookEndpoint, endpoint_id, _l("Webhook endpoint %(id)s does not exist.", id=endpoint_id))


def endpoint_query() -> Select:
    """Every endpoint (the list is paginated newest first)."""
    return select(WebhookEndpoint)


def delivery_query(endpoint_id: int, status: DeliveryStatus | str | None = None) -> Select:
    """An endpoint's deliveries, optionally of one status (paginated newest first)."""
    statement = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    if status:
        statement = statement.where(WebhookDelivery.status == DeliveryStatus(status))
    return statement


def get_delivery(delivery_id: int) -> WebhookDelivery:
    """The delivery, or NotFound."""
    return get_or_not_found(WebhookDelivery, delivery_id,
                            _l("Webhook delivery %(id)s does not exist.", id=delivery_id))


def redeliver(delivery: WebhookDelivery, actor_id: int | None) -> WebhookDelivery:
    """Send a delivery's event again as a new delivery with the same ``webhook-id`` (receivers dedupe)."""
    if not delivery.endpoint.active:
        raise Invalid(_("The endpoint is inactive; activate it first."),
                      errors={"active": [_("Activate the endpoint before redelivering to it.")]})
    now = utcnow()
    copy = WebhookDelivery(endpoint_id=delivery.endpoint_id, message_id=delivery.message_id,
                           event_type=delivery.event_type, payload=delivery.payload, next_attempt_at=now,
                           created_at=now, redelivery_of_id=delivery.id)
    db.session.add(copy)
    db.session.flush()
    audit.record("webhook.redelivered", delivery.endpoint, actor_id, delivery_id=delivery.id,
                 new_delivery_id=copy.id)
    webhooks.schedule(copy)
    return copy
