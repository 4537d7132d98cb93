"""Webhooks leave through the outbox: signed POSTs to a real local server, retried, never lost."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dispatch.dbtypes import utcnow
from dispatch.enums import DeliveryStatus
from dispatch.extensions import db
from dispatch.integrations import webhooks
from dispatch.integrations.models import WebhookDelivery, WebhookEndpoint
from dispatch.integrations.signing import endpoint_secret
from dispatch.tasks import BackgroundTask
from tests.integrations.helpers import deliveries, emit, endpoint, make_due, sweep
from tests.integrations.receiver import Receiver, dead_url


def test_an_event_is_posted_signed_to_each_subscribed_endpoint(app):
    with Receiver() as erp, Receiver() as other:
        _, secret = endpoint(erp.url, [webhooks.INVOICE_APPROVED, webhooks.INVOICE_PAID])
        endpoint(other.url, [webhooks.JOB_CLOSED])
        endpoint(other.url, [webhooks.INVOICE_APPROVED], active=False)
        emit(webhooks.INVOICE_APPROVED, {"invoice_id": 7, "gross_total": "121.00", "buyer_name": "Müller GmbH"})

        assert other.received == []
        [request] = erp.received
    assert request.path == "/hooks" and request.headers["content-type"] == "application/json"
    assert request.signature_valid(secret)
    assert not request.signature_valid("whsec_" + "A" * 44)
    assert request.headers["webhook-id"].startswith("msg_")
    assert abs(int(request.headers["webhook-timestamp"]) - utcnow().timestamp()) < 60
    assert request.json["type"] == "invoice.approved"
    assert request.json["data"] == {"invoice_id": 7, "gross_total": "121.00", "buyer_name": "Müller GmbH"}
    assert request.json["timestamp"].endswith("Z")
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DONE, 1, 200)
    assert delivery.message_id == request.headers["webhook-id"] and delivery.delivered_at is not None


def test_the_outbox_is_part_of_the_callers_transaction(app):
    with Receiver() as erp:
        endpoint(erp.url)
        webhooks.emit(webhooks.INVOICE_PAID, {"invoice_id": 1})
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
        assert db.session.scalar(select(func.count()).select_from(BackgroundTask)) == 0
        assert erp.received == []


def test_unknown_events_and_unsendable_payloads_fail_in_the_caller(app):
    with pytest.raises(ValueError):
        webhooks.emit("invoice.deleted", {})
    endpoint(dead_url())
    with pytest.raises(TypeError):
        webhooks.emit(webhooks.INVOICE_PAID, {"when": object()})
    db.session.rollback()


def test_a_target_answering_500_is_retried_later_with_the_same_id(app):
    with Receiver(answers=(500, 200)) as erp:
        _, secret = endpoint(erp.url)
        before = utcnow()
        emit()
        [delivery] = deliveries()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.PENDING, 1, 500)
        assert "500" in delivery.last_error
        wait = delivery.next_attempt_at - before
        assert timedelta(seconds=55) < wait < timedelta(seconds=70)  # the first backoff step: a minute

        assert sweep() == 0  # not due yet
        assert len(erp.received) == 1
        make_due(delivery.id)
        assert sweep() == 1
        first, second = erp.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body and second.signature_valid(secret)
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DONE, 2, 200)
    assert delivery.last_error is None and delivery.next_attempt_at is None


# These step through attempts by hand (sweep, make due); a real rq worker retries on its own and races them.
STEPPED_BY_HAND = pytest.mark.skipif(bool(os.environ.get("TEST_REDIS_URL")),
                                     reason="steps retries by hand; the real rq worker would race it")


@STEPPED_BY_HAND
def test_a_dead_target_keeps_the_delivery_until_it_gives_up_then_an_admin_redelivers(app):
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 3
    url = dead_url()
    target, _secret = endpoint(url)
    emit()
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code is None
    assert "refused" in delivery.last_error.lower()
    for _ in range(2):
        make_due(delivery.id)
        sweep()
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 3, None)
    assert sweep() == 0  # a failed delivery is left for an admin

    from dispatch.integrations import services

    with Receiver() as erp:
        db.session.get(WebhookEndpoint, target.id).url = erp.url
        services.redeliver(delivery, None)
        db.session.commit()
        from tests.support.tasks import wait_for_tasks

        wait_for_tasks()
        [request] = erp.received
    original, again = deliveries()
    assert original.status == DeliveryStatus.FAILED
    assert (again.status, again.redelivery_of_id, again.message_id) == (DeliveryStatus.DONE, original.id,
                                                                        original.message_id)
    assert request.headers["webhook-id"] == original.message_id


def test_backoff_grows_exponentially_up_to_the_cap(app):
    delays = [webhooks.retry_delay(n).total_seconds() / 60 for n in range(1, 9)]
    assert delays == [1, 3, 9, 27, 81, 243, 360, 360]


@STEPPED_BY_HAND
def test_redirects_are_not_followed_and_slow_targets_time_out(app):
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = 0.3
    with Receiver(answers=(302,)) as moved, Receiver(delay=1.5) as slow:
        endpoint(moved.url)
        endpoint(slow.url)
        emit()
        assert len(moved.received) == 1 and len(slow.received) == 1
    redirected, timed_out = deliveries()
    assert (redirected.status, redirected.last_status_code) == (DeliveryStatus.PENDING, 302)
    assert timed_out.status == DeliveryStatus.PENDING and "timed out" in timed_out.last_error.lower()


def test_a_twin_or_late_task_never_posts_an_attempt_twice(app):
    with Receiver() as erp:
        endpoint(erp.url)
        emit()
        [delivery] = deliveries()
        webhooks.attempt(delivery.id, 1)  # the same attempt again, e.g. re-dispatched by the task sweep
        webhooks.attempt(delivery.id, 2)  # a retry of a delivery that is done
        db.session.commit()
        assert len(erp.received) == 1


def test_the_secret_is_derived_not_stored_and_renewing_it_changes_the_signature(app):
    from dispatch.integrations import services

    with Receiver() as erp:
        target, secret = endpoint(erp.url)
        row = db.session.execute(select(WebhookEndpoint.__table__)).one()
        assert secret not in json.dumps([str(value) for value in row])
        assert endpoint_secret(target.secret_salt) == secret

        renewed = services.renew_secret(db.session.get(WebhookEndpoint, target.id), None)
        db.session.commit()
        emit()
        [request] = erp.received
    assert renewed != secret and renewed.startswith("whsec_")
    assert request.signature_valid(renewed) and not request.signature_valid(secret)


def test_deliveries_to_a_deactivated_endpoint_fail_without_a_request(app):
    with Receiver(answers=(500,)) as erp:
        target, _ = endpoint(erp.url)
        emit()
        db.session.get(WebhookEndpoint, target.id).active = False
        db.session.commit()
        [delivery] = deliveries()
        make_due(delivery.id)
        sweep()
        assert len(erp.received) == 1
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.FAILED and "inactive" in delivery.last_error
