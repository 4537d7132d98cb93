"""The greedy planner's order and its improvement pass: regret insertion places the job with one option
left before the easy ones, and the pass shortens routes and moves jobs between technicians."""

from __future__ import annotations

from dispatch.scheduling.routing import greedy, improving
from dispatch.scheduling.routing.problem import Problem
from tests.scheduling.routing.test_planners import MATRIX, assert_keeps_time, job, visits, worker


def test_a_job_only_one_technician_can_take_goes_before_a_narrow_window_that_others_can_take():
    # Plain cheapest insertion takes the narrow window first and gives it to technician 1 (nearer), whose
    # short morning then has no room for the heat-pump job that only technician 1 can do.
    morning_only = worker(1, home=0, skills=("boiler", "heat_pump"), available=[(480, 600)])
    all_day = worker(2, home=3, skills=("boiler",))
    narrow = job(1, 1, 90, window=(480, 600), skills=("boiler",))
    heat_pump = job(2, 1, 90, skills=("heat_pump",))
    problem = Problem([morning_only, all_day], [narrow, heat_pump], MATRIX)
    solution = greedy.plan(problem)
    assert solution.unassigned == {}
    assert set(visits(solution, 1)) == {2} and set(visits(solution, 2)) == {1}
    assert_keeps_time(problem, solution)


def test_the_improvement_pass_drives_a_zigzag_route_in_order():
    problem = Problem([worker()], [job(i, place) for i, place in enumerate([9, 1, 8, 2], start=1)], MATRIX)
    tours = {1: greedy.Tour(problem.technicians[0], problem)}
    tours[1].stops = [problem.stop(i, 1) for i in (1, 2, 3, 4)]
    tours[1].refresh()
    assert improving.driving(problem, tours[1].technician, tours[1].stops) == 90 + 80 + 70 + 60 + 20
    assert improving.improve(tours, {i: [1] for i in range(1, 5)})
    assert improving.driving(problem, tours[1].technician, tours[1].stops) == 180  # out to place 9 and back
    assert problem.route(tours[1].technician, tours[1].stops) is not None


def test_the_improvement_pass_moves_a_job_to_the_technician_who_drives_less_for_it():
    problem = Problem([worker(1, home=0), worker(2, home=10)], [job(1, 9)], MATRIX)
    tours = {t.id: greedy.Tour(t, problem) for t in problem.technicians}
    tours[1].insert(problem.jobs[0], 0)
    assert improving.improve(tours, {1: [1, 2]})
    assert tours[1].stops == [] and [stop.id for stop in tours[2].stops] == [1]


def test_the_improvement_pass_keeps_windows():
    # Place 9 must come first (window 8:00-8:30) although driving 1, 2 then 9 would be shorter.
    jobs = [job(1, 9, 20, window=(480, 580)), job(2, 1, 20), job(3, 2, 20)]
    problem = Problem([worker()], jobs, MATRIX)
    solution = greedy.plan(problem)
    assert solution.unassigned == {}
    assert 480 <= visits(solution)[1].start <= 580
    assert_keeps_time(problem, solution)

