"""Cheapest insertion: fast, deterministic, and the seed the solver starts from.

Jobs are taken hardest first (narrowest window, fewest able technicians, longest visit); each goes where
it adds the least driving among the positions whose timing still works for the whole route.
"""

from __future__ import annotations

import time

from dispatch.scheduling.routing.problem import NO_TIME, Job, Problem, Route, Solution, Stop, Technician


def plan(problem: Problem) -> Solution:
    """Routes for ``problem`` by cheapest feasible insertion."""
    started = time.perf_counter()
    routes = problem.fixed_routes()
    stops: dict[int, list[Stop]] = {t.id: list(t.fixed) for t in problem.technicians}
    technicians = {t.id: t for t in problem.technicians}
    unassigned: dict[int, str] = {}
    placeable: list[tuple[Job, list[int]]] = []
    for job in problem.jobs:
        reason = problem.reason_left_out(job)
        if reason:
            unassigned[job.id] = reason
        else:
            placeable.append((job, [t.id for t in problem.eligible(job)]))
    placeable.sort(key=lambda item: (item[0].latest - item[0].earliest, len(item[1]), -item[0].duration,
                                     item[0].id))
    for job, able in placeable:
        best = _cheapest(problem, job, able, stops, routes, technicians)
        if best is None:
            unassigned[job.id] = NO_TIME
            continue
        technician_id, position, route = best
        stops[technician_id].insert(position, job)
        routes[technician_id] = route
    return Solution(routes, unassigned, "greedy", time.perf_counter() - started)


def _cheapest(problem: Problem, job: Job, able: list[int], stops: dict[int, list[Stop]],
              routes: dict[int, Route], technicians: dict[int, Technician]) -> tuple[int, int, Route] | None:
    """(technician, position, new route) of the cheapest insertion that keeps every visit on time."""
    candidates: list[tuple[int, int, int]] = []
    for technician_id in able:
        technician = technicians[technician_id]
        sequence, visits = stops[technician_id], routes[technician_id].visits
        places = [technician.home] + [stop.location for stop in sequence] + [technician.home]
        for position in range(len(sequence) + 1):
            before, after = places[position], places[position + 1]
            ready = visits[position - 1].end if position else technician.start
            if ready > job.latest:
                break  # every later position is later still
            if ready + problem.travel(before, job.location) > job.latest:
                continue
            added = (problem.travel(before, job.location) + problem.travel(job.location, after)
                     - problem.travel(before, after))
            candidates.append((added, technician_id, position))
    candidates.sort()
    for _added, technician_id, position in candidates:
        sequence = stops[technician_id]
        route = problem.route(technicians[technician_id], [*sequence[:position], job, *sequence[position:]])
        if route is not None:
            return technician_id, position, route
    return None
