"""RFC 9457 problem+json responses for every error under /api/."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, json, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from dispatch.errors import DomainError

PROBLEM_MIMETYPE = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    errors: dict[str, list[str]] | None = None,
    code: str | None = None,
    headers: dict[str, str] | None = None,
    members: dict[str, Any] | None = None,
) -> Response:
    """A problem+json response; ``members`` adds extension members beside the standard ones."""
    body: dict[str, Any] = {**(members or {}), "type": "about:blank", "status": status, "title": title}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    if code:
        body["code"] = code
    response = current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def is_api_request() -> bool:
    """Whether the current request is for the JSON API."""
    return request.path.startswith("/api/")


def from_domain_error(error: DomainError) -> Response:
    """The problem response for an error a service raised."""
    return problem(error.status, error.title, error.detail, errors=error.errors, code=error.code,
                   members=error.members)


def from_http_exception(error: HTTPException) -> Response:
    """The problem response for a Werkzeug/webargs HTTP error, with field errors flattened."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    if isinstance(error, CSRFError):
        return problem(403, "CSRF check failed", error.description)
    messages = data.get("messages")
    if messages is not None:
        errors = flatten_messages(messages)
        if status == 400 or "_json" in errors:
            return problem(400, "Malformed request body", "The request body is not valid JSON.")
        return problem(422, "Validation failed", "Some fields are missing or wrong.", errors=errors)
    headers = {name: value for name, value in error.get_headers() if name.lower() not in ("content-type",)}
    return problem(status, error.name, error.description, headers=headers)


WEBARGS_LOCATIONS = {"json", "query", "form", "files", "view_args", "headers", "json_or_form"}


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn webargs' ``{location: {field: {nested: [msgs]}}}`` into ``{"field.nested": [msgs]}``."""
    if isinstance(messages, dict) and not prefix and set(messages) <= WEBARGS_LOCATIONS:
        flattened: dict[str, list[str]] = {}
        for location_messages in messages.values():
            flattened.update(flatten_messages(location_messages, "\0"))
        return flattened
    if isinstance(messages, list):
        if all(isinstance(item, str) for item in messages):
            return {prefix.strip("\0") or "_schema": list(messages)}
        flattened = {}
        for item in messages:
            flattened.update(flatten_messages(item, prefix))
        return flattened
    if isinstance(messages, dict):
        flattened = {}
        parent = prefix.strip("\0")
        for key, value in messages.items():
            # "_schema" is an error of the nested object as a whole: it belongs to the object's own name.
            name = parent if key == "_schema" and parent else (f"{parent}.{key}" if parent else str(key))
            flattened.update(flatten_messages(value, name))
        return flattened
    return {prefix.strip("\0") or "_schema": [str(messages)]}
