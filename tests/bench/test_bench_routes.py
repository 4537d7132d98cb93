"""Issue 5, routes: plan a day of 200 jobs over 20 technicians, greedy against the OR-Tools solver.

The day is spread over the Randstad, Brabant and Flanders (technicians live in their region), some jobs
have a two-hour appointment window, skills vary, a few technicians have a booking already and a lunch
break. Figures: jobs planned, total driving (minutes, km), wall time, visits starting on round minutes;
and the solver/greedy ratios.
"""

from __future__ import annotations

import random
import time

import pytest

from dispatch.scheduling.geo.travel import GeodesicEstimator
from dispatch.scheduling.routing import greedy, solver
from dispatch.scheduling.routing.problem import ROUNDING, Fixed, Job, Problem, Solution, technician

pytestmark = pytest.mark.bench

# (south, west, north, east) and the share of jobs there.
REGIONS = {
    "Randstad": ((51.85, 4.20, 52.45, 5.20), 0.45),
    "Brabant": ((51.40, 4.60, 51.80, 5.80), 0.30),
    "Flanders": ((50.85, 3.10, 51.30, 4.60), 0.25),
}
SKILLS = ("boiler", "heat_pump", "airco", "solar")
JOBS, TECHNICIANS = 200, 20
DAY = (8 * 60, 17 * 60)


def region_day(seed: int = 20261124) -> tuple[Problem, list]:
    rng = random.Random(seed)
    travel = GeodesicEstimator(1.3, 50.0)
    points: list[tuple[float, float]] = []

    def place(region: str) -> int:
        south, west, north, east = REGIONS[region][0]
        points.append((rng.uniform(south, north), rng.uniform(west, east)))
        return len(points) - 1

    names = list(REGIONS)
    weights = [share for _, share in REGIONS.values()]
    homes = [place(names[i % 3] if i < 18 else "Randstad") for i in range(TECHNICIANS)]
    job_places = [place(rng.choices(names, weights)[0]) for _ in range(JOBS)]
    fixed_places = [place(names[i % 3]) for i in range(5)]
    minutes = travel.matrix(points)

    def leg(a, b):
        return 0 if a is None or b is None else minutes[a][b]

    technicians = []
    for i, home in enumerate(homes):
        skills = frozenset(rng.sample(SKILLS, rng.choice((2, 3, 4))))
        available = [(480, 720), (750, 1020)] if i % 4 == 0 else [DAY]  # a lunch break for some
        fixed = [Fixed(10_000 + i, fixed_places[i], 540, 600)] if i < 5 else []  # already booked 9-10
        technicians.append(technician(i + 1, home, skills, available, fixed, leg))
    jobs = []
    for k, where in enumerate(job_places):
        earliest, latest = DAY
        if rng.random() < 0.3:
            earliest = rng.choice((480, 600, 720, 840))
            latest = earliest + 120
        jobs.append(Job(k + 1, where, rng.choices((20, 30, 45, 60), (2, 5, 2, 1))[0], earliest, latest,
                        frozenset(rng.sample(SKILLS, 1)) if rng.random() < 0.8 else frozenset()))
    return Problem(technicians, jobs, minutes), points


def km(problem: Problem, points: list, solution: Solution) -> float:
    """Road kilometres of every route, home to home."""
    travel = GeodesicEstimator(1.3, 50.0)
    total = 0.0
    for technician_ in problem.technicians:
        places = [technician_.home, *(s.location for s in solution.stops(technician_.id, problem)), technician_.home]
        places = [p for p in places if p is not None] if len(places) > 2 else []
        total += sum(travel.km(points[a], points[b]) for a, b in zip(places, places[1:], strict=False))
    return total


def test_plan_a_day_of_200_jobs_over_20_technicians_greedy_against_the_solver():
    problem, points = region_day()
    started = time.perf_counter()
    quick = greedy.plan(problem)
    greedy_seconds = time.perf_counter() - started
    rows = [("greedy", quick, greedy_seconds)]
    for limit in (10, 30):
        started = time.perf_counter()
        found = solver.plan(problem, limit, greedy.plan(problem))
        rows.append((f"solver {limit:>2} s ({found.engine})", found, time.perf_counter() - started))
    print(f"\n  {JOBS} jobs, {TECHNICIANS} technicians (Randstad, Brabant, Flanders)")
    print(f"  {'plan':<24} {'planned':>7} {'left out':>8} {'driving min':>11} {'driving km':>10} {'wall s':>8}")
    for label, solution, seconds in rows:
        planned = JOBS - len(solution.unassigned)
        print(f"  {label:<24} {planned:>7} {len(solution.unassigned):>8} {solution.travel_minutes:>11} "
              f"{km(problem, points, solution):>10.0f} {seconds:>8.2f}")
    for label, solution, _seconds in rows:
        starts = [visit.start for route in solution.routes.values() for visit in route.visits if not visit.fixed]
        print(f"  {label}: {sum(start % ROUNDING == 0 for start in starts)} of {len(starts)} visits start on "
              f"{ROUNDING} minutes")
    for label, solution, seconds in rows[1:]:
        print(f"  ratio {label} / greedy: driving {solution.travel_minutes / quick.travel_minutes:.2f}x, "
              f"km {km(problem, points, solution) / km(problem, points, quick):.2f}x, "
              f"jobs planned {(JOBS - len(solution.unassigned)) / (JOBS - len(quick.unassigned)):.2f}x, "
              f"time {seconds / greedy_seconds:.0f}x")
        assert solution.rank() <= quick.rank()  # seeded with greedy: never worse
