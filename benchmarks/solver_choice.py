"""Why PyVRP: PyVRP and OR-Tools given the same seconds, on Solomon instances and on the demo day.

	.venv/bin/python -m benchmarks.solver_choice [--quick] [--time-limit 5]

Needs `ortools` (test-only: `pip install ortools`); the planner itself does not use it.
Solomon: distance-only objective for both (PyVRP's bare `solve`; OR-Tools routing with
PATH_CHEAPEST_ARC then GUIDED_LOCAL_SEARCH), gap to the distance-only best known costs.
Demo day: the same skills (allowed vehicles), windows, shifts from home, lunch (OR-Tools' native
breaks) and priorities (disjunction penalties = the planner's prizes); two-technician jobs are
planned as one-technician jobs in the OR-Tools model (its figures flatter it slightly).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import time

import numpy as np
import pyvrp
from pyvrp.stop import MaxRuntime

from benchmarks.solomon_vrptw import DATA, SCALE, problem_data, read_instance, true_cost
from gigafibre_fsm.dispatch.day_planner import plan_day
from gigafibre_fsm.dispatch.day_planner.objective import PRIZE
from gigafibre_fsm.dispatch.day_planner.prepare import prepare
from gigafibre_fsm.dispatch.day_planner.skills import can_lead
from gigafibre_fsm.dispatch.demo import demo_day
from gigafibre_fsm.dispatch.travel_time import GreatCircleTravel


def _ortools():
	from ortools.constraint_solver import pywrapcp, routing_enums_pb2

	return pywrapcp, routing_enums_pb2


def _params(time_limit):
	pywrapcp, enums = _ortools()
	params = pywrapcp.DefaultRoutingSearchParameters()
	params.first_solution_strategy = enums.FirstSolutionStrategy.PATH_CHEAPEST_ARC
	params.local_search_metaheuristic = enums.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
	params.time_limit.FromMilliseconds(int(time_limit * 1000))
	return params


def ortools_vrptw(vehicles, capacity, rows, time_limit):
	pywrapcp, _enums = _ortools()
	n = len(rows)
	xy = np.array([(r[0], r[1]) for r in rows])
	dist = np.round(np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)) * SCALE).astype(int).tolist()
	service = [round(r[5] * SCALE) for r in rows]
	manager = pywrapcp.RoutingIndexManager(n, vehicles, 0)
	routing = pywrapcp.RoutingModel(manager)

	def d(i, j):
		return dist[manager.IndexToNode(i)][manager.IndexToNode(j)]

	def t(i, j):
		a = manager.IndexToNode(i)
		return dist[a][manager.IndexToNode(j)] + service[a]

	routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(d))
	demand = routing.RegisterUnaryTransitCallback(lambda i: int(rows[manager.IndexToNode(i)][2]))
	routing.AddDimensionWithVehicleCapacity(demand, 0, [capacity] * vehicles, True, "load")
	horizon = round(rows[0][4] * SCALE)
	routing.AddDimension(routing.RegisterTransitCallback(t), horizon, horizon, False, "time")
	td = routing.GetDimensionOrDie("time")
	for node in range(1, n):
		td.CumulVar(manager.NodeToIndex(node)).SetRange(
			round(rows[node][3] * SCALE), round(rows[node][4] * SCALE)
		)
	solution = routing.SolveWithParameters(_params(time_limit))
	if solution is None:
		return None, None
	total, used = 0.0, 0
	for v in range(vehicles):
		i = routing.Start(v)
		path = []
		while not routing.IsEnd(i):
			path.append(manager.IndexToNode(i))
			i = solution.Value(routing.NextVar(i))
		path.append(0)
		if len(path) > 2:
			used += 1
			total += sum(math.dist(rows[a][:2], rows[b][:2]) for a, b in itertools.pairwise(path))
	return used, total


def ortools_demo(technicians, jobs, travel, day, tz, time_limit):
	"""The demo day in OR-Tools: served jobs and travel seconds."""
	pywrapcp, _enums = _ortools()
	p = prepare(technicians, jobs, day, tz, None)
	T = len(p.techs)
	points = [t.home for t in p.techs] + [j.location for j in p.jobs]
	D = np.asarray(travel.matrix(points)).tolist()
	nodes = T + len(p.jobs)
	manager = pywrapcp.RoutingIndexManager(nodes, T, list(range(T)), list(range(T)))
	routing = pywrapcp.RoutingModel(manager)
	dur = [0] * T + [j.duration for j in p.jobs]

	def travel_cb(i, j):
		return D[manager.IndexToNode(i)][manager.IndexToNode(j)]

	def time_cb(i, j):
		a = manager.IndexToNode(i)
		return D[a][manager.IndexToNode(j)] + dur[a]

	routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(travel_cb))
	horizon = max(t.end for t in p.techs) + 3600
	routing.AddDimension(routing.RegisterTransitCallback(time_cb), horizon, horizon, False, "time")
	td = routing.GetDimensionOrDie("time")
	solver = routing.solver()
	for j in p.jobs:
		idx = manager.NodeToIndex(T + j.index)
		td.CumulVar(idx).SetRange(max(0, j.early), max(0, j.late))
		allowed = [t.index for t in p.techs if can_lead(t, j)]
		routing.AddDisjunction([idx], PRIZE[j.priority] + j.duration)
		# (SetAllowedVehiclesForIndex's binding refuses Python lists in ortools 9.15)
		routing.VehicleVar(idx).SetValues([-1, *allowed])
	node_visit = [0] * T + [j.duration for j in p.jobs]
	for t in p.techs:
		td.CumulVar(routing.Start(t.index)).SetRange(t.start, t.end)
		td.CumulVar(routing.End(t.index)).SetRange(t.start, t.end)
		if t.lunch:
			e, late, d = t.lunch
			brk = solver.FixedDurationIntervalVar(e, late, d, False, "lunch")
			td.SetBreakIntervalsOfVehicle([brk], t.index, node_visit)
	solution = routing.SolveWithParameters(_params(time_limit))
	served, travel_s = 0, 0
	for v in range(T):
		i = routing.Start(v)
		while not routing.IsEnd(i):
			j = solution.Value(routing.NextVar(i))
			travel_s += travel_cb(i, j)
			i = j
			if not routing.IsEnd(i):
				served += 1
	return served, travel_s


def main(argv=None) -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("--quick", action="store_true")
	parser.add_argument("--time-limit", type=float, default=None)
	args = parser.parse_args(argv)
	try:
		_ortools()
	except ImportError:
		print("ortools is not installed (test-only: .venv/bin/pip install ortools); nothing to compare")
		return
	limit = args.time_limit or (1.0 if args.quick else 5.0)
	bks = json.loads((DATA / "BKS.json").read_text())
	names = (
		["C101", "R101", "RC101"]
		if args.quick
		else ["C101", "C201", "R101", "R105", "R201", "RC101", "RC201"]
	)
	print(f"Solomon, distance only, {limit} s each, gap to the distance-only best known cost")
	print(f"{'instance':10} {'PyVRP':>18} {'OR-Tools':>18}")
	gaps = {"pyvrp": [], "ortools": []}
	for name in names:
		vehicles, capacity, rows = read_instance(DATA / "solomon" / f"{name}.txt")
		ref = bks[f"{name}_distance"]["best_known_cost"]
		sol = pyvrp.solve(
			problem_data(vehicles, capacity, rows),
			stop=MaxRuntime(limit),
			seed=1,
			collect_stats=False,
			display=False,
		).best
		_pv_v, pv_c = true_cost(sol, rows)
		_or_v, or_c = ortools_vrptw(vehicles, capacity, rows, limit)
		gaps["pyvrp"].append(100 * (pv_c - ref) / ref)
		gaps["ortools"].append(100 * (or_c - ref) / ref if or_c else float("nan"))
		ort = f"{or_c:9.2f} {gaps['ortools'][-1]:+6.2f}%" if or_c else f"{'no solution':>18}"
		print(f"{name:10} {pv_c:9.2f} {gaps['pyvrp'][-1]:+6.2f}% {ort}")
	solved = [g for g in gaps["ortools"] if not math.isnan(g)]
	print(
		f"{'mean':10} {'':9} {np.mean(gaps['pyvrp']):+6.2f}% {'':9} "
		f"{np.mean(solved) if solved else float('nan'):+6.2f}% (OR-Tools solved {len(solved)}/{len(names)})"
	)

	demo = demo_day(12, 80) if args.quick else demo_day()
	travel = GreatCircleTravel()
	t0 = time.perf_counter()
	ours = plan_day(
		demo.technicians, demo.jobs, travel, time_limit_s=limit, day=demo.day, timezone=demo.timezone
	)
	t1 = time.perf_counter()
	served, travel_s = ortools_demo(demo.technicians, demo.jobs, travel, demo.day, demo.timezone, limit)
	t2 = time.perf_counter()
	print(
		f"\ndemo day ({len(demo.technicians)} technicians, {len(demo.jobs)} jobs), {limit} s of solver each"
	)
	print(f"{'':22} {'PyVRP planner':>14} {'OR-Tools':>10}")
	print(f"{'jobs planned':22} {len(ours.assigned()):>14} {served:>10}")
	print(f"{'travel (h)':22} {ours.travel_s / 3600:>14.1f} {travel_s / 3600:>10.1f}")
	print(
		f"{'travel per job (min)':22} {ours.travel_s / 60 / max(1, len(ours.assigned())):>14.1f} {travel_s / 60 / max(1, served):>10.1f}"
	)
	print(f"{'wall (s)':22} {t1 - t0:>14.1f} {t2 - t1:>10.1f}")


if __name__ == "__main__":
	main()
