"""The webhook outbox: ``emit`` writes deliveries in the caller's transaction; tasks POST them.

A delivery is attempted by the task ``webhooks.deliver`` right after the commit that emitted it. A
target that fails (no connection, a timeout, any answer but 2xx; redirects are not followed) keeps
the delivery pending with its next attempt after an exponential backoff: 1, 3, 9, 27 and 81 minutes,
then about 4 and 6 hours (``WEBHOOK_RETRY_BASE_SECONDS`` x 3^n, at most ``WEBHOOK_RETRY_MAX_SECONDS``).
The periodic job ``retry_webhooks`` (every minute, ``dispatch/periodic.py``) enqueues the deliveries
that are due. After ``WEBHOOK_MAX_ATTEMPTS`` attempts (8: about 12 hours) the delivery is marked
failed; an admin can redeliver it. Nothing is ever dropped: a delivery leaves the outbox only as done
or failed, both kept as the endpoint's delivery log.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from dispatch import tasks
from dispatch.dbtypes import utcnow
from dispatch.enums import DeliveryStatus
from dispatch.extensions import db
from dispatch.integrations.models import WebhookDelivery, WebhookEndpoint
from dispatch.integrations.signing import endpoint_secret, new_message_id, signed_headers

log = logging.getLogger(__name__)

JOB_CLOSED, INVOICE_APPROVED, INVOICE_PAID = "job.closed", "invoice.approved", "invoice.paid"
EVENTS = (JOB_CLOSED, INVOICE_APPROVED, INVOICE_PAID)
DELIVER_TASK = "webhooks.deliver"
SWEEP_BATCH = 500


def emit(event_type: str, payload: dict[str, Any]) -> None:
    """Write one delivery of the event per active endpoint subscribed to it, in the caller's transaction."""
    if event_type not in EVENTS:
        raise ValueError(f"unknown webhook event {event_type!r}")
    endpoints = [endpoint for endpoint in db.session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True)).order_by(WebhookEndpoint.id)
    ) if event_type in endpoint.events]
    if not endpoints:
        return
    now = utcnow()
    envelope = {"type": event_type, "timestamp": iso_utc(now), "data": payload}
    json.dumps(envelope)  # a payload that cannot be sent fails here, in the caller's transaction
    deliveries = [WebhookDelivery(endpoint_id=endpoint.id, message_id=new_message_id(), event_type=event_type,
                                  payload=envelope, next_attempt_at=now, created_at=now)
                  for endpoint in endpoints]
    db.session.add_all(deliveries)
    db.session.flush()
    for delivery in deliveries:
        schedule(delivery)


def schedule(delivery: WebhookDelivery) -> None:
    """Enqueue the delivery's next attempt (once per attempt number) to run after the commit."""
    number = delivery.attempts + 1
    tasks.enqueue(DELIVER_TASK, dedupe_key=f"webhook:{delivery.id}:{number}", delivery_id=delivery.id,
                  attempt=number)


def iso_utc(moment: datetime | None) -> str | None:
    """An aware time as ISO 8601 in UTC with a ``Z``."""
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _text(value: Decimal | date | None) -> str | None:
    return None if value is None else (value.isoformat() if isinstance(value, date) else str(value))


def invoice_payload(invoice: Any) -> dict[str, Any]:
    """The data of ``invoice.approved`` and ``invoice.paid``: ids, number, dates, totals as strings."""
    return {
        "invoice_id": invoice.id, "number": invoice.number, "status": str(invoice.status),
        "customer_id": invoice.customer_id, "buyer_name": invoice.buyer_name,
        "buyer_vat_number": invoice.buyer_vat_number, "currency": invoice.currency,
        "net_total": _text(invoice.net_total), "vat_total": _text(invoice.vat_total),
        "gross_total": _text(invoice.gross_total), "payment_reference": invoice.payment_reference,
        "issued_on": _text(invoice.issued_on), "due_on": _text(invoice.due_on),
        "approved_at": iso_utc(invoice.approved_at), "paid_at": iso_utc(invoice.paid_at),
    }


def job_closed_payload(job: Any, decision: Any) -> dict[str, Any]:
    """The data of ``job.closed``: the job, its ticket and customer, the coverage outcome and invoice."""
    return {
        "job_id": job.id, "job_number": job.number, "ticket_id": job.ticket_id,
        "customer_id": job.site.customer_id, "site_id": job.site_id, "asset_id": job.asset_id,
        "technician_id": job.technician_id, "completed_at": iso_utc(job.completed_at),
        "closed_at": iso_utc(job.closed_at), "coverage_outcome": str(decision.outcome),
        "invoice_id": job.invoice_id,
    }


def retry_delay(attempt: int) -> timedelta:
    """How long after attempt number ``attempt`` (1-based) the next one is due."""
    config = current_app.config
    seconds = config["WEBHOOK_RETRY_BASE_SECONDS"] * 3 ** (attempt - 1)
    return timedelta(seconds=min(seconds, config["WEBHOOK_RETRY_MAX_SECONDS"]))


def attempt(delivery_id: int, number: int) -> None:
    """Make attempt ``number`` at a delivery: claim it, POST it outside any transaction, record the outcome."""
    now = utcnow()
    # The claim moves the next attempt to when a retry would be due anyway (the delay always exceeds
    # the timeout), so a worker that dies mid-attempt leaves a delivery the sweep picks up again; it
    # names the attempt, so a twin or late task never POSTs an attempt twice or a retry early.
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == DeliveryStatus.PENDING,
               WebhookDelivery.attempts == number - 1)
        .values(attempts=number, last_attempt_at=now, next_attempt_at=now + retry_delay(number))
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        return
    delivery = db.session.get(WebhookDelivery, delivery_id)
    endpoint = delivery.endpoint
    active = endpoint.active
    if active:
        body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
        headers = signed_headers(endpoint_secret(endpoint.secret_salt), delivery.message_id, int(now.timestamp()),
                                 body)
        status_code, error = tasks.call_outside(post, endpoint.url, body, headers,
                                                current_app.config["WEBHOOK_TIMEOUT_SECONDS"])
    else:
        status_code, error = None, "The endpoint is inactive."
    _record(delivery_id, number, status_code, error, give_up=not active)


def _record(delivery_id: int, number: int, status_code: int | None, error: str | None, *, give_up: bool) -> None:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    delivery.last_status_code, delivery.last_error = status_code, error
    if error is None:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DONE, utcnow(), None
    elif give_up or number >= current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    log.info("webhook delivery %s attempt %s: %s", delivery_id, number, status_code or error)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int | None, str | None]:
    """POST ``body``; the answer's status code, and an error text unless it was 2xx."""
    if not url.startswith(("http://", "https://")):  # checked on registration; never file: or ftp:
        return None, "Not an http(s) URL."
    opener = urllib.request.build_opener(_NoRedirects)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - checked above
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, None
    except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx and 5xx
        answer.close()
        return answer.code, f"HTTP {answer.code} {answer.reason}"[:500]
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as failure:
        reason = getattr(failure, "reason", failure)
        return None, f"{type(failure).__name__}: {reason}"[:500]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook is POSTed to the registered URL only: a redirect counts as a failed attempt."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


def retry_due(now: datetime | None = None) -> int:
    """Enqueue an attempt of every pending delivery that is due (the periodic outbox sweep)."""
    now = now or utcnow()
    due = list(db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.status == DeliveryStatus.PENDING,
                                      WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(SWEEP_BATCH)
    ))
    for delivery in due:
        schedule(delivery)
    db.session.commit()
    return len(due)
