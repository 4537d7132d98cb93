"""Who takes a ticket: queues with round robin or least-loaded assignment, duty schedules, absences."""

from __future__ import annotations


def assign_new(ticket, actor_id: int | None) -> None:  # noqa: ANN001 - Ticket (import cycle)
    """Give a new ticket of an assigning queue to the next agent on duty, if any."""
