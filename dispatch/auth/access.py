"""Who may do what: authentication and role checks, in one place for pages and the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from dispatch.auth.models import User
from dispatch.auth.services import user_for_token
from dispatch.enums import Role
from dispatch.extensions import db, login_manager

F = TypeVar("F", bound=Callable[..., Any])

STAFF = (Role.ADMIN, Role.AGENT, Role.BILLING)


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Let only signed-in users with one of ``roles`` through: 401 (or the login page), else 403 (404 for
    a technician in the API)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    abort(401)
                return redirect(url_for("auth.login", next=request.full_path))
            if current_user.role not in roles:
                # DESIGN.md: to a technician, everything of the API outside their own jobs does not exist.
                hidden = current_user.role == Role.TECHNICIAN and request.path.startswith("/api/")
                abort(404 if hidden else 403)
            return view(*args, **kwargs)

        checked.required_roles = roles  # type: ignore[attr-defined]  # read by the authorization tests
        return checked  # type: ignore[return-value]

    return decorate


def authenticated_by_token() -> bool:
    """Whether this request was authenticated by a bearer token rather than the session cookie."""
    return g.get("authenticated_by") == "token"


def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def _load_user_from_bearer(req: Any) -> User | None:
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = user_for_token(token.strip())
    if user is not None:
        g.authenticated_by = "token"
    return user


def init_app() -> None:
    """Teach Flask-Login how to find the user of a session or of a bearer token."""
    login_manager.user_loader(_load_user)
    login_manager.request_loader(_load_user_from_bearer)
    login_manager.login_view = "auth.login"
