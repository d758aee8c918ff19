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


def vehicle_fixed_cost(data: pyvrp.ProblemData) -> int:
	"""A cost per vehicle that puts fewer vehicles before any distance (the literature's objective).

	The distance of serving every client on a round trip of its own from the first vehicle type's
	depots: no solution drives further, so one vehicle fewer always pays.
	"""
	vt = data.vehicle_type(0)
	d = data.distance_matrix(0)
	clients = range(data.num_depots, data.num_locations)
	return int(sum(int(d[vt.start_depot, i]) + int(d[i, vt.end_depot]) for i in clients))


# Shares of `solve_vrptw`'s time. The fleet stage first runs the solver alone with a vehicle fixed
# cost, from scratch: the reference it must never lose to. It stops that run only once the fleet
# has not shrunk for STALL_SHARE of the time (or at RACE_LIMIT), then tries one vehicle fewer at a
# time below the fleet it found, each try from scratch until its first feasible solution, for at
# most STEP_SHARE. The rest goes on distance, the fleet capped at the smallest found.
RACE_LIMIT = 0.8
STALL_SHARE = 0.2
STEP_SHARE = 0.2
KEEP_FIXED_COST = True  # in the distance stage, so that a vehicle can still be saved there


class _FleetStall:
	"""PyVRP stopping criterion: the best solution's fleet has not shrunk for `patience` seconds
	(once there is a feasible one), or `limit` seconds have passed."""

	def __init__(self, fixed_cost: int, max_fleet: int, patience: float, limit: float):
		self.fixed_cost, self.max_fleet = max(1, fixed_cost), max_fleet
		self.patience = patience
		self.started = time.perf_counter()
		self.deadline = self.started + limit
		self.fleet: int | None = None
		self.since = self.started

	def __call__(self, best_cost: float) -> bool:
		now = time.perf_counter()
		if now >= self.deadline:
			return True
		fleet = int(best_cost // self.fixed_cost)  # the distance is below one vehicle's fixed cost
		if fleet > self.max_fleet:  # no feasible solution yet (PyVRP reports an infinite cost)
			return False
		if fleet != self.fleet:
			self.fleet, self.since = fleet, now
		return now - self.since >= self.patience


def _first_feasible(data: pyvrp.ProblemData, fleet: int, deadline: float, seed: int) -> pyvrp.Solution | None:
	"""A feasible solution with at most `fleet` vehicles found before `deadline`, or None."""
	left = deadline - time.perf_counter()
	if left <= 0.01:
		return None
	vt = data.vehicle_type(0)
	trial = data.replace(vehicle_types=[vt.replace(num_available=fleet)])
	result = pyvrp.solve(
		trial,
		stop=MultipleCriteria([FirstFeasible(), MaxRuntime(left)]),
		seed=seed,
		collect_stats=False,
		display=False,
	)
	return result.best if result.best.is_feasible() else None


def solve_vrptw(
	data: pyvrp.ProblemData,
	time_limit_s: float = 5.0,
	seed: int = 1,
	keep_fixed_cost: bool = KEEP_FIXED_COST,
) -> tuple[pyvrp.Solution, float]:
	"""The literature's objective (fewest vehicles, then distance) on a one-vehicle-type instance.

	The fleet stage races two ways of finding a small fleet and keeps the better: PyVRP alone
	with a vehicle fixed cost (`vehicle_fixed_cost`), until its fleet stops shrinking; then, below
	the fleet it found, one vehicle fewer at a time (each try from scratch, stopping at its first
	feasible solution). The rest of the time goes on distance with the fleet capped at the
	smallest found, warm-started from it (with the fixed cost kept, a vehicle can still be saved).
	Returns the solution and the seconds spent.
	"""
	started = time.perf_counter()
	vt = data.vehicle_type(0)
	fixed_cost = vehicle_fixed_cost(data)
	costly = data.replace(vehicle_types=[vt.replace(fixed_cost=fixed_cost)])
	with warnings.catch_warnings():
		# trying fleets that are too small is the point here: PyVRP warns when it cannot
		warnings.simplefilter("ignore")
		stall = _FleetStall(
			fixed_cost, vt.num_available, time_limit_s * STALL_SHARE, time_limit_s * RACE_LIMIT
		)
		first = pyvrp.solve(costly, stop=stall, seed=seed, collect_stats=False, display=False).best
		best = first if first.is_feasible() else None
		fleet = best.num_routes() - 1 if best is not None else vt.num_available
		step_deadline = min(time.perf_counter() + time_limit_s * STEP_SHARE, started + time_limit_s * 0.95)
		while fleet >= 1:
			found = _first_feasible(data, fleet, step_deadline, seed)
			if found is None:
				break
			best = found
			fleet = found.num_routes() - 1
	if best is None:  # no feasible fleet found in time: the whole fleet, fleet first, for the rest
		remaining = time_limit_s - (time.perf_counter() - started)
		solution, _ = solve(costly, max(0.01, remaining), seed, first)
		return solution, time.perf_counter() - started
	final = data.replace(
		vehicle_types=[
			vt.replace(num_available=best.num_routes(), fixed_cost=fixed_cost if keep_fixed_cost else 0)
		]
	)
	warm = pyvrp.Solution(
		final, [pyvrp.Route(final, [a.idx for a in r.schedule() if a.is_client()], 0) for r in best.routes()]
	)
	remaining = time_limit_s - (time.perf_counter() - started)
	solution, _ = solve(final, max(0.01, remaining), seed, warm)
	return solution, time.perf_counter() - started
