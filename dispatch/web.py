"""The back office: page blueprints of every capability, the home page, error pages and page helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, redirect, render_template, request, url_for
from flask_babel import format_currency, format_decimal, format_timedelta, get_locale, get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException

from dispatch.api.problems import from_domain_error, from_http_exception, is_api_request
from dispatch.enums import Role
from dispatch.errors import DomainError

home = Blueprint("home", __name__)
# Back-office CSS, JS and vendored libraries; the technician PWA has its own folder (pwa/, at /app/).
assets = Blueprint("assets", __name__, static_folder="static", static_url_path="/static")

HTMX_VERSION = "2.0.11"

# Where each role starts its day.
START_PAGE = {
    Role.ADMIN: "desk.tickets",
    Role.AGENT: "desk.tickets",
    Role.TECHNICIAN: "field.app_shell",
    Role.BILLING: "billing.invoices",
}

def content_security_policy(image_sources: Iterable[str] = ()) -> str:
    """The strict policy of our HTML pages; ``image_sources`` are further origins of images (map tiles)."""
    images = " ".join(["'self'", *image_sources, "data:", "blob:"])
    return (f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def tile_source(tile_url: str) -> str:
    """The CSP source of a tile URL template: its origin, a ``{s}`` subdomain as ``*``; ``https:`` if odd."""
    parts = urlsplit(tile_url)
    if not parts.scheme and not parts.netloc:
        return "'self'"  # tiles served by this application
    host = re.sub(r"^\{[a-z]+\}\.", "*.", parts.netloc)
    if parts.scheme not in ("http", "https") or not host or "{" in host:
        return "https:"
    return f"{parts.scheme}://{host}"


def map_page_policy() -> str:
    """The strict policy with the configured map tile server (MAP_TILE_URL, empty: no maps) as an image source."""
    tile_url = current_app.config["MAP_TILE_URL"]
    return content_security_policy([tile_source(tile_url)] if tile_url else [])


# The main navigation, in order; who sees a link is read from its page's roles_required.
NAVIGATION = (
    ("desk.tickets", _l("Tickets"), "desk"),
    ("intake.new_ticket", _l("New ticket"), "new"),
    ("scheduling_board.board", _l("Board"), "scheduling"),
    ("scheduling.jobs", _l("Jobs"), "scheduling"),
    ("team.technicians", _l("Technicians"), "scheduling"),
    ("customers.customers", _l("Customers"), "customers"),
    ("billing.invoices", _l("Invoices"), "billing"),
    ("billing.credit_note_list", _l("Credit notes"), "billing"),
    ("reporting.hours_page", _l("Reports"), "reporting"),
    ("knowledge.articles", _l("Knowledge"), "knowledge"),
    ("closure.review_queue", _l("Coverage review"), "closure"),
    ("integrations.endpoints", _l("Webhooks"), "integrations"),
    ("job_templates.templates", _l("Job templates"), "admin"),
    ("admin.settings", _l("Settings"), "admin"),
)


@home.get("/")
def index():  # noqa: ANN201
    """Send a signed-in user to their role's start page, others to the login page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(START_PAGE[current_user.role]))


def page_blueprints() -> list[Blueprint]:
    """Every capability's back-office blueprint."""
    from dispatch.admin.views import bp as admin_bp
    from dispatch.auth.views import bp as auth_bp
    from dispatch.billing.views import bp as billing_bp
    from dispatch.closure.views import bp as closure_bp
    from dispatch.customers.views import bp as customers_bp
    from dispatch.desk.assignment.views import bp as assignment_bp
    from dispatch.desk.canned.views import bp as desk_canned_bp
    from dispatch.desk.custom_fields.views import bp as desk_custom_fields_bp
    from dispatch.desk.figures.views import bp as desk_figures_bp
    from dispatch.desk.intake.views import bp as intake_bp
    from dispatch.desk.mailbox.views import bp as mailbox_bp
    from dispatch.desk.sla.views import bp as sla_bp
    from dispatch.desk.statuses.views import bp as desk_statuses_bp
    from dispatch.desk.views import bp as desk_bp
    from dispatch.field.views import bp as field_bp
    from dispatch.integrations.views import bp as integrations_bp
    from dispatch.knowledge.public import bp as help_bp
    from dispatch.knowledge.views import bp as knowledge_bp
    from dispatch.portal.views import bp as portal_bp
    from dispatch.reporting.views import bp as reporting_bp
    from dispatch.scheduling.board.views import bp as board_bp
    from dispatch.scheduling.calendar_feed.views import bp as calendar_feed_bp
    from dispatch.scheduling.geo.views import bp as geo_bp
    from dispatch.scheduling.job_templates.views import bp as job_templates_bp
    from dispatch.scheduling.routing.views import bp as routes_bp
    from dispatch.scheduling.team.views import bp as team_bp
    from dispatch.scheduling.views import bp as scheduling_bp

    return [home, assets, auth_bp, desk_bp, customers_bp, scheduling_bp, field_bp, billing_bp, reporting_bp,
            integrations_bp, closure_bp, admin_bp, calendar_feed_bp, board_bp, geo_bp, team_bp, job_templates_bp,
            routes_bp, intake_bp, assignment_bp, sla_bp, knowledge_bp, help_bp, desk_figures_bp,
            mailbox_bp, portal_bp, desk_canned_bp, desk_custom_fields_bp, desk_statuses_bp]


def form_failed(form: FlaskForm, error: DomainError, fields: dict[str, str] | None = None) -> None:
    """Attach a service's field errors to the form's fields (renamed by ``fields``), others to the form."""
    fields = fields or {}
    for name, messages in error.errors.items():
        field = _field_at(form, fields.get(name, name))
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(f"{name}: {message}" for message in messages)
    if not error.errors:
        form.form_errors.append(error.detail)


def _field_at(form: FlaskForm, path: str) -> Any:
    """The field at a dotted path (``asset.serial_number`` for a field of a sub-form), or None."""
    node: Any = form
    for part in path.split("."):
        try:
            node = node[part]
        except (KeyError, TypeError):
            return None
    return node if hasattr(node, "errors") and not hasattr(node, "form") else None


def money(value: Decimal | None, currency: str = "EUR") -> str:
    """An amount in the reader's language, e.g. ``€ 1.234,50`` in Dutch."""
    return "" if value is None else format_currency(value, currency)


def number(value: Decimal | float | None) -> str:
    """A quantity in the reader's language, without trailing zeros."""
    return "" if value is None else format_decimal(value)


def relative(value: datetime | None) -> str:
    """A moment relative to now in the reader's language: "in 3 hours", "2 days ago"."""
    return "" if value is None else format_timedelta(value - datetime.now(UTC), add_direction=True)


# Errors of pages and API alike are handled here: an API request gets problem+json, a page an error page.
def _page_error(error: HTTPException):  # noqa: ANN202
    if is_api_request():
        return from_http_exception(error)
    return render_template("errors/http.html", error=error), error.code


def _domain_error(error: DomainError):  # noqa: ANN202
    if is_api_request():
        return from_domain_error(error)
    return render_template("errors/domain.html", error=error), error.status


def _nav_items() -> list[tuple[str, str, str]]:
    """(endpoint, label, section) of the main navigation: the links whose pages let the user's role in."""
    if not current_user.is_authenticated:
        return []
    views = current_app.view_functions
    return [(endpoint, str(label), section) for endpoint, label, section in NAVIGATION
            if endpoint in views and current_user.role in getattr(views[endpoint], "required_roles", ())]


def _template_context() -> dict:
    return {"nav_items": _nav_items(), "current_locale": get_locale().language if get_locale() else "en",
            "htmx_version": HTMX_VERSION, "languages": current_app.config["LANGUAGES"],
            "today": datetime.now(get_timezone()).date(), "company_zone_name": str(get_timezone())}


def _security_headers(response: Response) -> Response:
    """Every page's HTML gets the strict policy (a page that set its own keeps it); the API's docs do not."""
    if request.blueprint in current_app.extensions["dispatch.pages"] and response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", map_page_policy())
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    """Register the pages, HTML error pages, template helpers and security headers."""
    pages = page_blueprints()
    for blueprint in pages:
        app.register_blueprint(blueprint)
    # Derived, not listed: a new capability's pages are covered by the policy the day they are registered.
    app.extensions["dispatch.pages"] = frozenset(blueprint.name for blueprint in pages)
    for code in (400, 403, 404, 405, 409, 413, 415, 422, 429):
        app.register_error_handler(code, _page_error)
    app.register_error_handler(DomainError, _domain_error)
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["relative"] = relative
    app.context_processor(_template_context)
    app.after_request(_security_headers)
