"""Background tasks of the webhook outbox."""

from __future__ import annotations

from dispatch import tasks
from dispatch.integrations import webhooks


@tasks.task(webhooks.DELIVER_TASK)
def deliver(delivery_id: int, attempt: int = 1) -> None:
    """Attempt one webhook delivery; a failure is recorded on the delivery and retried by the sweep."""
    webhooks.attempt(delivery_id, attempt)
