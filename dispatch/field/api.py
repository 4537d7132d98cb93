"""/api/v1 endpoints of the field capability."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_field", __name__, url_prefix="/api/v1", description="Field")
