"""Route pages: plan the day (``/board/plan``) and reorder one technician's day (``/board/route/<id>``).

Both show the proposal as tables and apply exactly what was shown: the Apply form carries the plan, and
the services check it against the calendars of the moment (409 when it no longer fits).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Regexp

from dispatch.auth.access import roles_required
from dispatch.enums import Role
from dispatch.errors import Conflict, Invalid
from dispatch.scheduling.routing import applying, services
from dispatch.scheduling.routing.services import Change, Proposal

bp = Blueprint("scheduling_routes", __name__)

# job:technician:start:end (UNIX seconds), one per visit, space-separated.
PLAN_PATTERN = r"^\d+:\d+:\d+:\d+( \d+:\d+:\d+:\d+)*$"


class ApplyForm(FlaskForm):
    day = HiddenField(_l("Day"), validators=[DataRequired(), Regexp(r"^\d{4}-\d{2}-\d{2}$")])
    plan = HiddenField(_l("Plan"), validators=[DataRequired(), Regexp(PLAN_PATTERN)])
    engine = HiddenField(_l("Planner"), validators=[Regexp(r"^(greedy|solver|current)?$")])


@bp.get("/board/plan")
@roles_required(Role.AGENT, Role.ADMIN)
def plan():  # noqa: ANN201
    """A plan for the day's waiting jobs across the technicians (``?day=YYYY-MM-DD&solver=auto|greedy``)."""
    proposal = services.plan_day(_day(request.args.get("day")), _solver())
    return _page(proposal)


@bp.post("/board/plan")
@roles_required(Role.AGENT, Role.ADMIN)
def apply_plan():  # noqa: ANN201
    """Schedule the plan that was shown."""
    return _apply(services.DAY_PLAN, None)


@bp.get("/board/route/<int:technician_id>")
@roles_required(Role.AGENT, Role.ADMIN)
def route(technician_id: int):  # noqa: ANN201
    """The technician's day reordered to drive less, next to the day as it stands."""
    proposal = services.optimise_route(technician_id, _day(request.args.get("day")), _solver())
    return _page(proposal)


@bp.post("/board/route/<int:technician_id>")
@roles_required(Role.AGENT, Role.ADMIN)
def apply_route(technician_id: int):  # noqa: ANN201
    """Reschedule the technician's day in the order that was shown."""
    services.technician_or_not_found(technician_id)
    return _apply(services.ROUTE, technician_id)


def _apply(kind: str, technician_id: int | None):  # noqa: ANN202
    form = ApplyForm()
    day = _valid_day(form.day.data) if form.validate_on_submit() else None
    if day is None:
        flash(_("The plan could not be read; here is a new one."), "error")
        return _again(kind, technician_id, None), 422
    try:
        changes = [_change(item) for item in form.plan.data.split()]
        applying.apply_changes(kind, day, changes, current_user.id, technician_id=technician_id,
                               engine=form.engine.data or None)
    except (Conflict, Invalid) as error:
        flash(" ".join([error.detail, *error.errors.get("plan", [])]), "error")
        return _again(kind, technician_id, day), error.status
    flash(_("Plan applied: %(count)s jobs scheduled.", count=len(changes)), "success")
    return redirect(_board_url(day), 303)


def _again(kind: str, technician_id: int | None, day: date | None) -> str:
    """The page with a fresh proposal, after an Apply that did not go through."""
    day = day or _day(None)
    if kind == services.ROUTE:
        assert technician_id is not None
        return _page(services.optimise_route(technician_id, day, "greedy"))
    return _page(services.plan_day(day, "greedy"))


def _page(proposal: Proposal) -> str:
    """The proposal's page, with the Apply form carrying exactly what it shows."""
    if proposal.kind == services.ROUTE:
        assert proposal.technician_id is not None
        return render_template("scheduling/routing/route.html", proposal=proposal, form=_form(proposal),
                               technician=services.technician_or_not_found(proposal.technician_id),
                               board_url=_board_url(proposal.day))
    return render_template("scheduling/routing/plan.html", proposal=proposal, form=_form(proposal),
                           board_url=_board_url(proposal.day))


def _change(item: str) -> Change:
    job_id, technician_id, start, end = (int(part) for part in item.split(":"))
    try:
        return Change(job_id, technician_id, datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC))
    except (OverflowError, OSError, ValueError) as error:
        raise Invalid(_("The plan could not be read."), errors={"plan": [_("A time is out of range.")]}) from error


def _form(proposal: Proposal) -> ApplyForm:
    form = ApplyForm(formdata=None)
    form.day.data = proposal.day.isoformat()
    form.plan.data = " ".join(f"{c.job_id}:{c.technician_id}:{int(c.start.timestamp())}:{int(c.end.timestamp())}"
                              for c in proposal.changes)
    form.engine.data = proposal.engine
    return form


def _board_url(day: date) -> str:
    if "scheduling_board.board" in current_app.view_functions:
        return url_for("scheduling_board.board", day=day.isoformat())
    return url_for("scheduling.jobs")


def _valid_day(value: str | None) -> date | None:
    try:
        return datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None


def _day(value: str | None) -> date:
    """The asked day, else today in the company's zone."""
    return _valid_day(value) or services.today()


def _solver() -> str:
    return "greedy" if request.args.get("solver") == "greedy" else "auto"
