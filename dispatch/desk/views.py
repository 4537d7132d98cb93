"""Back-office pages of the desk capability."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("desk", __name__)
