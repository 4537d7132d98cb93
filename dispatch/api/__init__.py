"""The /api/v1 surface: blueprints of every capability, problem+json errors, idempotency, commits."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user
from flask_smorest import Api
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from dispatch.api import idempotency
from dispatch.api.problems import from_http_exception, is_api_request, problem
from dispatch.auth.access import authenticated_by_token
from dispatch.extensions import csrf, db

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class DispatchApi(Api):
    """flask-smorest's Api, answering errors under /api/ as problem+json and leaving pages alone."""

    def handle_http_exception(self, error: HTTPException) -> Response | HTTPException:
        if not is_api_request():
            return error
        return from_http_exception(error)


api = DispatchApi()


def blueprints() -> list:
    """Every capability's API blueprint."""
    from dispatch.admin.api import blp as admin_blp
    from dispatch.auth.api import blp as auth_blp
    from dispatch.billing.api import blp as billing_blp
    from dispatch.closure.api import blp as closure_blp
    from dispatch.customers.api import blp as customers_blp
    from dispatch.desk.api import blp as desk_blp
    from dispatch.desk.assignment.api import blp as assignment_blp
    from dispatch.desk.canned.api import blp as desk_canned_blp
    from dispatch.desk.custom_fields.api import blp as desk_custom_fields_blp
    from dispatch.desk.figures.api import blp as desk_figures_blp
    from dispatch.desk.mailbox.api import blp as mailbox_blp
    from dispatch.desk.sla.api import blp as sla_blp
    from dispatch.desk.statuses.api import blp as desk_statuses_blp
    from dispatch.field.api import blp as field_blp
    from dispatch.integrations.api import blp as webhooks_blp
    from dispatch.knowledge.api import blp as knowledge_blp
    from dispatch.reporting.api import blp as reporting_blp
    from dispatch.scheduling.api import blp as scheduling_blp
    from dispatch.scheduling.board.api import blp as board_blp
    from dispatch.scheduling.calendar_feed.api import blp as calendar_feed_blp
    from dispatch.scheduling.geo.api import blp as geo_blp
    from dispatch.scheduling.job_templates.api import blp as job_templates_blp
    from dispatch.scheduling.routing.api import blp as routes_blp
    from dispatch.scheduling.team.api import blp as team_blp

    return [auth_blp, customers_blp, desk_blp, scheduling_blp, board_blp, field_blp, closure_blp, billing_blp,
            admin_blp, webhooks_blp, reporting_blp, calendar_feed_blp, team_blp, job_templates_blp, geo_blp,
            routes_blp, sla_blp, assignment_blp, knowledge_blp, desk_figures_blp,
            mailbox_blp, desk_canned_blp, desk_custom_fields_blp, desk_statuses_blp]


def init_app(app: Flask) -> None:
    """Register the API with ``app``."""
    api.init_app(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    api.spec.options["security"] = [{"bearer": []}, {"session": []}]
    for blueprint in blueprints():
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # checked below, for session-authenticated requests only

    app.before_request(_before_api_request)
    app.after_request(_finish_unit_of_work)
    app.after_request(_never_cache_secrets)


def _before_api_request() -> Response | None:
    if not is_api_request() or request.method not in UNSAFE_METHODS:
        return None
    if not current_user.is_authenticated:
        return None
    if not authenticated_by_token():
        csrf.protect()
    if request.method == "POST" and idempotency.replayable():
        return idempotency.begin(current_user.id)
    return None


def _never_cache_secrets(response: Response) -> Response:
    """An answer that carries a secret (a token, a signing secret) is kept by no cache (RFC 6749 5.1)."""
    if is_api_request() and not idempotency.replayable():
        response.headers["Cache-Control"] = "no-store"
    return response


def _finish_unit_of_work(response: Response) -> Response:
    """Commit the request's changes when it succeeded, roll them back when it did not."""
    if request.method not in UNSAFE_METHODS:
        return response
    if response.status_code >= 400:
        db.session.rollback()
        idempotency.release()
        return response
    if is_api_request():
        idempotency.store(response)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        idempotency.release()
        if is_api_request():
            return problem(409, "Conflict", "The change clashes with data saved meanwhile; reload and retry.")
        raise
    return response
