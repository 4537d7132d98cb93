"""OR-Tools routing (vehicle routing with time windows), started from the greedy plan so it is never worse.

One vehicle per technician from home to home; a time dimension carries visit plus driving minutes; each
job may start only inside its window, only on technicians with its skills, and may be dropped at a
penalty (an infeasible job is reported, not a failed plan); fixed bookings are visits pinned to their
technician and minute; breaks (lunch, absences, after hours) are break intervals that visits avoid and
drives wait out. The solver's routes are then timed by ``Problem.route`` like any other plan.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from dispatch.scheduling.routing import greedy
from dispatch.scheduling.routing.problem import NO_TIME, Problem, Solution, Stop

log = logging.getLogger(__name__)

# Leaving a job out costs more than any day's driving: the solver drops jobs only when they cannot fit.
DROP_PENALTY = 1_000_000
DAY = 24 * 60
# Minutes since the planned day's start that the time dimension can reach (drives home after a late visit).
HORIZON = 3 * DAY


def plan(problem: Problem, seconds: float, seed: Solution | None = None) -> Solution:
    """The solver's routes within ``seconds``; the greedy plan when OR-Tools is missing, fails or does worse."""
    seed = seed or greedy.plan(problem)
    try:
        from ortools.constraint_solver import pywrapcp, routing_enums_pb2
    except ImportError:
        seed.notes.append("OR-Tools is not installed: greedy plan.")
        return seed
    started = time.perf_counter()
    try:
        found = _solve(problem, seconds, seed, pywrapcp, routing_enums_pb2)
    except Exception:  # a solver failure must not cost the agent the plan: the greedy one stands
        log.exception("route solver failed; keeping the greedy plan")
        seed.notes.append("The solver failed: greedy plan.")
        return seed
    if found is None or found.rank() > seed.rank():
        seed.notes.append("The solver found nothing better: greedy plan.")
        return seed
    found.seconds = seed.seconds + time.perf_counter() - started
    return found


def _solve(problem: Problem, seconds: float, seed: Solution, pywrapcp: Any, enums: Any) -> Solution | None:
    """The routing model of ``problem``, solved from ``seed``; None when it finds no solution."""
    technicians = problem.technicians
    vehicles = len(technicians)
    places: list[int | None] = [t.home for t in technicians] * 2  # start nodes, then end nodes
    service = [0] * (2 * vehicles)
    stops: list[Stop | None] = [None] * (2 * vehicles)
    node_of: dict[tuple[int, int], int] = {}
    for technician in technicians:
        for booking in technician.fixed:
            node_of[technician.id, booking.job_id] = len(places)
            places.append(booking.location)
            service.append(booking.end - booking.start)
            stops.append(booking)
    jobs = [job for job in problem.jobs if job.id not in seed.unassigned or seed.unassigned[job.id] == NO_TIME]
    if not jobs or not vehicles:
        return None
    for job in jobs:
        for technician in technicians:
            node_of[technician.id, job.id] = len(places)
        places.append(job.location)
        service.append(job.duration)
        stops.append(job)
    travel = [[problem.travel(origin, destination) for destination in places] for origin in places]
    timing = [[service[i] + row[j] for j in range(len(row))] for i, row in enumerate(travel)]

    manager = pywrapcp.RoutingIndexManager(len(places), vehicles, list(range(vehicles)),
                                           list(range(vehicles, 2 * vehicles)))
    routing = pywrapcp.RoutingModel(manager)
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(travel))
    routing.AddDimension(routing.RegisterTransitMatrix(timing), HORIZON + DAY, HORIZON + DAY, False, "time")
    clock = routing.GetDimensionOrDie("time")
    vehicle_of = {technician.id: vehicle for vehicle, technician in enumerate(technicians)}
    for vehicle, technician in enumerate(technicians):
        clock.CumulVar(routing.Start(vehicle)).SetRange(technician.start, technician.end)
        clock.CumulVar(routing.End(vehicle)).SetRange(technician.start, HORIZON + DAY)
        for booking in technician.fixed:
            index = manager.NodeToIndex(node_of[technician.id, booking.job_id])
            clock.CumulVar(index).SetValue(booking.start)
            routing.VehicleVar(index).SetValue(vehicle)
    for job in jobs:
        index = manager.NodeToIndex(node_of[technicians[0].id, job.id])
        clock.CumulVar(index).SetRange(job.earliest, job.latest)
        # Skills: OR-Tools 9.15's SetAllowedVehiclesForIndex rejects every Python sequence (its absl::Span
        # has no SWIG typemap), so the vehicle variable's domain says the same; -1 leaves the job droppable.
        routing.VehicleVar(index).SetValues([-1, *(vehicle_of[t.id] for t in problem.eligible(job))])
        routing.AddDisjunction([index], DROP_PENALTY)
    visit_minutes = [service[manager.IndexToNode(index)] for index in range(routing.Size())]
    solver = routing.solver()
    for vehicle, technician in enumerate(technicians):
        spans = [*technician.breaks, (technician.end, HORIZON)]
        breaks = [solver.FixedDurationIntervalVar(begin, begin, finish - begin, False, f"break {vehicle} {begin}")
                  for begin, finish in spans if finish > begin]
        clock.SetBreakIntervalsOfVehicle(breaks, vehicle, visit_minutes)

    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = enums.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    parameters.local_search_metaheuristic = enums.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    parameters.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
    routing.CloseModelWithParameters(parameters)
    seed_routes = [[manager.NodeToIndex(node_of[t.id, visit.job_id]) for visit in seed.routes[t.id].visits]
                   for t in technicians]
    initial = routing.ReadAssignmentFromRoutes(seed_routes, True)
    if initial is not None:
        assignment = routing.SolveFromAssignmentWithParameters(initial, parameters)
    else:
        log.info("route solver: the greedy plan does not fit the model; solving from scratch")
        assignment = routing.SolveWithParameters(parameters)
    if assignment is None:
        return None

    routes, placed = {}, set()
    for vehicle, technician in enumerate(technicians):
        sequence: list[Stop] = []
        index = assignment.Value(routing.NextVar(routing.Start(vehicle)))
        while not routing.IsEnd(index):
            stop = stops[manager.IndexToNode(index)]
            assert stop is not None
            sequence.append(stop)
            index = assignment.Value(routing.NextVar(index))
        route = problem.route(technician, sequence)
        if route is None:
            log.warning("route solver: technician %s's route does not keep time; keeping the greedy plan",
                        technician.id)
            return None
        routes[technician.id] = route
        placed.update(visit.job_id for visit in route.visits if not visit.fixed)
    unassigned = {job_id: reason for job_id, reason in seed.unassigned.items() if reason != NO_TIME}
    unassigned |= {job.id: NO_TIME for job in jobs if job.id not in placed}
    return Solution(routes, unassigned, "solver")
