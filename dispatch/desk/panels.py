"""The panels other parts of the desk add to the ticket page: owner and queue, the reply form, similar tickets.

Each is a ``..._panel(ticket) -> dict`` and a partial template rendered with ``ticket`` and ``panel``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dispatch.desk.assignment.services import owner_panel
from dispatch.desk.mailbox.outbound import reply_panel
from dispatch.desk.models import Ticket
from dispatch.knowledge.similar import similar_panel

# (name, function, template), in page order.
PANELS: tuple[tuple[str, Callable[[Ticket], dict[str, Any]], str], ...] = (
    ("owner", owner_panel, "desk/assignment/_owner.html"),
    ("reply", reply_panel, "desk/mailbox/_reply.html"),
    ("similar", similar_panel, "knowledge/_similar.html"),
)


@dataclass
class Panel:
    name: str
    template: str
    data: dict[str, Any]


def panels(ticket: Ticket) -> dict[str, Panel]:
    """The panels, by name, with their data for this ticket."""
    return {name: Panel(name, template, function(ticket)) for name, function, template in PANELS}
