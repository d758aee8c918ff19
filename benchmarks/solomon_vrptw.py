"""Benchmark 1 (and 2): the planner's routing engine on Solomon's 56 VRPTW instances (and the
Gehring-Homberger 200-customer ones), against the best known solutions and against the bare
solver given the same time, side by side in one run.

	.venv/bin/python -m benchmarks.solomon_vrptw [--quick] [--set solomon|homberger_200] [--time-limit 5]

Objective as in the literature: fewest vehicles, then total Euclidean distance. "ours" is
`gigafibre_fsm.dispatch.day_planner.engine.solve_vrptw` (the planner's solver, fleet stage then
distance stage); "bare" is `pyvrp.solve` with its defaults (distance only) on the same data for
the same seconds. Benchmark 4 (`fleet_stage`) compares the fleets with bare PyVRP given a vehicle
fixed cost. The instances are in `benchmarks/data/vrptw/` (see `benchmarks/data/SOURCES.md`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import statistics
import time
from pathlib import Path

import numpy as np
import pyvrp
from pyvrp.stop import MaxRuntime

from gigafibre_fsm.dispatch.day_planner import engine

DATA = Path(__file__).resolve().parent / "data" / "vrptw"  # copied into the repository: see data/SOURCES.md
SCALE = 1000  # integer solver, real-valued distances: keep three decimals


def read_instance(path: Path):
	"""(vehicles, capacity, rows) from Solomon's text format; rows are (x, y, demand, ready, due, service)."""
	lines = path.read_text().splitlines()
	vehicles = capacity = None
	rows = []
	for i, line in enumerate(lines):
		if line.strip().startswith("NUMBER") and vehicles is None:
			vehicles, capacity = (int(v) for v in lines[i + 1].split()[:2])
		parts = line.split()
		if len(parts) == 7 and all(p.replace(".", "", 1).isdigit() for p in parts):
			rows.append(tuple(float(p) for p in parts[1:]))
	return vehicles, capacity, rows


def problem_data(vehicles: int, capacity: int, rows, fixed_cost: int = 0) -> pyvrp.ProblemData:
	xy = np.array([(r[0], r[1]) for r in rows])
	d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
	dist = np.round(d * SCALE).astype(np.int64)
	locations = [pyvrp.Location(x=r[0], y=r[1]) for r in rows]
	depot = rows[0]
	clients = [
		pyvrp.Client(
			location=i,
			delivery=[int(r[2])],
			service_duration=round(r[5] * SCALE),
			tw_early=round(r[3] * SCALE),
			tw_late=round(r[4] * SCALE),
		)
		for i, r in enumerate(rows)
		if i > 0
	]
	vt = pyvrp.VehicleType(
		num_available=vehicles,
		capacity=[capacity],
		tw_early=round(depot[3] * SCALE),
		tw_late=round(depot[4] * SCALE),
		fixed_cost=fixed_cost,
	)
	return pyvrp.ProblemData(locations, clients, [pyvrp.Depot(0)], [vt], [dist], [dist])


def true_cost(solution: pyvrp.Solution, rows) -> tuple[int, float]:
	"""(vehicles, Euclidean distance) of a solution, recomputed in floating point."""
	total = 0.0
	used = 0
	for route in solution.routes():
		visits = [a.idx + 1 for a in route.schedule() if a.is_client()]
		if not visits:
			continue
		used += 1
		path = [0, *visits, 0]
		for a, b in itertools.pairwise(path):
			total += math.dist(rows[a][:2], rows[b][:2])
	return used, total


def run(names: list[Path], bks: dict, time_limit: float, seed: int):
	results = []
	for path in names:
		name = path.stem.upper() if path.parent.name == "solomon" else path.stem
		vehicles, capacity, rows = read_instance(path)
		ref = bks.get(name)
		line = {
			"instance": name,
			"class": _klass(name),
			"bks": ref["best_known_cost"],
			"bks_vehicles": ref["solved_with_vehicles"],
		}
		line["has_distance_bks"] = f"{name}_distance" in bks
		line["bks_distance"] = bks.get(f"{name}_distance", ref)["best_known_cost"]
		for label in ("ours", "bare"):
			started = time.perf_counter()
			if label == "ours":
				sol, _spent = engine.solve_vrptw(problem_data(vehicles, capacity, rows), time_limit, seed)
			else:
				data = problem_data(vehicles, capacity, rows)
				sol = pyvrp.solve(
					data, stop=MaxRuntime(time_limit), seed=seed, collect_stats=False, display=False
				).best
			seconds = time.perf_counter() - started
			used, cost = true_cost(sol, rows)
			line[label] = {
				"feasible": sol.is_feasible() and sol.num_missing_clients() == 0,
				"vehicles": used,
				"cost": cost,
				"gap": 100 * (cost - ref["best_known_cost"]) / ref["best_known_cost"],
				"gap_distance_bks": 100 * (cost - line["bks_distance"]) / line["bks_distance"],
				"seconds": seconds,
			}
		results.append(line)
		o, b = line["ours"], line["bare"]
		print(
			f"{name:10} bks {line['bks']:9.2f}/{line['bks_vehicles']:2d}v | ours {o['cost']:9.2f}/{o['vehicles']:2d}v "
			f"{o['gap']:+6.2f}% {o['seconds']:4.1f}s | bare {b['cost']:9.2f}/{b['vehicles']:2d}v {b['gap']:+6.2f}% {b['seconds']:4.1f}s",
			flush=True,
		)
	return results


def _klass(name: str) -> str:
	n = name.upper()
	if "_" in n:  # c1_2_1 -> C1
		return n.split("_")[0]
	return n[:-2]  # C101 -> C1, RC201 -> RC2


def report(results) -> None:
	classes = sorted({r["class"] for r in results}, key=lambda c: (len(c), c))
	print()
	head = f"{'class':6} {'n':>3} | {'ours gap':>9} {'veh Δ':>6} {'s/inst':>6} | {'bare gap':>9} {'veh Δ':>6} {'s/inst':>6} | {'ours/bare dist':>14}"
	print(head)
	print("-" * len(head))
	for c in [*classes, "all"]:
		rs = results if c == "all" else [r for r in results if r["class"] == c]
		row = [c, len(rs)]
		for label in ("ours", "bare"):
			row += [
				statistics.mean(r[label]["gap"] for r in rs),
				statistics.mean(r[label]["vehicles"] - r["bks_vehicles"] for r in rs),
				statistics.mean(r[label]["seconds"] for r in rs),
			]
		ratio = statistics.mean(r["ours"]["cost"] / r["bare"]["cost"] for r in rs)
		print(
			f"{row[0]:6} {row[1]:>3} | {row[2]:+8.2f}% {row[3]:+6.2f} {row[4]:6.2f} | {row[5]:+8.2f}% {row[6]:+6.2f} {row[7]:6.2f} | {ratio:14.3f}"
		)
	ours = [r["ours"] for r in results]
	same_fleet = [r for r in results if r["ours"]["vehicles"] <= r["bks_vehicles"]]
	print()
	print(
		f"ours: mean gap {statistics.mean(o['gap'] for o in ours):+.2f}%, median {statistics.median(o['gap'] for o in ours):+.2f}%, "
		f"worst {max(o['gap'] for o in ours):+.2f}%, infeasible {sum(not o['feasible'] for o in ours)}"
	)
	bare = [r["bare"] for r in results if r["has_distance_bks"]]
	if bare:
		print(
			f"bare (distance only) vs the distance-only best known costs ({len(bare)} instances): mean gap "
			f"{statistics.mean(b['gap_distance_bks'] for b in bare):+.2f}%, "
			f"worst {max(b['gap_distance_bks'] for b in bare):+.2f}%"
		)
	if same_fleet:
		print(
			f"ours on the {len(same_fleet)} instances solved with the best known fleet (or fewer): mean gap "
			f"{statistics.mean(r['ours']['gap'] for r in same_fleet):+.2f}%"
		)
	print(
		"(gap = distance vs the best known cost; veh Δ = vehicles used minus the best known solution's; "
		"a plan with more vehicles can have a shorter distance, hence negative gaps)"
	)


def main(argv=None) -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("--set", default="solomon", choices=["solomon", "homberger_200"])
	parser.add_argument("--quick", action="store_true", help="a handful of instances, 1 s each")
	parser.add_argument("--time-limit", type=float, default=None)
	parser.add_argument("--seed", type=int, default=1)
	parser.add_argument("--only", nargs="*", help="instance names")
	parser.add_argument("--json", help="write the per-instance figures there")
	args = parser.parse_args(argv)
	bks = json.loads((DATA / "BKS.json").read_text())
	files = sorted((DATA / args.set).glob("*.txt"))
	if args.only:
		wanted = {n.lower() for n in args.only}
		files = [f for f in files if f.stem.lower() in wanted]
	elif args.quick:
		picks = (
			("c101", "r101", "rc101", "r201") if args.set == "solomon" else ("c1_2_1", "r1_2_1", "rc2_2_1")
		)
		files = [f for f in files if f.stem.lower() in picks]
	limit = args.time_limit or (1.0 if args.quick else (5.0 if args.set == "solomon" else 10.0))
	print(f"{args.set}: {len(files)} instances, {limit} s each for ours and for the bare solver, one core")
	results = run(files, bks, limit, args.seed)
	report(results)
	if args.json:
		Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
	main()
