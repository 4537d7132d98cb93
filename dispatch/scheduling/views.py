"""Back-office pages of the scheduling capability."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("scheduling", __name__)
