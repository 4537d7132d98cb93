"""Visit starts round up to five minutes ("15:40", not "15:37") wherever that keeps every window, break and
the day's end; a route fits exactly when it fits unrounded. ``Problem.route`` is the one rule for both
planners."""

from __future__ import annotations

import random

import pytest

from dispatch.scheduling.routing.problem import ROUNDING, Fixed, Job, Problem, Route, Technician, Visit
from tests.scheduling.routing.test_planners import MATRIX, job, planners, worker

ODD = [[0, 3, 7], [3, 0, 4], [7, 4, 0]]  # minutes that land visits on odd times


def starts(route: Route | None) -> list[int]:
    assert route is not None
    return [visit.start for visit in route.visits]


def test_a_visit_starts_on_the_next_five_minutes():
    tech = worker(home=0)
    problem = Problem([tech], [], ODD)
    assert starts(problem.route(tech, [job(1, 1, 30)])) == [485]  # arrives 8:03
    assert starts(problem.route(tech, [job(1, 1, 30), job(2, 2, 20)])) == [485, 520]  # 8:45 + 4 minutes


def test_rounding_never_leaves_the_window():
    tech = worker(home=0)
    problem = Problem([tech], [], ODD)
    assert starts(problem.route(tech, [job(1, 1, 30, window=(480, 484))])) == [483]


def test_rounding_gives_way_when_it_would_make_a_later_stop_late():
    tech = worker(home=0)
    problem = Problem([tech], [], ODD)
    # Rounding the first visit to 8:05 would reach the second at 8:39, after its window closes at 8:38.
    route = problem.route(tech, [job(1, 1, 30, window=(480, 600)), job(2, 2, 20, window=(480, 518))])
    assert starts(route) == [483, 517]


def test_rounding_skips_over_a_break():
    tech = worker(home=0, available=[(480, 485), (500, 1020)])
    problem = Problem([tech], [], ODD)
    assert starts(problem.route(tech, [job(1, 1, 10)])) == [500]


def test_fixed_bookings_keep_their_own_minutes():
    tech = worker(home=0, fixed=[Fixed(100, 2, 542, 577)])
    problem = Problem([tech], [], ODD)
    assert starts(problem.route(tech, [job(1, 1, 30), tech.fixed[0], job(2, 1, 10)])) == [485, 542, 585]


@pytest.mark.parametrize("name", ["greedy", "solver"])
def test_both_planners_start_visits_on_five_minutes_when_the_day_has_room(name):
    jobs = [job(i, place, 25, window=(451 + 30 * i, 1020)) for i, place in enumerate([3, 7, 2, 9, 5], start=1)]
    problem = Problem([worker(home=0, available=[(481, 1020)])], jobs, MATRIX)
    solution = planners(problem)[name]
    assert solution.unassigned == {}
    assert all(visit.start % ROUNDING == 0 for visit in solution.routes[1].visits)


def _random_day(rng: random.Random) -> Technician:
    """A day of up to four breaks of up to forty minutes, ending up to a hundred minutes after the last."""
    breaks, now = [], rng.randint(0, 30)
    for _ in range(rng.randint(0, 4)):
        begin = now + rng.randint(1, 40)
        now = begin + rng.randint(1, 40)
        breaks.append((begin, now))
    return Technician(1, 0, 0, now + rng.randint(0, 100), frozenset(), tuple(breaks))


def _unrounded(problem: Problem, technician: Technician, stops) -> list[Visit] | None:
    """The timing rule before rounding: each stop at its earliest minute."""
    visits, now, here = [], technician.start, technician.home
    for stop in stops:
        arrival = technician.arrive(now, problem.travel(here, stop.location))
        if isinstance(stop, Fixed):
            if arrival > stop.start:
                return None
            visits.append(Visit(stop.job_id, stop.start, stop.end, 0, fixed=True))
        else:
            start = technician.first_start(max(arrival, stop.earliest), stop.duration)
            if start > stop.latest or start + stop.duration > technician.end:
                return None
            visits.append(Visit(stop.id, start, start + stop.duration, 0))
        now, here = visits[-1].end, stop.location
    return visits


def test_a_route_fits_rounded_exactly_when_it_fits_unrounded():
    rng = random.Random(5)
    for _ in range(2000):
        tech = _random_day(rng)
        stops = []
        for k in range(rng.randint(0, 6)):
            moment = rng.randint(0, tech.end)
            if rng.random() < 0.2:
                stops.append(Fixed(100 + k, rng.randrange(3), moment, moment + rng.randint(5, 30)))
            else:
                stops.append(Job(k, rng.randrange(3), rng.choice((5, 10, 20, 30)), moment, moment + rng.randint(0, 80)))
        problem = Problem([tech], [], ODD)
        rounded, exact = problem.route(tech, stops), _unrounded(problem, tech, stops)
        assert (rounded is None) == (exact is None), (tech.breaks, stops)
        if rounded is not None and exact is not None:
            for visit, earliest, stop in zip(rounded.visits, exact, stops, strict=True):
                assert visit.start >= earliest.start
                if not visit.fixed:
                    assert visit.start <= stop.latest and visit.end <= tech.end
                    assert tech.first_start(visit.start, stop.duration) == visit.start  # overlaps no break


def test_latest_departure_and_latest_start_invert_arrive_and_first_start():
    rng = random.Random(7)
    for _ in range(500):
        tech = _random_day(rng)
        drive, arrival = rng.randint(0, 50), rng.randint(0, tech.end + 60)
        leave = tech.latest_departure(drive, arrival)
        assert tech.arrive(leave, drive) <= arrival < tech.arrive(leave + 1, drive)
        duration, moment = rng.randint(0, 40), rng.randint(0, tech.end + 60)
        latest = tech.latest_start(moment, duration)
        assert latest <= moment and tech.first_start(latest, duration) == latest
        assert all(tech.first_start(later, duration) != later for later in range(latest + 1, moment + 1))
