"""How large a request body may be: ``MAX_CONTENT_LENGTH`` unless an endpoint is allowed more.

Werkzeug fixes a body's size limit when the body is first read, and hooks read it early (the CSRF check and
``dispatch.input_guard`` read forms and JSON). A view that set its own limit would be too late, so every
larger limit is set here, in the first hook of every request, before anything reads the body.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Flask, current_app, request

MEGABYTE = 1024 * 1024

Limit = Callable[[Mapping[str, Any]], int]  # bytes, from the app's configuration (read at each request)


def init_app(app: Flask) -> None:
    """Set each request's body limit before any other hook runs."""
    app.extensions["request_limits"] = {}
    app.before_request_funcs.setdefault(None, []).insert(0, _apply_limit)


def allow_larger_body(blueprint: Blueprint, endpoints: Mapping[str, Limit]) -> None:
    """Give these endpoints of ``blueprint`` (view names, without the blueprint's) their own body limit."""

    @blueprint.record_once
    def _register(state: Any) -> None:
        limits = state.app.extensions["request_limits"]
        limits.update({f"{blueprint.name}.{view}": limit for view, limit in endpoints.items()})


def _apply_limit() -> None:
    limit = current_app.extensions["request_limits"].get(request.endpoint)
    if limit is not None:
        request.max_content_length = limit(current_app.config)
