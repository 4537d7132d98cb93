"""Back-office pages of the billing capability."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("billing", __name__)
