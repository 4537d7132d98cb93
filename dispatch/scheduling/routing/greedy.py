"""Regret insertion with a local improvement pass: fast, deterministic, and the seed the solver starts from.

Every job keeps its cheapest feasible insertion (the least added driving) on each able technician. The job
placed next is the one that loses most if it waits: the largest gap between its best and second-best
technician (a job only one technician can still take goes first), ties going to the narrowest window and
fewest able technicians. Plain cheapest insertion in a fixed order fills the day with easy jobs and leaves
out the ones with one option left. Then each route is shortened (moving a job, reversing a stretch), jobs
move between technicians where that drives less, and what was left out is tried again.

Feasibility is checked in constant time from each route's earliest ends and latest starts
(``Problem.latest_starts``); the routes returned are timed by ``Problem.route``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from dispatch.scheduling.routing import improving
from dispatch.scheduling.routing.problem import NO_TIME, Fixed, Job, Problem, Solution, Stop, Technician

# A job that only one technician can still take: it goes before any job with two options.
ONLY_OPTION = 10**9


@dataclass
class Tour:
    """One technician's stops in order, with the earliest end and latest start of each (unrounded)."""

    technician: Technician
    problem: Problem
    stops: list[Stop] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    latest: list[int] = field(default_factory=list)
    places: list[int | None] = field(default_factory=list)  # home, each stop's place, home
    links: list[int] = field(default_factory=list)  # driving minutes between consecutive places

    def __post_init__(self) -> None:
        self.stops = list(self.technician.fixed)
        self.refresh()

    def refresh(self) -> None:
        """Recompute the earliest ends, latest starts and drives after the stops changed."""
        technician, problem = self.technician, self.problem
        self.ends = []
        now, here = technician.start, technician.home
        for stop in self.stops:
            arrival = technician.arrive(now, problem.travel(here, stop.location))
            if isinstance(stop, Fixed):
                now = stop.end
            else:
                now = technician.first_start(max(arrival, stop.earliest), stop.duration) + stop.duration
            self.ends.append(now)
            here = stop.location
        self.latest = problem.latest_starts(technician, self.stops)
        self.places = [technician.home, *(stop.location for stop in self.stops), technician.home]
        self.links = [problem.travel(a, b) for a, b in zip(self.places, self.places[1:], strict=False)]

    def place(self, position: int) -> int | None:
        """Where the technician is before ``position``: home, or the previous stop."""
        return self.places[position]

    def fits(self, job: Job, position: int) -> bool:
        """Whether ``job`` inserted before ``position`` starts in its window and keeps every later stop."""
        technician, travel = self.technician, self.problem.travel
        ready = self.ends[position - 1] if position else technician.start
        arrival = technician.arrive(ready, travel(self.place(position), job.location))
        start = technician.first_start(max(arrival, job.earliest), job.duration)
        if start > job.latest or start + job.duration > technician.end:
            return False
        if position == len(self.stops):
            return True
        drive = travel(job.location, self.stops[position].location)
        return technician.arrive(start + job.duration, drive) <= self.latest[position]

    def added(self, job: Job, position: int) -> int:
        """Driving minutes that inserting ``job`` before ``position`` adds."""
        travel = self.problem.travel
        return (travel(self.places[position], job.location) + travel(job.location, self.places[position + 1])
                - self.links[position])

    def cheapest(self, job: Job, below: int | None = None) -> tuple[int, int] | None:
        """(added driving, position) of the cheapest insertion that keeps every visit on time (and adds less
        than ``below``)."""
        here, minutes, places, links, ends = job.location, self.problem.minutes, self.places, self.links, self.ends
        assert here is not None, "jobs not located are left out before planning"
        column = [0 if place is None else minutes[place][here] for place in places]
        row = minutes[here]
        options = []
        for position in range(len(places) - 1):
            if position and ends[position - 1] > job.latest:
                break  # every later position is later still
            after = places[position + 1]
            cost = column[position] + (0 if after is None else row[after]) - links[position]
            if below is None or cost < below:
                options.append((cost, position))
        options.sort()
        return next((option for option in options if self.fits(job, option[1])), None)

    def after_insert(self, job: Job, option: tuple[int, int] | None, inserted: int) -> tuple[int, int] | None:
        """``cheapest(job)`` again after a stop went in before ``inserted``, given the ``option`` it was.

        An insertion only makes the route later and longer: no job fits where it fitted nowhere, and the
        cheapest is its old place if that still fits, unless one of the two new places beside the new stop
        is cheaper. On a road map, that is; other matrices may miss a place, never use a wrong one.
        """
        if option is None:
            return None
        if option[1] == inserted:
            return self.cheapest(job)
        best = (option[0], option[1] + (option[1] > inserted))
        if not self.fits(job, best[1]):
            return self.cheapest(job)
        for position in (inserted, inserted + 1):
            cost = self.added(job, position)
            if cost < best[0] and self.fits(job, position):
                best = (cost, position)
        return best

    def insert(self, job: Job, position: int) -> None:
        self.stops.insert(position, job)
        self.refresh()


def plan(problem: Problem) -> Solution:
    """Routes for ``problem`` by regret insertion, then shortened."""
    started = time.perf_counter()
    tours = {t.id: Tour(t, problem) for t in problem.technicians}
    unassigned: dict[int, str] = {}
    able: dict[int, list[int]] = {}
    for job in problem.jobs:
        reason = problem.reason_left_out(job)
        if reason:
            unassigned[job.id] = reason
        else:
            able[job.id] = [t.id for t in problem.eligible(job)]
    jobs = [job for job in problem.jobs if job.id in able]
    left = insert(jobs, able, tours)
    if improving.improve(tours, able):
        left = insert(left, able, tours)
    unassigned |= {job.id: NO_TIME for job in left}
    routes = {}
    for technician_id, tour in tours.items():
        route = problem.route(tour.technician, tour.stops)
        assert route is not None, "insertions and moves keep every route on time"
        routes[technician_id] = route
    return Solution(routes, unassigned, "greedy", time.perf_counter() - started)


def insert(jobs: list[Job], able: dict[int, list[int]], tours: dict[int, Tour]) -> list[Job]:
    """Insert ``jobs`` by regret into ``tours``; the jobs that fit nowhere, in their given order."""
    options = {job.id: {t: tours[t].cheapest(job) for t in able[job.id]} for job in jobs}
    ranks = {job.id: _rank(job, options[job.id], able) for job in jobs}
    waiting = {job.id: job for job in jobs if ranks[job.id] is not None}
    left = [job for job in jobs if ranks[job.id] is None]
    while waiting:
        job = waiting.pop(min(waiting, key=ranks.__getitem__))  # type: ignore[arg-type]
        _, _, technician_id, position = ranks.pop(job.id)  # type: ignore[misc]
        tour = tours[technician_id]
        tour.insert(job, position)
        for other in list(waiting.values()):
            choices = options[other.id]
            if technician_id not in choices:
                continue
            before = choices[technician_id]
            after = choices[technician_id] = tour.after_insert(other, before, position)
            rank = ranks[other.id]
            if before and after and before[0] == after[0]:  # the same cost elsewhere: the same order
                if rank and rank[2] == technician_id:
                    ranks[other.id] = (rank[0], other.id, technician_id, after[1])
                continue
            rank = ranks[other.id] = _rank(other, choices, able)
            if rank is None:
                left.append(waiting.pop(other.id))
    left_ids = {job.id for job in left}
    return [job for job in jobs if job.id in left_ids]


Rank = tuple[tuple[int, int, int, int, int], int, int, int]  # order key, job id, technician, position


def _rank(job: Job, options: dict[int, tuple[int, int] | None], able: dict[int, list[int]]) -> Rank | None:
    """Where ``job`` goes best and how soon it should: smaller first; None when it fits nowhere.

    The order: the largest regret (the second-cheapest insertion on another technician less the
    cheapest), then the narrowest window, the fewest able technicians, the longest visit, the job id.
    """
    best: tuple[int, int, int] | None = None
    second: tuple[int, int, int] | None = None
    for technician_id, option in options.items():
        if option is None:
            continue
        candidate = (option[0], technician_id, option[1])
        if best is None or candidate < best:
            best, second = candidate, best
        elif second is None or candidate < second:
            second = candidate
    if best is None:
        return None
    regret = second[0] - best[0] if second else ONLY_OPTION
    return (-regret, job.latest - job.earliest, len(able[job.id]), -job.duration, job.id), job.id, best[1], best[2]
