"""The solver behind the planner: PyVRP's iterated local search (MIT), chosen by measurement.

Kept apart so that the benchmarks run exactly what the planner runs.
"""

from __future__ import annotations

import time
import warnings
from importlib.metadata import version

import pyvrp
from pyvrp.stop import MaxRuntime

SOLVER_NAME = f"pyvrp {version('pyvrp')}"


def solve(
	data: pyvrp.ProblemData, time_limit_s: float, seed: int = 1, initial: pyvrp.Solution | None = None
) -> tuple[pyvrp.Solution, float]:
	"""Best solution found within `time_limit_s` seconds (one core) and the seconds spent."""
	started = time.perf_counter()
	with warnings.catch_warnings():
		# PyVRP warns when its penalties hit their bound, which the planner's prohibitive edges
		# can cause; the planner times every route exactly afterwards, so the warning is noise
		warnings.simplefilter("ignore")
		result = pyvrp.solve(
			data,
			stop=MaxRuntime(max(0.01, time_limit_s)),
			seed=seed,
			collect_stats=False,
			display=False,
			initial_solution=initial,
		)
	return result.best, time.perf_counter() - started


VEHICLE_COST = 10**8  # per route used: fleet size first, as the VRPTW literature ranks solutions
FLEET_SHARE = 0.4  # of the time spent looking for the smallest fleet, the rest on distance


def solve_vrptw(data: pyvrp.ProblemData, time_limit_s: float = 5.0, seed: int = 1):
	"""The literature's objective (fewest vehicles, then distance) on a one-vehicle-type instance.

	First the smallest fleet PyVRP can make feasible in FLEET_SHARE of the time (pyvrp.minimise_fleet),
	then the distance with that fleet and a vehicle cost that keeps it from growing.
	"""
	started = time.perf_counter()
	with warnings.catch_warnings():
		# trying fleets that are too small is the point here: PyVRP warns when it cannot
		warnings.simplefilter("ignore")
		fleet = pyvrp.minimise_fleet(data, MaxRuntime(time_limit_s * FLEET_SHARE), seed=seed)
	vt = fleet.replace(fixed_cost=VEHICLE_COST)
	remaining = time_limit_s - (time.perf_counter() - started)
	best, _ = solve(data.replace(vehicle_types=[vt]), remaining, seed)
	if not best.is_feasible():  # the smaller fleet was not feasible after all: the full one
		vt = data.vehicle_type(0).replace(fixed_cost=VEHICLE_COST)
		best, _ = solve(data.replace(vehicle_types=[vt]), max(0.2, time_limit_s * 0.2), seed)
	return best, time.perf_counter() - started
