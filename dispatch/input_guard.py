"""Text with a NUL character (U+0000) is refused where a request comes in, before any field is read.

No person types one, SQLite cuts text at it in places, and PostgreSQL refuses it in a parameter (a 500 at the
first flush). The API answers 422 problem+json naming the field (a JSON path such as ``lines.0.description``,
or the query or form argument); a page answers 400. Uploaded files and raw bodies (inbound mail) are bytes and
stay untouched; searches drop the character themselves, so a stray one in a search box still finds.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, request
from flask_babel import gettext as _

from dispatch.api.problems import is_api_request, problem

NUL = "\x00"


def init_app(app: Flask) -> None:
    """Check every request's text before the views and API handlers see it."""
    app.before_request(_refuse_nul)


def nul_field(value: Any, path: str = "") -> str | None:
    """The path of the first string in ``value`` (JSON: dicts, lists, strings) that holds a NUL, or None."""
    if isinstance(value, str):
        return path or "body" if NUL in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        name = f"{path}.{key}" if path else str(key)
        if NUL in str(key):
            return name
        found = nul_field(item, name)
        if found:
            return found
    return None


def _refuse_nul() -> Response | None:
    api = is_api_request()
    found = None
    if api:
        found = nul_field({key: request.args.getlist(key) for key in request.args})
        if found is None and request.is_json:
            found = nul_field(request.get_json(silent=True))
    if found is None and request.form:
        found = nul_field({key: request.form.getlist(key) for key in request.form})
    if found is None:
        return None
    if not api:
        abort(400)
    field = found.rsplit(".", 1)[0] if found.rsplit(".", 1)[-1].isdigit() and "." in found else found
    return problem(422, "Validation failed", _("Text may not contain NUL characters."),
                   errors={field: [_("Remove the NUL character (U+0000).")]})
