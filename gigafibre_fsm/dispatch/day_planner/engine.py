"""The solver behind the planner: PyVRP's iterated local search (MIT), chosen by measurement.

Kept apart so that the benchmarks run exactly what the planner runs.
"""

from __future__ import annotations

import time
from importlib.metadata import version

import pyvrp
from pyvrp.stop import MaxRuntime

SOLVER_NAME = f"pyvrp {version('pyvrp')}"


def solve(data: pyvrp.ProblemData, time_limit_s: float, seed: int = 1) -> tuple[pyvrp.Solution, float]:
	"""Best solution found within `time_limit_s` seconds (one core) and the seconds spent."""
	started = time.perf_counter()
	result = pyvrp.solve(
		data, stop=MaxRuntime(max(0.01, time_limit_s)), seed=seed, collect_stats=False, display=False
	)
	return result.best, time.perf_counter() - started
