"""Where things go on the board page: the day view's time axis and the week view's day cells.

Plain arithmetic on a loaded ``Board``: minutes from the axis start and lengths in minutes, which the page
turns into positions (the board's script sets them; without it the same items read as lists).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import format_datetime

from dispatch.enums import Priority
from dispatch.scheduling.availability import UTC, Span
from dispatch.scheduling.board.services import Board, BoardJob, Lane

# The day view shows these local hours at least, widened to fit the day's working hours and jobs.
FIRST_HOUR, LAST_HOUR = 7, 19
# Where a job dropped on a week cell starts when it has no time of its own yet (local time).
DEFAULT_START = time(9)


@dataclass
class Axis:
    start: datetime
    minutes: int
    ticks: list[tuple[int, str]]  # (minutes from the start, local hour label)


@dataclass
class Cell:
    """One technician's local day in the week view."""

    day: date
    start: datetime  # local midnight, UTC
    jobs: list[BoardJob] = field(default_factory=list)
    working: bool = False
    absent: bool = False


def minutes(later: datetime, earlier: datetime) -> int:
    return int((later - earlier).total_seconds() // 60)


def day_axis(board: Board) -> Axis:
    """The local hours the day view shows, as minutes from its start, with an hour label per tick."""
    zone = board.zone
    first, last = FIRST_HOUR, LAST_HOUR
    for lane in board.lanes:
        spans = [*lane.working, *((job.start, job.end) for job in lane.jobs)]
        for begin, finish in spans:
            first = min(first, begin.astimezone(zone).hour if begin > board.start else 0)
            local_end = finish.astimezone(zone)
            last = max(last, 24 if finish >= board.end else local_end.hour + (1 if local_end.minute else 0))
    start = datetime.combine(board.day, time(first), zone).astimezone(UTC)
    end = (datetime.combine(board.day, time(last), zone) if last < 24 else board.end).astimezone(UTC)
    ticks = []
    moment = start
    while moment < end:
        ticks.append((minutes(moment, start), moment.astimezone(zone).strftime("%H:%M")))
        moment += timedelta(hours=1)
    return Axis(start=start, minutes=minutes(end, start), ticks=ticks)


def place(axis: Axis, begin: datetime, finish: datetime) -> tuple[int, int]:
    """(offset, length) in minutes of ``begin``..``finish`` clipped to the axis."""
    end = axis.start + timedelta(minutes=axis.minutes)
    begin, finish = max(begin, axis.start), min(finish, end)
    return minutes(begin, axis.start), max(minutes(finish, begin), 0)


def off_hours(axis: Axis, lane: Lane) -> list[tuple[int, int]]:
    """(offset, length) of the axis outside the lane's working intervals."""
    gaps, cursor = [], axis.start
    end = axis.start + timedelta(minutes=axis.minutes)
    for begin, finish in sorted(lane.working):
        if begin > cursor:
            gaps.append(place(axis, cursor, min(begin, end)))
        cursor = max(cursor, finish)
    if cursor < end:
        gaps.append(place(axis, cursor, end))
    return [gap for gap in gaps if gap[1] > 0]


def week_days(board: Board) -> list[tuple[date, datetime]]:
    """Each local day of the board with its local midnight in UTC."""
    return [(day, datetime.combine(day, time(0), board.zone).astimezone(UTC))
            for day in (board.day + timedelta(days=n) for n in range(board.days))]


def week_cells(board: Board, lane: Lane) -> list[Cell]:
    """The lane's jobs by the local day they start on, with whether the technician works or is away."""
    cells = [Cell(day, start) for day, start in week_days(board)]
    by_day = {cell.day: cell for cell in cells}
    for job in lane.jobs:
        cell = by_day.get(job.start.astimezone(board.zone).date())
        if cell is not None:
            cell.jobs.append(job)
    for cell, end in zip(cells, [*(cell.start for cell in cells[1:]), board.end], strict=True):
        span: Span = (cell.start, end)
        cell.working = any(begin < span[1] and finish > span[0] for begin, finish in lane.working)
        cell.absent = any(away.start < span[1] and away.end > span[0] for away in lane.absences)
    return cells


def default_offset() -> int:
    return DEFAULT_START.hour * 60 + DEFAULT_START.minute


class CardFormat:
    """What the board page's job cards share, worked out once per page: each distinct time's local clock and
    day offset, the job link, the translations for conflict messages, the priorities to badge."""

    def __init__(self, zone: Any, job_url: str, translations: Any) -> None:
        self.zone = zone
        self.job_url = job_url  # the job page's address without the id
        self.translations = translations
        self.priorities = list(Priority)
        self._clock: dict[datetime, str] = {}
        self._offset: dict[datetime, int] = {}
        self._iso: dict[datetime, str] = {}
        self._local: dict[tuple[datetime, str], str] = {}

    def clock(self, moment: datetime) -> str:
        """``HH:MM`` in the company's zone."""
        text = self._clock.get(moment)
        if text is None:
            text = self._clock[moment] = moment.astimezone(self.zone).strftime("%H:%M")
        return text

    def day_offset(self, moment: datetime) -> int:
        """Minutes since local midnight at which a job starts: a drop on another day keeps the time."""
        offset = self._offset.get(moment)
        if offset is None:
            local = moment.astimezone(self.zone)
            offset = self._offset[moment] = local.hour * 60 + local.minute
        return offset

    def localtime(self, moment: datetime, format: str) -> str:  # noqa: A002 - as the ``localtime`` filter
        """The ``localtime`` filter's text, once per distinct time and format."""
        text = self._local.get((moment, format))
        if text is None:
            text = self._local[moment, format] = format_datetime(moment, format)
        return text

    def iso(self, moment: datetime) -> str:
        text = self._iso.get(moment)
        if text is None:
            text = self._iso[moment] = moment.isoformat()
        return text
