"""The board API answers with ``dump_board`` (a direct dump, several times faster on a full board) while
``BoardOut`` documents it: the two must give the same, down to conflicts, absences, homes and the queue."""

from __future__ import annotations

from datetime import timedelta

from dispatch.dbtypes import utcnow
from dispatch.enums import AbsenceReason
from dispatch.extensions import db
from dispatch.scheduling.board import services
from dispatch.scheduling.board.schemas import BoardOut, dump_board
from dispatch.scheduling.models import Absence
from tests.scheduling.board.support import MAASTRICHT, at, board_day, planned


def test_the_direct_dump_is_what_the_documented_schema_gives(make):
    day = board_day()
    technician = make.user("technician", skills=["boiler"], home_latitude=52.1, home_longitude=5.1)
    planned(make, technician, at(day, 9))
    planned(make, technician, at(day, 9, 30), customer=make.customer(**MAASTRICHT), required_skills=["solar"])
    db.session.add(Absence(technician_id=technician.id, starts_at=at(day, 13), ends_at=at(day, 17),
                           reason=AbsenceReason.SICKNESS.value))
    make.job(make.ticket(due_at=utcnow() - timedelta(hours=1)))
    make.job(make.ticket())
    db.session.commit()

    for days in (1, 7):
        board = services.board(day, days)
        assert board.queue and board.lanes[0].absences and board.lanes[0].home
        assert {conflict.code for job in board.lanes[0].jobs for conflict in job.conflicts} >= {
            "overlap", "missing_skill"}
        assert dump_board(board) == BoardOut().dump(board)
