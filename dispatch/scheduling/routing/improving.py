"""Shortening a greedy plan: moves that drive less and keep every visit on time, until none is left.

Within a route a job moves to another place in the order (relocate) or a stretch of stops is driven in
reverse (2-opt); between routes a job moves to another able technician where it adds less driving than
it saves. A move is taken only when it drives less, so the pass ends; a round limit keeps it quick.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from dispatch.scheduling.routing.problem import Job, Problem, Stop, Technician

if TYPE_CHECKING:
    from dispatch.scheduling.routing.greedy import Tour

ROUNDS = 10


def improve(tours: dict[int, Tour], able: dict[int, list[int]]) -> bool:
    """Shorten ``tours`` in place; whether anything changed."""
    changed = False
    for _ in range(ROUNDS):
        moved = False
        for tour in tours.values():
            moved |= _within(tour)
        moved |= _between(tours, able)
        if not moved:
            break
        changed = True
    return changed


def driving(problem: Problem, technician: Technician, stops: Sequence[Stop]) -> int:
    """Minutes driven from home along ``stops`` and back."""
    places = [technician.home, *(stop.location for stop in stops), technician.home]
    return sum(problem.travel(a, b) for a, b in zip(places, places[1:], strict=False))


def _within(tour: Tour) -> bool:
    """Relocate and 2-opt moves inside one route, the first improving one taken, until none improves."""
    problem, technician = tour.problem, tour.technician
    changed = False
    improved = True
    while improved:
        improved = False
        for saving, candidate in _shorter(tour):
            if saving > 0 and problem.route(technician, candidate) is not None:
                tour.stops, improved, changed = candidate, True, True
                tour.refresh()
                break
    return changed


def _shorter(tour: Tour) -> Iterator[tuple[int, list[Stop]]]:
    """Orders one relocated job or one reversed stretch away from the tour's, with the driving they save."""
    stops, places, links, travel = tour.stops, tour.places, tour.links, tour.problem.travel
    size = len(stops)
    backwards = [0]  # driving the stops in reverse order, summed from the first stop
    for index in range(1, size):
        backwards.append(backwards[-1] + travel(places[index + 1], places[index]))
    forwards = [0]
    for index in range(1, size):
        forwards.append(forwards[-1] + links[index])
    for i in range(size):
        for j in range(i + 1, size):  # reverse stops i..j (places i+1..j+1)
            before = links[i] + links[j + 1] + forwards[j] - forwards[i]
            after = (travel(places[i], places[j + 1]) + travel(places[i + 1], places[j + 2])
                     + backwards[j] - backwards[i])
            if after < before:
                yield before - after, [*stops[:i], *reversed(stops[i:j + 1]), *stops[j + 1:]]
        if isinstance(stops[i], Job):
            out = links[i] + links[i + 1] - travel(places[i], places[i + 2])
            rest = stops[:i] + stops[i + 1:]
            rest_places = [*places[:i + 1], *places[i + 2:]]
            here = stops[i].location
            for k in range(size):
                if k != i:
                    into = (travel(rest_places[k], here) + travel(here, rest_places[k + 1])
                            - travel(rest_places[k], rest_places[k + 1]))
                    if into < out:
                        yield out - into, [*rest[:k], stops[i], *rest[k:]]


def _between(tours: dict[int, Tour], able: dict[int, list[int]]) -> bool:
    """Move jobs to the able technician where they add less driving than they save where they are."""
    changed = False
    for tour in tours.values():
        position = 0
        while position < len(tour.stops):
            stop = tour.stops[position]
            if isinstance(stop, Job) and _move_elsewhere(tour, position, stop, tours, able[stop.id]):
                changed = True
                continue
            position += 1
    return changed


def _move_elsewhere(tour: Tour, position: int, job: Job, tours: dict[int, Tour], able: list[int]) -> bool:
    """Move ``job`` from ``position`` of ``tour`` to the tour where it saves most driving, if one does."""
    travel = tour.problem.travel
    before, after = tour.places[position], tour.places[position + 2]
    saved = travel(before, job.location) + travel(job.location, after) - travel(before, after)
    best: tuple[int, int, int] | None = None
    for technician_id in able:
        other = tours[technician_id]
        if other is tour:
            continue
        option = other.cheapest(job, below=best[0] if best else saved)
        if option:
            best = (option[0], technician_id, option[1])
    if best is None:
        return False
    rest = tour.stops[:position] + tour.stops[position + 1:]
    if tour.problem.route(tour.technician, rest) is None:
        return False  # only where leaving a stop out lengthens a drive (a matrix unlike a road map)
    tour.stops = rest
    tour.refresh()
    tours[best[1]].insert(job, best[2])
    return True
