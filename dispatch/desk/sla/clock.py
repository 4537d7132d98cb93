"""Business time: minutes counted only while the desk is open, in the company's zone, holidays skipped.

Pure arithmetic over a ``Calendar`` loaded once by the caller: no database, no request. Opening hours are
local wall-clock times, so an interval is turned into UTC instants day by day; a business minute is a real
minute inside an opening interval (the night of a DST change counts as long as it really is). A calendar
without any opening hours runs around the clock (every day 00:00-24:00); holidays are closed either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTE = timedelta(minutes=1)
DAY_MINUTES = 24 * 60
# No opening within this many days means the calendar can never reach the target (every day a holiday).
HORIZON_DAYS = 40 * 366


@dataclass(frozen=True)
class Calendar:
    """Opening intervals per weekday (0 Monday) as minutes of the day, holidays, and the zone they are in."""

    zone: ZoneInfo
    hours: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()

    @classmethod
    def of(cls, zone: ZoneInfo, intervals: list[tuple[int, time, time]], holidays: set[date] | frozenset[date]) \
            -> Calendar:
        """A calendar from (weekday, opens_at, closes_at) rows; a ``closes_at`` of 00:00 means midnight."""
        hours: dict[int, list[tuple[int, int]]] = {}
        for weekday, opens, closes in intervals:
            end = closes.hour * 60 + closes.minute or DAY_MINUTES
            hours.setdefault(weekday, []).append((opens.hour * 60 + opens.minute, end))
        return cls(zone, {day: tuple(sorted(spans)) for day, spans in hours.items()}, frozenset(holidays))

    @property
    def around_the_clock(self) -> bool:
        """No opening hours configured: every day counts whole."""
        return not any(self.hours.values())

    def openings(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's opening intervals as UTC instants (none on a holiday)."""
        if day in self.holidays:
            return []
        spans = ((0, DAY_MINUTES),) if self.around_the_clock else self.hours.get(day.weekday(), ())
        return [(self._instant(day, begin), self._instant(day, end)) for begin, end in spans]

    def _instant(self, day: date, minutes: int) -> datetime:
        day, minutes = day + timedelta(days=minutes // DAY_MINUTES), minutes % DAY_MINUTES
        return datetime.combine(day, time(minutes // 60, minutes % 60), self.zone).astimezone(UTC)


def add_business_minutes(calendar: Calendar, start: datetime, minutes: float) -> datetime:
    """The instant ``minutes`` business minutes after ``start`` (before it, when negative)."""
    if minutes == 0:
        return start
    left = timedelta(minutes=abs(minutes))
    spans = _forward(calendar, start) if minutes > 0 else _backward(calendar, start)
    for begin, end in spans:
        if left <= end - begin:
            return begin + left if minutes > 0 else end - left
        left -= end - begin
    raise ValueError("the business calendar has no opening hours within reach")


def business_minutes_between(calendar: Calendar, a: datetime, b: datetime) -> float:
    """Business minutes from ``a`` to ``b`` (negative when ``b`` is earlier)."""
    if b < a:
        return -business_minutes_between(calendar, b, a)
    total = timedelta()
    for begin, end in _forward(calendar, a):
        if begin >= b:
            break
        total += min(end, b) - begin
    return total / MINUTE


def _forward(calendar: Calendar, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Opening intervals from ``start`` on, the first one cut at ``start``."""
    start = start.astimezone(UTC)
    day = start.astimezone(calendar.zone).date() - timedelta(days=1)  # an interval may reach past midnight UTC
    for _ in range(HORIZON_DAYS):
        for begin, end in calendar.openings(day):
            if end > start:
                yield max(begin, start), end
        day += timedelta(days=1)


def _backward(calendar: Calendar, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Opening intervals before ``start``, latest first, the first one cut at ``start``."""
    start = start.astimezone(UTC)
    day = start.astimezone(calendar.zone).date() + timedelta(days=1)
    for _ in range(HORIZON_DAYS):
        for begin, end in reversed(calendar.openings(day)):
            if begin < start:
                yield begin, min(end, start)
        day -= timedelta(days=1)
