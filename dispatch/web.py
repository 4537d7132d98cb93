"""The back office: page blueprints of every capability, the home page and error pages."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from dispatch.api.problems import from_http_exception, is_api_request
from dispatch.enums import Role

home = Blueprint("home", __name__)
# Back-office CSS, JS and vendored libraries; the technician PWA has its own folder (pwa/, at /app/).
assets = Blueprint("assets", __name__, static_folder="static", static_url_path="/static")

# Where each role starts its day.
START_PAGE = {
    Role.ADMIN: "desk.tickets",
    Role.AGENT: "desk.tickets",
    Role.TECHNICIAN: "field.app_shell",
    Role.BILLING: "billing.invoices",
}


@home.get("/")
def index():  # noqa: ANN201
    """Send a signed-in user to their role's start page, others to the login page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(START_PAGE[current_user.role]))


def page_blueprints() -> list[Blueprint]:
    """Every capability's back-office blueprint."""
    from dispatch.auth.views import bp as auth_bp
    from dispatch.billing.views import bp as billing_bp
    from dispatch.desk.views import bp as desk_bp
    from dispatch.field.views import bp as field_bp
    from dispatch.scheduling.views import bp as scheduling_bp

    return [home, assets, auth_bp, desk_bp, scheduling_bp, field_bp, billing_bp]


def _page_error(error: HTTPException):  # noqa: ANN202
    if is_api_request():
        return from_http_exception(error)
    return render_template("errors/http.html", error=error), error.code


def init_app(app: Flask) -> None:
    """Register the pages and HTML error pages."""
    for blueprint in page_blueprints():
        app.register_blueprint(blueprint)
    for code in (400, 403, 404, 405, 413, 415, 429):
        app.register_error_handler(code, _page_error)
    app.jinja_env.globals["Role"] = Role
