"""/api/v1 endpoints of the closure capability."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_closure", __name__, url_prefix="/api/v1", description="Closure")
