"""Mail to customers about their tickets: the acknowledgement and agents' replies, carrying the ticket hook."""

from __future__ import annotations


def acknowledge(ticket) -> None:  # noqa: ANN001 - Ticket (import cycle)
    """Queue the acknowledgement of a new ticket: its reference and the next steps."""
