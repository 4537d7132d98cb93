"""Benchmark harness: time requests, count their SQL statements, and print a table at the end.

Run with ``make bench`` (``pytest tests/bench -s``); ``make test`` leaves this folder out. Figures are
wall-clock on whatever machine runs them, so tests assert on query counts and generous ratios only.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from tests.support.queries import recorded_statements

_RESULTS: list[tuple[str, str, Measurement]] = []


@dataclass
class Measurement:
    timings_ms: list[float]
    queries: list[int] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def best_ms(self) -> float:
        """The fastest call: the least disturbed by whatever else the machine is doing."""
        return min(self.timings_ms)

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.timings_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def query_count(self) -> int:
        """The statements one call makes; every call must make the same number."""
        assert len(set(self.queries)) == 1, f"query count varies between calls: {self.queries}"
        return self.queries[0]


class Bench:
    """``bench.measure(label, case, call)`` runs ``call`` repeatedly and records the figures."""

    def __init__(self, test_name: str) -> None:
        self.test_name = test_name

    def measure(self, label: str, call: Callable[[], object], repeat: int = 20,
                warmup: int = 2) -> Measurement:
        """Time ``call`` ``repeat`` times (after ``warmup`` untimed calls) and count its statements."""
        for _ in range(warmup):
            call()
        result = Measurement([])
        for _ in range(repeat):
            with recorded_statements() as statements:
                started = time.perf_counter()
                call()
                result.timings_ms.append((time.perf_counter() - started) * 1000)
            result.queries.append(len(statements))
        _RESULTS.append((self.test_name, label, result))
        print(f"\n  {label:<48} median {result.median_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms"
              f"  best {result.best_ms:7.1f} ms  {result.queries[0]:3d} queries")
        return result

    def profile(self, *calls: Callable[[], object], times: int = 3, lines: int = 35) -> None:
        """With BENCH_PROFILE set to a pstats sort key (e.g. tottime), print where each call's time goes."""
        sort = os.environ.get("BENCH_PROFILE")
        if not sort:
            return
        for call in calls:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(times):
                call()
            profiler.disable()
            pstats.Stats(profiler).sort_stats(sort).print_stats(lines)



@pytest.fixture
def bench(request) -> Bench:
    return Bench(request.node.name)


def pytest_terminal_summary(terminalreporter) -> None:
    if not _RESULTS:
        return
    terminalreporter.section("benchmark figures")
    terminalreporter.write_line(f"{'case':<56} {'median ms':>10} {'p95 ms':>8} {'best ms':>8} {'queries':>8}")
    for _test_name, label, result in _RESULTS:
        terminalreporter.write_line(f"{label:<56} {result.median_ms:>10.1f} {result.p95_ms:>8.1f} "
                                    f"{result.best_ms:>8.1f} {result.queries[0]:>8d}")
