"""The greedy planner and the OR-Tools solver on small hand-made days: windows, working hours, skills,
fixed bookings, breaks and jobs that cannot be placed. Times are minutes since midnight; places are
points on a line, one minute of driving apart per unit."""

from __future__ import annotations

import pytest

from dispatch.scheduling.routing import greedy, solver
from dispatch.scheduling.routing.problem import (
    NO_SKILL,
    NO_TIME,
    UNLOCATED,
    Fixed,
    Job,
    Problem,
    Solution,
    technician,
)

PLACES = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]  # a road: place i is at kilometre PLACES[i]
MATRIX = [[abs(a - b) for b in PLACES] for a in PLACES]
DAY = (8 * 60, 17 * 60)


def travel(origin, destination):
    return 0 if origin is None or destination is None else MATRIX[origin][destination]


def worker(technician_id=1, home=0, skills=("boiler",), available=(DAY,), fixed=()):
    return technician(technician_id, home, frozenset(skills), list(available), list(fixed), travel)


def job(job_id, place, duration=30, window=DAY, skills=("boiler",), only=None):
    return Job(job_id, place, duration, window[0], window[1], frozenset(skills), only)


def planners(problem):
    """Both planners' solutions (the solver briefly)."""
    return {"greedy": greedy.plan(problem), "solver": solver.plan(problem, 1.0)}


def visits(solution: Solution, technician_id=1):
    return {visit.job_id: visit for visit in solution.routes[technician_id].visits}


def assert_keeps_time(problem: Problem, solution: Solution):
    """Every route is timed by the one rule (windows, breaks, the day's end, driving between stops)."""
    for technician_ in problem.technicians:
        stops = solution.stops(technician_.id, problem)
        assert problem.route(technician_, stops) == solution.routes[technician_.id]
        previous_end, here = technician_.start, technician_.home
        for visit, stop in zip(solution.routes[technician_.id].visits, stops, strict=True):
            assert visit.start >= previous_end + travel(here, stop.location)
            previous_end, here = visit.end, stop.location
            if not visit.fixed:
                assert stop.earliest <= visit.start <= stop.latest
                assert visit.end <= technician_.end


@pytest.mark.parametrize("name", ["greedy", "solver"])
def test_jobs_start_inside_their_appointment_windows(name):
    problem = Problem([worker()], [job(1, 9, window=(600, 630)), job(2, 1), job(3, 5, window=(840, 900))], MATRIX)
    solution = planners(problem)[name]
    assert solution.unassigned == {}
    placed = visits(solution)
    assert 600 <= placed[1].start <= 630 and 840 <= placed[3].start <= 900
    assert_keeps_time(problem, solution)


@pytest.mark.parametrize("name", ["greedy", "solver"])
def test_working_hours_and_breaks_are_kept(name):
    # Working 8-12 and 13-17: a five-hour job fits in neither half, two-hour jobs do.
    tech = worker(available=[(480, 720), (780, 1020)])
    problem = Problem([tech], [job(1, 1, 300), job(2, 1, 120), job(3, 2, 120)], MATRIX)
    solution = planners(problem)[name]
    assert solution.unassigned == {1: NO_TIME}
    for visit in solution.routes[1].visits:
        assert visit.end <= 720 or visit.start >= 780
        assert visit.start >= 480 and visit.end <= 1020
    assert_keeps_time(problem, solution)


@pytest.mark.parametrize("name", ["greedy", "solver"])
def test_skills_decide_who_goes(name):
    problem = Problem([worker(1, skills=("boiler",)), worker(2, home=10, skills=("heat_pump",))],
                      [job(1, 1, skills=("heat_pump",)), job(2, 9, skills=("boiler",)), job(3, 5, skills=("ac",))],
                      MATRIX)
    solution = planners(problem)[name]
    assert set(visits(solution, 2)) == {1} and set(visits(solution, 1)) == {2}
    assert solution.unassigned == {3: NO_SKILL}


@pytest.mark.parametrize("name", ["greedy", "solver"])
def test_fixed_bookings_stay_and_new_jobs_fit_around_them(name):
    booked = Fixed(100, 5, 540, 720)  # 9:00-12:00 at place 5, already under way
    problem = Problem([worker(fixed=[booked])], [job(1, 5, 60), job(2, 6, 60)], MATRIX)
    solution = planners(problem)[name]
    assert solution.unassigned == {}
    placed = visits(solution)
    assert (placed[100].start, placed[100].end, placed[100].fixed) == (540, 720, True)
    for job_id in (1, 2):
        assert placed[job_id].end <= 540 - 0 or placed[job_id].start >= 720
    assert_keeps_time(problem, solution)


@pytest.mark.parametrize("name", ["greedy", "solver"])
def test_what_cannot_fit_is_reported_not_failed(name):
    problem = Problem([worker()], [job(1, 10, 30, window=(480, 485)),  # 100 min away, must start by 8:05
                                   job(2, None), job(3, 1, 60 * 10)], MATRIX)
    solution = planners(problem)[name]
    assert solution.unassigned == {1: NO_TIME, 2: UNLOCATED, 3: NO_TIME}
    assert solution.routes[1].visits == []


def test_overlapping_fixed_bookings_do_not_make_the_day_unsolvable():
    # An agent overrode a clash: two bookings overlap. The model keeps both and still plans the rest.
    tech = worker(fixed=[Fixed(100, 1, 540, 600), Fixed(101, 2, 570, 630)])
    problem = Problem([tech], [job(1, 1, 30)], MATRIX)
    for solution in planners(problem).values():
        assert solution.unassigned == {}
        assert_keeps_time(problem, solution)


def test_a_job_limited_to_one_technician_goes_nowhere_else():
    problem = Problem([worker(1, home=10), worker(2, home=0)], [job(1, 0, only=frozenset({1}))], MATRIX)
    for solution in planners(problem).values():
        assert set(visits(solution, 1)) == {1}


def test_the_solver_is_never_worse_than_greedy_and_says_which_planned():
    # Jobs on both ends of the road, two technicians at one end: greedy's order is not the best one.
    jobs = [job(i, place, 20) for i, place in enumerate([9, 1, 8, 2, 7, 3, 10, 4, 6, 5], start=1)]
    problem = Problem([worker(1, home=0), worker(2, home=0)], jobs, MATRIX)
    quick = greedy.plan(problem)
    best = solver.plan(problem, 1.0, greedy.plan(problem))
    assert quick.engine == "greedy" and best.engine in ("solver", "greedy")
    assert best.rank() <= quick.rank()
    assert_keeps_time(problem, best)


def test_greedy_is_deterministic():
    jobs = [job(i, i % 11, 15 + i % 4 * 15) for i in range(1, 30)]
    problem = Problem([worker(1), worker(2, home=10), worker(3, home=5)], jobs, MATRIX)
    first, second = greedy.plan(problem), greedy.plan(problem)
    assert first.routes == second.routes and first.unassigned == second.unassigned


def test_without_or_tools_the_greedy_plan_stands(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_ortools(name, *args, **kwargs):
        if name.startswith("ortools"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ortools)
    problem = Problem([worker()], [job(1, 3)], MATRIX)
    solution = solver.plan(problem, 1.0)
    assert solution.engine == "greedy" and solution.notes == ["OR-Tools is not installed: greedy plan."]
