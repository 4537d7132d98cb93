"""/api/v1/board: the dispatch board's data for a day or a week."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from dispatch.auth.access import roles_required
from dispatch.enums import Role
from dispatch.scheduling.board import services
from dispatch.scheduling.board.schemas import BoardArgs, BoardOut, dump_board

blp = Blueprint("api_scheduling_board", __name__, url_prefix="/api/v1", description="Dispatch board")


@blp.route("/board", methods=["GET"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(BoardArgs, location="query")
@blp.response(200, BoardOut)
def get_board(args: dict):
    """Lanes of the active technicians with their jobs and conflicts (UTC), and the queue by urgency."""
    board = services.board(args.get("day"), args["days"], args["queue_limit"])
    # Dumped directly (``BoardOut`` gives the same, ten times slower on a full board); a Response passes as is.
    return current_app.json.response(dump_board(board))
