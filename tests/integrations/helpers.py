"""Webhook endpoints and deliveries made through the services, committed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dispatch.dbtypes import utcnow
from dispatch.extensions import db
from dispatch.integrations import services, webhooks
from dispatch.integrations.models import WebhookDelivery, WebhookEndpoint
from tests.support.tasks import wait_for_tasks

ALL_EVENTS = list(webhooks.EVENTS)


def endpoint(url: str, events: list[str] = ALL_EVENTS, **data) -> tuple[WebhookEndpoint, str]:
    """A registered endpoint and its secret."""
    created, secret = services.create_endpoint({"url": url, "events": events, **data}, None)
    db.session.commit()
    return created, secret


def emit(event: str = webhooks.INVOICE_APPROVED, data: dict | None = None) -> None:
    """Emit an event in a transaction of its own and let the delivery tasks run."""
    webhooks.emit(event, data or {"invoice_id": 7, "number": "INV-2026-000007", "gross_total": "121.00"})
    db.session.commit()
    wait_for_tasks()
    db.session.expire_all()


def deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def make_due(delivery_id: int) -> None:
    """Let the next attempt's time come (as the clock would)."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def sweep() -> int:
    """Run the periodic outbox sweep and the attempts it enqueues."""
    count = webhooks.retry_due()
    wait_for_tasks()
    db.session.expire_all()
    return count
