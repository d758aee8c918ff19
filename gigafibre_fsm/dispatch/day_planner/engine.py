"""The solver behind the planner: PyVRP's iterated local search (MIT), chosen by measurement.

Kept apart so that the benchmarks run exactly what the planner runs.
"""

from __future__ import annotations

import time
import warnings
from importlib.metadata import version

import pyvrp
from pyvrp.stop import FirstFeasible, MaxRuntime, MultipleCriteria

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


# Per route used in the distance stage. The fleet is already capped at the size the fleet stage
# found, so fleet-first needs no big vehicle cost there; a big one (10**8) was measured to make the
# distance stage worse on Gehring-Homberger R1 (r1_2_10: +12.0 % vs +6.0 % at 10 s).
VEHICLE_COST = 0
FLEET_SHARE = 0.4  # of the time spent looking for the smallest fleet, the rest on distance


def solve_vrptw(
	data: pyvrp.ProblemData,
	time_limit_s: float = 5.0,
	seed: int = 1,
	fleet_share: float = FLEET_SHARE,
	warm_start: bool = True,
):
	"""The literature's objective (fewest vehicles, then distance) on a one-vehicle-type instance.

	First the smallest fleet that PyVRP can make feasible within FLEET_SHARE of the time (one
	vehicle less at a time, each try stopping at its first feasible solution), then the distance
	with the fleet capped at that size, warm-started from the last feasible solution of the fleet
	stage.
	"""
	started = time.perf_counter()
	fleet_deadline = started + time_limit_s * fleet_share
	vt = data.vehicle_type(0)
	best, best_data = None, data
	fleet = vt.num_available
	with warnings.catch_warnings():
		# trying fleets that are too small is the point here: PyVRP warns when it cannot
		warnings.simplefilter("ignore")
		while fleet >= 1:
			left = fleet_deadline - time.perf_counter()
			if left <= 0.01:
				break
			trial = data.replace(vehicle_types=[vt.replace(num_available=fleet)])
			result = pyvrp.solve(
				trial,
				stop=MultipleCriteria([FirstFeasible(), MaxRuntime(left)]),
				seed=seed,
				collect_stats=False,
				display=False,
			)
			if not result.best.is_feasible():
				break
			best, best_data = result.best, trial
			fleet = result.best.num_routes() - 1
	if best is None:  # no feasible fleet found in time: the whole fleet, distance only
		solution, _ = solve(
			data.replace(vehicle_types=[vt.replace(fixed_cost=VEHICLE_COST)]), time_limit_s, seed
		)
		return solution, time.perf_counter() - started
	final = best_data.replace(
		vehicle_types=[vt.replace(num_available=best.num_routes(), fixed_cost=VEHICLE_COST)]
	)
	warm = pyvrp.Solution(
		final, [pyvrp.Route(final, [a.idx for a in r.schedule() if a.is_client()], 0) for r in best.routes()]
	)
	remaining = time_limit_s - (time.perf_counter() - started)
	solution, _ = solve(final, max(0.01, remaining), seed, warm if warm_start else None)
	return solution, time.perf_counter() - started
