"""The dispatch board page: lanes per technician (day or week), the unscheduled queue and a map of the day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import get_translations

from dispatch.auth.access import roles_required
from dispatch.enums import Role
from dispatch.scheduling.board import layout, services

bp = Blueprint("scheduling_board", __name__)

# Technicians' colours on the board and the map (board.css and board.js use the same ten).
COLOURS = 10


@bp.get("/board")
@roles_required(Role.AGENT, Role.ADMIN)
def board():  # noqa: ANN201
    """The board of a day (``?day=YYYY-MM-DD``) or of a week from it (``&days=7``)."""
    days = 7 if request.args.get("days") == "7" else 1
    data = services.board(_day(request.args.get("day")), days)
    step = timedelta(days=days)
    return render_template(
        "scheduling/board/board.html", board=data, layout=layout, colours=COLOURS,
        axis=layout.day_axis(data) if days == 1 else None,
        previous_day=data.day - step, next_day=data.day + step,
        plan_url=_link("scheduling_routes.plan", day=data.day.isoformat()),
        route_links=days == 1 and "scheduling_routes.route" in current_app.view_functions,
        tile_url=current_app.config["MAP_TILE_URL"], attribution=current_app.config["MAP_ATTRIBUTION"],
        card=layout.CardFormat(data.zone, _job_url(), get_translations()),
    )


def _job_url() -> str:
    """The job page's address without the id: cards append theirs (a thousand ``url_for`` calls saved)."""
    url = url_for("scheduling.job", job_id=0)
    assert url.endswith("/0"), url
    return url[:-1]


def _day(value: str | None) -> date | None:
    """The asked day; None (today) when missing or not a date."""
    try:
        return datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None


def _link(endpoint: str, **values: object) -> str | None:
    """The URL of another engineer's page, or None while that page does not exist."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None
