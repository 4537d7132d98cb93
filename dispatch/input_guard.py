"""Text with a NUL character (U+0000) is refused where a request comes in, before any field is read.

No person types one, SQLite cuts text at it in places, and PostgreSQL refuses it in a parameter (a 500 at the
first flush). The API answers 422 problem+json naming the field (a JSON path such as ``lines.0.description``,
or the query or form argument); a page answers 400 to a form. A page's query string (a link, a search box, a
list's filters) has the character dropped instead, so a stray one still finds. Uploaded files and raw bodies
(inbound mail) are bytes and stay untouched.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict

from dispatch.api.problems import is_api_request, problem

NUL = "\x00"
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def init_app(app: Flask) -> None:
    """Check every request's text before the views and API handlers see it."""
    app.before_request(_refuse_nul)


def nul_field(value: Any, path: str = "") -> str | None:
    """The path of the first string in ``value`` (JSON: dicts, lists, strings) that holds a NUL, or None.

    A string in a list is named by the list (``tags``), a field of an object in a list by its place
    (``lines.0.description``), as the schemas name their errors.
    """
    if isinstance(value, str):
        return (path or "body") if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return name
            if found := nul_field(item, name):
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if found := nul_field(item, path if isinstance(item, str) else f"{path}.{index}"):
                return found
    return None


def _refuse_nul() -> Response | None:
    api = is_api_request()
    if not api:
        _drop_nul_from_query()
    # Only a form-encoded body is read here: reading any other body fixes the stream's size limit before a view
    # with a larger one (inbound mail) has set it.
    form = request.form.items(multi=True) if request.mimetype in FORM_TYPES else ()
    arguments = [*form, *(request.args.items(multi=True) if api else ())]
    found = next((key for key, value in arguments if NUL in key or NUL in value), None)
    if found is None and api and request.is_json:
        found = nul_field(request.get_json(silent=True))
    if found is None:
        return None
    if not api:
        abort(400)
    return problem(422, "Validation failed", _("Text may not contain NUL characters."),
                   errors={found: [_("Remove the NUL character (U+0000).")]})


def _drop_nul_from_query() -> None:
    pairs = list(request.args.items(multi=True))
    if any(NUL in key or NUL in value for key, value in pairs):
        # ``args`` is computed once per request and cached on it: the views read the cleaned copy.
        request.args = ImmutableMultiDict([(key.replace(NUL, ""), value.replace(NUL, "")) for key, value in pairs])
