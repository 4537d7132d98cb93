"""/api/v1 authentication: bearer tokens and the current user."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf
from marshmallow import Schema, fields, validate

from dispatch.api.idempotency import not_replayable
from dispatch.auth.access import STAFF, roles_required
from dispatch.auth.services import authenticate, issue_token
from dispatch.enums import Role
from dispatch.errors import DomainError
from dispatch.extensions import limiter

blp = Blueprint("api_auth", __name__, url_prefix="/api/v1", description="Authentication")


class TokenRequest(Schema):
    email = fields.String(required=True, validate=validate.Length(1, 254))
    password = fields.String(required=True, validate=validate.Length(1, 1024), load_only=True)


class UserOut(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    role = fields.Enum(Role, by_value=True)
    language = fields.String()


class TokenOut(Schema):
    token = fields.String()
    expires_at = fields.AwareDateTime()
    user = fields.Nested(UserOut)


class MapSettingsOut(Schema):
    tile_url = fields.String(metadata={"description": "tile URL template ({z}/{x}/{y}) of the app's maps"})
    attribution = fields.String(metadata={"description": "the tiles' credit, plain text, shown on the map"})


class MeOut(UserOut):
    csrf_token = fields.String(metadata={"description": "send as X-CSRFToken on session-authenticated changes"})
    map = fields.Nested(MapSettingsOut)


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@blp.route("/auth/token", methods=["POST"])
@not_replayable
@limiter.limit(_login_limit)
@blp.arguments(TokenRequest)
@blp.response(201, TokenOut)
def create_token(credentials: dict) -> dict:
    """Exchange an e-mail and password for a bearer token."""
    user = authenticate(credentials["email"], credentials["password"])
    if user is None:
        raise Unauthorized("Wrong e-mail or password.")
    lifetime = timedelta(hours=current_app.config["TOKEN_LIFETIME_HOURS"])
    plain, token = issue_token(user, lifetime)
    return {"token": plain, "expires_at": token.expires_at, "user": user}


@blp.route("/me", methods=["GET"])
@roles_required(*STAFF, Role.TECHNICIAN)
@blp.response(200, MeOut)
def me() -> dict:
    """The signed-in user, with a CSRF token for session-authenticated clients and the app's map tiles."""
    user = current_user._get_current_object()
    return {**{name: getattr(user, name) for name in ("id", "name", "email", "role", "language")},
            "csrf_token": generate_csrf(),
            "map": {"tile_url": current_app.config["MAP_TILE_URL"],
                    "attribution": current_app.config["MAP_ATTRIBUTION"]}}
