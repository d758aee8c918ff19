"""Benchmark 4: the engine's fleet stage against the bare solver given a vehicle fixed cost, side by
side on the Gehring-Homberger 200-customer instances, same data, seed and time.

	.venv/bin/python -m benchmarks.fleet_stage [--quick] [--time-limit 2] [--per-class N] [--json FILE]

"ours" is `engine.solve_vrptw` (what benchmarks 1 and 2 measure); "bare" is `pyvrp.solve` on the
same instance with every vehicle costing `engine.vehicle_fixed_cost(data)` (more than any route
could save in distance, so the solver puts fewer vehicles first, as the literature does), for the
same seconds. The goal: ours never uses more vehicles than bare (count reported last).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings
from pathlib import Path

import pyvrp
from pyvrp.stop import MaxRuntime

from benchmarks.solomon_vrptw import DATA, _klass, problem_data, read_instance, true_cost
from gigafibre_fsm.dispatch.day_planner import engine


def bare_fixed_cost(data: pyvrp.ProblemData, time_limit: float, seed: int) -> pyvrp.Solution:
	"""PyVRP alone, every vehicle at the engine's fixed cost."""
	vt = data.vehicle_type(0)
	data = data.replace(vehicle_types=[vt.replace(fixed_cost=engine.vehicle_fixed_cost(data))])
	with warnings.catch_warnings():
		warnings.simplefilter("ignore")
		return pyvrp.solve(
			data, stop=MaxRuntime(time_limit), seed=seed, collect_stats=False, display=False
		).best


def _compare(line: dict) -> int:
	"""1 when ours needs more vehicles than bare, -1 when fewer, 0 when as many. An infeasible
	solution needs more than any feasible one (PyVRP returns its best infeasible one when it found
	no feasible solution in time)."""
	o, b = line["ours"], line["bare"]
	if o["feasible"] != b["feasible"]:
		return -1 if o["feasible"] else 1
	return (o["vehicles"] > b["vehicles"]) - (o["vehicles"] < b["vehicles"])


def run(files: list[Path], bks: dict, time_limit: float, seed: int) -> list[dict]:
	results = []
	for path in files:
		name = path.stem
		vehicles, capacity, rows = read_instance(path)
		line = {"instance": name, "class": _klass(name), "bks_vehicles": bks[name]["solved_with_vehicles"]}
		for label in ("ours", "bare"):
			data = problem_data(vehicles, capacity, rows)
			started = time.perf_counter()
			if label == "ours":
				sol, _spent = engine.solve_vrptw(data, time_limit, seed)
			else:
				sol = bare_fixed_cost(data, time_limit, seed)
			seconds = time.perf_counter() - started
			used, cost = true_cost(sol, rows)
			line[label] = {
				"vehicles": used,
				"distance": cost,
				"feasible": sol.is_feasible() and sol.num_missing_clients() == 0,
				"seconds": seconds,
			}
		o, b = line["ours"], line["bare"]
		mark = {1: " MORE", -1: " fewer", 0: ""}[_compare(line)]
		mark += "" if b["feasible"] else " (bare infeasible)"
		print(
			f"{name:10} bks {line['bks_vehicles']:2d}v | ours {o['vehicles']:2d}v {o['distance']:8.1f} {o['seconds']:4.1f}s"
			f" | bare {b['vehicles']:2d}v {b['distance']:8.1f} {b['seconds']:4.1f}s{mark}",
			flush=True,
		)
		results.append(line)
	return results


def report(results: list[dict]) -> None:
	classes = sorted({r["class"] for r in results}, key=lambda c: (len(c), c))
	print()
	head = (
		f"{'class':5} {'n':>3} | {'ours veh':>8} {'bare veh':>8} {'more':>4} {'fewer':>5} | "
		f"{'ours dist':>9} {'bare dist':>9} {'same-fleet dist ratio':>21}"
	)
	print(head)
	print("-" * len(head))
	for c in [*classes, "all"]:
		rs = results if c == "all" else [r for r in results if r["class"] == c]
		same = [r for r in rs if r["ours"]["vehicles"] == r["bare"]["vehicles"]]
		ratio = (
			f"{statistics.mean(r['ours']['distance'] / r['bare']['distance'] for r in same):.3f} ({len(same)})"
			if same
			else "-"
		)
		print(
			f"{c:5} {len(rs):>3} | {statistics.mean(r['ours']['vehicles'] for r in rs):8.2f} "
			f"{statistics.mean(r['bare']['vehicles'] for r in rs):8.2f} "
			f"{sum(_compare(r) > 0 for r in rs):>4} "
			f"{sum(_compare(r) < 0 for r in rs):>5} | "
			f"{statistics.mean(r['ours']['distance'] for r in rs):9.1f} "
			f"{statistics.mean(r['bare']['distance'] for r in rs):9.1f} {ratio:>21}"
		)
	more = [r["instance"] for r in results if _compare(r) > 0]
	infeasible = {label: sum(not r[label]["feasible"] for r in results) for label in ("ours", "bare")}
	print()
	print(
		f"ours uses more vehicles than bare on {len(more)} of {len(results)} instances (goal 0)"
		+ (f": {', '.join(more)}" if more else "")
		+ f"; infeasible solutions: ours {infeasible['ours']}, bare {infeasible['bare']}"
	)
	print(
		"(veh = mean vehicles; dist = mean Euclidean distance; the ratio is ours/bare where both use the same "
		"fleet; an infeasible solution counts as more vehicles than any feasible one)"
	)


def main(argv=None) -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("--quick", action="store_true", help="one instance per class, 1 s each")
	parser.add_argument("--time-limit", type=float, default=None)
	parser.add_argument(
		"--per-class", type=int, default=None, help="only the first N instances of each class"
	)
	parser.add_argument("--seed", type=int, default=1)
	parser.add_argument("--only", nargs="*", help="instance names")
	parser.add_argument("--json", help="write the per-instance figures there")
	parser.add_argument("--report", help="only print the tables of a --json file written before")
	args = parser.parse_args(argv)
	if args.report:
		report(json.loads(Path(args.report).read_text()))
		return
	bks = json.loads((DATA / "BKS.json").read_text())
	files = sorted(
		(DATA / "homberger_200").glob("*.txt"), key=lambda f: (_klass(f.stem), len(f.stem), f.stem)
	)
	per_class = 1 if args.quick and args.per_class is None else args.per_class
	if args.only:
		wanted = {n.lower() for n in args.only}
		files = [f for f in files if f.stem.lower() in wanted]
	elif per_class:
		seen: dict[str, int] = {}
		picked = []
		for f in files:
			k = _klass(f.stem)
			if seen.get(k, 0) < per_class:
				seen[k] = seen.get(k, 0) + 1
				picked.append(f)
		files = picked
	limit = args.time_limit or (1.0 if args.quick else 2.0)
	print(
		f"homberger_200: {len(files)} instances, {limit} s each for ours and for bare PyVRP with a vehicle fixed cost"
	)
	results = run(files, bks, limit, args.seed)
	report(results)
	if args.json:
		Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
	main()
