"""The panels other parts of the desk add to the ticket page: owner and queue, the reply form, similar tickets.

Each is a ``..._panel(ticket) -> dict`` and a partial template rendered with ``ticket`` and ``panel``. A panel
whose function or template is not there (yet) is left out rather than breaking the page.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from flask import current_app
from jinja2 import TemplateNotFound

from dispatch.desk.models import Ticket

# (name, candidate modules, function, template), in page order.
PANELS = (
    ("owner", ("dispatch.desk.assignment.services",), "owner_panel", "desk/assignment/_owner.html"),
    ("reply", ("dispatch.desk.mailbox.outbound",), "reply_panel", "desk/mailbox/_reply.html"),
    ("similar", ("dispatch.knowledge.services", "dispatch.knowledge.similar"), "similar_panel",
     "knowledge/_similar.html"),
)


@dataclass
class Panel:
    name: str
    template: str
    data: dict[str, Any]


def panels(ticket: Ticket) -> dict[str, Panel]:
    """The panels available, by name, with their data for this ticket."""
    found = {}
    for name, modules, function_name, template in PANELS:
        function = _function(modules, function_name)
        if function is None or not _template_exists(template):
            continue
        found[name] = Panel(name, template, function(ticket))
    return found


def _function(modules: tuple[str, ...], name: str) -> Any:
    for module_name in modules:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, name):
            return getattr(module, name)
    return None


def _template_exists(name: str) -> bool:
    try:
        current_app.jinja_env.get_template(name)
    except TemplateNotFound:
        return False
    return True
