"""/api/v1 endpoints of the billing capability."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_billing", __name__, url_prefix="/api/v1", description="Billing")
