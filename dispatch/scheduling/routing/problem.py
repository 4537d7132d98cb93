"""The routing problem in plain numbers, and the one timing rule every plan is judged by.

Times are whole minutes since the start of the planned day; places are indexes into a travel matrix of
driving minutes (None: the address is not located, so driving to or from it counts as nothing). No Flask,
no database: the greedy planner, the OR-Tools solver and the tests all work on these values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

Span = tuple[int, int]

# Why a job stays unassigned.
UNLOCATED = "address_not_located"
NO_SKILL = "no_skilled_technician"
NO_TIME = "no_time"
# Visits start on a multiple of this many minutes where the day allows: "15:40" reads right, "15:37" odd.
ROUNDING = 5
# A latest start that no start reaches: the stop cannot be kept whenever the technician arrives.
NEVER = -(10**9)


@dataclass(frozen=True)
class Job:
    """A job to place: where, how long, which skills, and when it may start."""

    id: int
    location: int | None
    duration: int
    earliest: int  # earliest start (the appointment window or the working day)
    latest: int  # latest start
    skills: frozenset[str] = frozenset()
    technicians: frozenset[int] | None = None  # only these may do it; None: anyone with the skills


@dataclass(frozen=True)
class Fixed:
    """A booking that stays where it is (started, done, or outside this plan)."""

    job_id: int
    location: int | None
    start: int
    end: int


Stop = Job | Fixed


@dataclass(frozen=True)
class Technician:
    """A technician's day: leaves home at ``start``, no visit ends after ``end``, none overlaps a break."""

    id: int
    home: int | None
    start: int
    end: int
    skills: frozenset[str]
    breaks: tuple[Span, ...] = ()  # sorted; not working (lunch, absence): driving waits, visits avoid them
    fixed: tuple[Fixed, ...] = ()  # sorted by start

    def arrive(self, depart: int, drive: int) -> int:
        """When a drive of ``drive`` minutes leaving at ``depart`` arrives, pausing for breaks on the way."""
        now, left = depart, drive
        for begin, finish in self.breaks:
            if finish <= now:
                continue
            if begin >= now + left:
                break
            left -= max(0, begin - now)
            now = max(now, finish)
        return now + left

    def latest_departure(self, drive: int, arrival: int) -> int:
        """The latest moment a drive of ``drive`` minutes can leave and still ``arrive`` by ``arrival``."""
        moment, left = arrival, drive
        for begin, finish in reversed(self.breaks):
            if begin >= moment:
                continue
            if finish <= moment:
                if left <= moment - finish:
                    return moment - left
                left -= moment - finish
            elif left == 0:  # ``arrive`` waits out a break it leaves in, even for no driving
                return begin
            moment = begin
        return moment - left

    def latest_start(self, moment: int, duration: int) -> int:
        """The last start at or before ``moment`` whose visit overlaps no break."""
        for begin, finish in reversed(self.breaks):
            if begin < moment + duration and finish > moment:
                moment = begin - duration
        return moment

    def rounded_start(self, moment: int, duration: int) -> int:
        """The first start at or after ``moment`` on a multiple of ROUNDING whose visit overlaps no break."""
        while moment % ROUNDING:
            moment = self.first_start(moment + ROUNDING - moment % ROUNDING, duration)
        return moment

    def first_start(self, moment: int, duration: int) -> int:
        """The first start at or after ``moment`` whose visit overlaps no break."""
        for begin, finish in self.breaks:
            if finish <= moment:
                continue
            if begin >= moment + duration:
                break
            moment = finish
        return moment


@dataclass(frozen=True)
class Visit:
    job_id: int
    start: int
    end: int
    travel: int  # driving minutes from the previous stop (or home)
    fixed: bool = False


@dataclass
class Route:
    technician_id: int
    visits: list[Visit]
    return_travel: int = 0  # driving home after the last visit

    @property
    def travel_minutes(self) -> int:
        return sum(visit.travel for visit in self.visits) + self.return_travel


@dataclass
class Solution:
    """Routes per technician, the jobs left out with the reason, and which planner produced it."""

    routes: dict[int, Route]
    unassigned: dict[int, str]
    engine: str
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def travel_minutes(self) -> int:
        return sum(route.travel_minutes for route in self.routes.values())

    def rank(self) -> tuple[int, int]:
        """Fewer jobs left out first, then less driving: smaller is better."""
        return len(self.unassigned), self.travel_minutes

    def stops(self, technician_id: int, problem: Problem) -> list[Stop]:
        """The technician's route as stops (fixed bookings and jobs) in order."""
        return [problem.stop(visit.job_id, technician_id) for visit in self.routes[technician_id].visits]


@dataclass
class Problem:
    technicians: list[Technician]
    jobs: list[Job]
    minutes: Sequence[Sequence[int]]  # driving minutes between places (row: from, column: to)

    def __post_init__(self) -> None:
        self._jobs = {job.id: job for job in self.jobs}
        self._technicians = {t.id: t for t in self.technicians}
        self._fixed = {(t.id, f.job_id): f for t in self.technicians for f in t.fixed}

    def travel(self, origin: int | None, destination: int | None) -> int:
        """Driving minutes; nothing to or from a place that is not located."""
        if origin is None or destination is None:
            return 0
        return self.minutes[origin][destination]

    def technician(self, technician_id: int) -> Technician:
        return self._technicians[technician_id]

    def stop(self, job_id: int, technician_id: int) -> Stop:
        return self._fixed.get((technician_id, job_id)) or self._jobs[job_id]

    def eligible(self, job: Job) -> list[Technician]:
        """Technicians with the job's skills (and among those it is limited to)."""
        return [t for t in self.technicians if job.skills <= t.skills
                and (job.technicians is None or t.id in job.technicians)]

    def reason_left_out(self, job: Job) -> str | None:
        """Why the job cannot be routed at all, before any planning; None when it can be tried."""
        if job.location is None:
            return UNLOCATED
        if not self.eligible(job):
            return NO_SKILL
        return None

    def route(self, technician: Technician, stops: Sequence[Stop]) -> Route | None:
        """The stops in this order, or None when a window, break or the day's end does not allow it.

        Each visit starts at its earliest minute rounded up to ROUNDING, unless rounding would make it or
        a later stop late: then at its earliest minute. So a route fits exactly when it fits unrounded.
        """
        latest = self.latest_starts(technician, stops)
        visits: list[Visit] = []
        now, here = technician.start, technician.home
        for stop, last in zip(stops, latest, strict=True):
            drive = self.travel(here, stop.location)
            arrival = technician.arrive(now, drive)
            if isinstance(stop, Fixed):
                if arrival > stop.start:
                    return None
                visits.append(Visit(stop.job_id, stop.start, stop.end, drive, fixed=True))
            else:
                start = technician.first_start(max(arrival, stop.earliest), stop.duration)
                if start > last:
                    return None
                rounded = technician.rounded_start(start, stop.duration)
                start = rounded if rounded <= last else start
                visits.append(Visit(stop.id, start, start + stop.duration, drive))
            now, here = visits[-1].end, stop.location
        return Route(technician.id, visits, self.travel(here, technician.home) if visits else 0)

    def latest_starts(self, technician: Technician, stops: Sequence[Stop]) -> list[int]:
        """The latest start of each stop that keeps it and every later stop on time (NEVER: none does).

        A fixed booking starts when it starts; a job by its window's end, before the day's end and far
        enough ahead of the next stop's latest start, on a start that overlaps no break.
        """
        latest = [NEVER] * len(stops)
        after: tuple[int | None, int] | None = None  # the next stop's place and latest arrival
        for index in range(len(stops) - 1, -1, -1):
            stop = stops[index]
            if isinstance(stop, Fixed):
                last, duration = stop.start, stop.end - stop.start
            else:
                last, duration = min(stop.latest, technician.end - stop.duration), stop.duration
            if after is not None:
                if after[1] == NEVER:
                    return latest
                leave = technician.latest_departure(self.travel(stop.location, after[0]), after[1])
                if isinstance(stop, Fixed):
                    if stop.end > leave:
                        return latest
                else:
                    last = min(last, leave - duration)
            if not isinstance(stop, Fixed):
                last = technician.latest_start(last, duration)
                if last < stop.earliest:
                    return latest
            latest[index] = last
            after = (stop.location, last)
        return latest


def technician(technician_id: int, home: int | None, skills: frozenset[str], available: Sequence[Span],
               fixed: Sequence[Fixed], travel: Callable[[int | None, int | None], int]) -> Technician | None:
    """A technician's day from their available intervals (working hours less absences) and fixed bookings.

    Fixed bookings are real and may be tight or overlap (an agent overrode a conflict): the model moves
    them later where needed so that the day stays solvable, and lets breaks give way where the drive
    between two fixed bookings needs the time. None when the technician has neither time nor bookings.
    """
    chain: list[Fixed] = []
    here = home
    for booking in sorted(fixed, key=lambda f: (f.start, f.job_id)):
        start = booking.start
        if chain:
            start = max(start, chain[-1].end + travel(here, booking.location))
        chain.append(Fixed(booking.job_id, booking.location, start, start + booking.end - booking.start))
        here = booking.location
    edges = [span for span in available if span[1] > span[0]] + [(f.start, f.end) for f in chain]
    if not edges:
        return None
    first = min(begin for begin, _ in edges)
    last = max(finish for _, finish in edges)
    start = min(first, chain[0].start - travel(home, chain[0].location)) if chain else first
    breaks = _gaps((first, last), sorted(edges))
    previous_end, here = start, home
    for booking in chain:
        breaks = _make_way(breaks, (previous_end, booking.start), travel(here, booking.location))
        previous_end, here = booking.end, booking.location
    return Technician(technician_id, home, start, last, skills, tuple(breaks), tuple(chain))


def _gaps(span: Span, covered: list[Span]) -> list[Span]:
    """The parts of ``span`` that no interval of ``covered`` (sorted) covers."""
    gaps, now = [], span[0]
    for begin, finish in covered:
        if begin > now:
            gaps.append((now, min(begin, span[1])))
        now = max(now, finish)
    if now < span[1]:
        gaps.append((now, span[1]))
    return [gap for gap in gaps if gap[1] > gap[0]]


def _make_way(breaks: list[Span], gap: Span, drive: int) -> list[Span]:
    """Breaks inside ``gap`` shortened (the latest first) until the drive across the gap fits."""
    inside = [b for b in breaks if gap[0] <= b[0] and b[1] <= gap[1]]
    short = drive - (gap[1] - gap[0] - sum(finish - begin for begin, finish in inside))
    if short <= 0:
        return breaks
    kept = [b for b in breaks if b not in inside]
    for begin, finish in reversed(inside):
        cut = min(short, finish - begin)
        short -= cut
        if finish - cut > begin:
            kept.append((begin, finish - cut))
    return sorted(kept)
