"""The public feed URL: ``GET /calendar/<token>.ics``, no sign-in (calendar apps cannot), the token is the key."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from dispatch.scheduling.calendar_feed import services

bp = Blueprint("calendar_feed", __name__)
MAX_AGE = 300  # calendar apps poll every few minutes to hours; five minutes of staleness is harmless
MAX_TOKEN_LENGTH = 100


@bp.route("/calendar/<token>.ics", methods=["GET"])
def feed(token: str) -> Response:
    """The technician's jobs as iCalendar; an unknown or revoked token is 404."""
    technician = services.technician_for_token(token) if len(token) <= MAX_TOKEN_LENGTH else None
    if technician is None:
        abort(404)
    response = Response(services.feed(technician), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="jobs.ics"'
    response.cache_control.private = True
    response.cache_control.max_age = MAX_AGE
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"  # the URL is the secret
    return response
