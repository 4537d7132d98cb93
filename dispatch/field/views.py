"""The technician app's pages: its shell at /app/ and its service worker (other files: the static folder)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_from_directory

from dispatch.auth.access import roles_required
from dispatch.enums import Role
from dispatch.web import map_page_policy

bp = Blueprint("field", __name__)

SERVICE_WORKER = "sw.js"
VERSION_PLACEHOLDER = "__SHELL_VERSION__"


def _pwa_dir() -> Path:
    return Path(current_app.static_folder)


def shell_version(root: Path) -> str:
    """A hash of every file of the app: changes whenever any of them does."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@bp.get("/app/")
@roles_required(Role.TECHNICIAN)
def app_shell() -> Response:
    """The technician app (its screens are drawn by JavaScript; offline the service worker serves it)."""
    response = send_from_directory(_pwa_dir(), "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/app/sw.js")
def service_worker() -> Response:
    """The service worker, stamped with the app's version; never cached, so updates are seen at once."""
    root = _pwa_dir()
    source = (root / SERVICE_WORKER).read_text(encoding="utf-8")
    body = source.replace(VERSION_PLACEHOLDER, shell_version(root), 1)
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/app/"
    return response


@bp.after_app_request
def _shell_policy(response: Response) -> Response:
    """The app's page (online at /app/, offline its cached /app/index.html) gets the back office's strict
    policy, with the map tile server as an image source."""
    if request.path.startswith("/app/") and response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", map_page_policy())
    return response
