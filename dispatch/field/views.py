"""Back-office pages of the field capability."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("field", __name__)
