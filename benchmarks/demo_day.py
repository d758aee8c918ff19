"""Benchmark 3: the demo day planned by the day planner against the seed's dispatch rule, in one run.

	.venv/bin/python -m benchmarks.demo_day [--quick] [--time-limit 5]

The seed's rule (gigafibre-fsm-architecture.md, "Dispatch Auto-Assign"): one job at a time,
filter the technicians whose tag levels are high enough and who have a free slot, take the
lowest adequate skill level first (keep experts free), put the job in that technician's
earliest slot. The reference here is generous to the seed: equal levels go to the technician living nearest,
its slots account for driving time (so that it is on time), it pairs two-technician jobs and
keeps lunch free.
Both plans are checked by the same independent checker (`check_plan`).
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta

import numpy as np

from gigafibre_fsm.dispatch.day_planner import DayPlan, PlannedStop, TechnicianRoute, check_plan, plan_day
from gigafibre_fsm.dispatch.day_planner.model import KIND_ASSIST, KIND_JOB, KIND_LUNCH, REASONS, UnassignedJob
from gigafibre_fsm.dispatch.day_planner.prepare import prepare
from gigafibre_fsm.dispatch.demo import demo_day
from gigafibre_fsm.dispatch.travel_time import GreatCircleTravel


def seed_rule(technicians, jobs, travel, day, timezone) -> DayPlan:
	"""The seed's auto-assign rule, one job at a time (see the module's docstring)."""
	p = prepare(technicians, jobs, day, timezone, None)
	T = len(p.techs)
	points = [t.home for t in p.techs] + [j.location for j in p.jobs]
	D = np.asarray(travel.matrix(points))
	M = np.asarray(travel.distances(points))
	# per technician: sorted blocks (start, end, location index or None for lunch, kind, job)
	blocks = {t.index: [] for t in p.techs}
	for t in p.techs:
		if t.lunch:
			e, _late, d = t.lunch
			blocks[t.index].append((e, e + d, None, KIND_LUNCH, None))

	def fits(t, start, job):
		loc = T + job.index
		end = start + job.duration
		seq = [
			(t.start, t.start, t.index),
			*[(b[0], b[1], b[2]) for b in blocks[t.index]],
			(t.end, t.end, t.index),
		]
		prev_loc, prev_end = t.index, t.start
		for b_start, b_end, b_loc in seq:
			if b_end <= start:
				prev_end = b_end
				if b_loc is not None:
					prev_loc = b_loc
				continue
			# first block after the job: must not overlap, and leave room to drive on
			if b_start < end:
				return False
			if prev_end + D[prev_loc, loc] > start:
				return False
			if b_loc is not None:
				return end + D[loc, b_loc] <= b_start
			# lunch next: taken on site at its fixed time, then the drive to whatever follows
			after = [x for x in seq if x[0] >= b_end and x[2] is not None]
			nxt, limit = (after[0][2], after[0][0]) if after else (t.index, t.end)
			return b_end + D[loc, nxt] <= limit
		return False

	def earliest(t, job):
		cands = {job.early}
		for b in [(t.start, t.start, t.index), *blocks[t.index]]:
			loc = b[2] if b[2] is not None else None
			if loc is not None:
				cands.add(b[1] + int(D[loc, T + job.index]))
			else:
				cands.add(b[1])
		for s in sorted(c for c in cands if job.early <= c <= job.late):
			if fits(t, s, job):
				return s
		return None

	def level(t, job):
		return sum(t.skills.get(g, 0) for g in job.skills) if job.skills else 0

	unassigned = {}
	for job in p.jobs:  # one job at a time, as they come
		leads = sorted(
			(
				t
				for t in p.techs
				if all(t.skills.get(g, 0) >= v for g, v in job.skills.items())
				and job.locked_tech in (None, t.name)
			),
			key=lambda t: (level(t, job), D[t.index, T + job.index]),
		)
		if not leads:
			unassigned[job.name] = UnassignedJob(
				job.name, "no_skill", REASONS["no_skill"], {"skills": job.skills}
			)
			continue
		placed = False
		for lead in leads:
			s = earliest(lead, job)
			if s is None:
				continue
			if not job.needs_assistant:
				blocks[lead.index] = sorted(
					[*blocks[lead.index], (s, s + job.duration, T + job.index, KIND_JOB, job)],
					key=lambda b: b[0],
				)
				placed = True
				break
			helpers = sorted(
				(t for t in p.techs if t is not lead and all(t.skills.get(g, 0) >= 1 for g in job.skills)),
				key=lambda t: (level(t, job), D[t.index, T + job.index]),
			)
			for start in range(s, job.late + 1, 300):
				h = next((h for h in helpers if fits(lead, start, job) and fits(h, start, job)), None)
				if h is not None:
					for who, kind in ((lead, KIND_JOB), (h, KIND_ASSIST)):
						blocks[who.index] = sorted(
							[*blocks[who.index], (start, start + job.duration, T + job.index, kind, job)],
							key=lambda b: b[0],
						)
					placed = True
					break
			if placed:
				break
		if not placed:
			unassigned[job.name] = UnassignedJob(job.name, "capacity", REASONS["capacity"], {})

	routes = {}
	for t in p.techs:
		work = [b for b in blocks[t.index] if b[3] != KIND_LUNCH]
		if not work:
			continue

		def at(s, tz=t.tz):
			return (p.origin + timedelta(seconds=int(s))).astimezone(tz)

		stops, pos, travel_s, travel_m = [], t.index, 0, 0
		for b in blocks[t.index]:
			if b[3] == KIND_LUNCH:
				stops.append(PlannedStop("lunch", KIND_LUNCH, None, at(b[0]), at(b[0]), at(b[1]), 0, 0, 0))
				continue
			leg = int(D[pos, b[2]])
			stops.append(
				PlannedStop(
					b[4].name,
					b[3],
					b[4].location,
					at(b[0] - 0),
					at(b[0]),
					at(b[1]),
					leg,
					int(M[pos, b[2]]),
					0,
				)
			)
			travel_s += leg
			travel_m += int(M[pos, b[2]])
			pos = b[2]
		travel_s += int(D[pos, t.index])
		travel_m += int(M[pos, t.index])
		routes[t.name] = TechnicianRoute(
			t.name, at(t.start), at(work[-1][1] + int(D[pos, t.index])), stops, travel_s, travel_m
		)
	return DayPlan(routes, unassigned, "seed rule", 0.0)


def lateness_s(plan: DayPlan, technicians, jobs, day, timezone) -> int:
	"""Seconds of work started after the latest start of its window, summed."""
	p = prepare(technicians, jobs, day, timezone, None)
	late = {j.name: p.origin + timedelta(seconds=j.late) for j in p.jobs}
	return int(
		sum(max(0, (s.start - late[s.job]).total_seconds()) for r in plan.routes.values() for s in r.jobs)
	)


def figures(plan, technicians, jobs, travel, day, tz, seconds):
	served = len(plan.assigned())
	return {
		"served": served,
		"unassigned": len(plan.unassigned),
		"travel_km": plan.travel_m / 1000,
		"travel_h": plan.travel_s / 3600,
		"km_per_job": plan.travel_m / 1000 / max(1, served),
		"work_h": sum(r.work_s for r in plan.routes.values()) / 3600,
		"lateness_min": lateness_s(plan, technicians, jobs, day, tz) / 60,
		"violations": len(check_plan(technicians, jobs, plan, travel, day=day, timezone=tz)),
		"seconds": seconds,
	}


def main(argv=None) -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("--quick", action="store_true", help="a smaller day (12 technicians, 80 jobs)")
	parser.add_argument("--time-limit", type=float, default=None, help="solver seconds (default 5, quick 1)")
	parser.add_argument("--seed", type=int, default=1)
	args = parser.parse_args(argv)
	demo = demo_day(12, 80) if args.quick else demo_day()
	limit = args.time_limit or (1.0 if args.quick else 5.0)
	travel = GreatCircleTravel()
	t, j, day, tz = demo.technicians, demo.jobs, demo.day, demo.timezone
	print(f"demo day: {len(t)} technicians, {len(j)} jobs; planner time limit {limit} s")
	started = time.perf_counter()
	ours = plan_day(t, j, travel, time_limit_s=limit, seed=args.seed, day=day, timezone=tz)
	ours_f = figures(ours, t, j, travel, day, tz, time.perf_counter() - started)
	started = time.perf_counter()
	seed = seed_rule(t, j, travel, day, tz)
	seed_f = figures(seed, t, j, travel, day, tz, time.perf_counter() - started)
	rows = [
		("jobs planned", "served", "{:.0f}"),
		("jobs unassigned", "unassigned", "{:.0f}"),
		("travel (km)", "travel_km", "{:.0f}"),
		("travel (h)", "travel_h", "{:.1f}"),
		("travel per planned job (km)", "km_per_job", "{:.2f}"),
		("work planned (h)", "work_h", "{:.1f}"),
		("lateness (min)", "lateness_min", "{:.0f}"),
		("hard-constraint violations", "violations", "{:.0f}"),
		("wall time (s)", "seconds", "{:.1f}"),
	]
	print(f"\n{'':30} {'planner':>10} {'seed rule':>10} {'planner/seed':>13}")
	for label, key, fmt in rows:
		a, b = ours_f[key], seed_f[key]
		ratio = f"{a / b:13.3f}" if b else f"{'-':>13}"
		print(f"{label:30} {fmt.format(a):>10} {fmt.format(b):>10} {ratio}")
	# the same work: the planner given only the jobs the seed rule managed to place
	placed = set(seed.assigned())
	same_jobs = [job for job in j if job.name in placed]
	started = time.perf_counter()
	same = plan_day(t, same_jobs, travel, time_limit_s=limit, seed=args.seed, day=day, timezone=tz)
	same_f = figures(same, t, same_jobs, travel, day, tz, time.perf_counter() - started)
	print(
		f"{'same jobs as the seed rule':30} {same_f['served']:>10.0f} {seed_f['served']:>10.0f}   "
		f"travel {same_f['travel_km']:.0f} km vs {seed_f['travel_km']:.0f} km = {same_f['travel_km'] / seed_f['travel_km']:.3f}, "
		f"violations {same_f['violations']}"
	)
	print(
		f"\ntravel: {100 * (1 - ours_f['travel_km'] / seed_f['travel_km']):+.1f}% less in total while planning "
		f"{ours_f['served'] - seed_f['served']:+d} jobs, {100 * (1 - ours_f['km_per_job'] / seed_f['km_per_job']):+.1f}% "
		f"less per planned job, {100 * (1 - same_f['travel_km'] / seed_f['travel_km']):+.1f}% less for the same jobs "
		f"(goal: >= 25% less, 0 violations, <= 10 s)"
	)


if __name__ == "__main__":
	main()
