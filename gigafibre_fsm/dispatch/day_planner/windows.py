"""Time windows: when and where each technician is free, who can reach a job in time, and the
exact timing of a route (the arbiter every other part relies on after solving)."""

from __future__ import annotations

import numpy as np

from .model import KIND_LUNCH, STATUS_IN_PROGRESS
from .prepare import Job, Problem, Tech


def free_from(problem: Problem, D: np.ndarray, now_s: int | None) -> tuple[dict[int, int], dict[int, int]]:
	"""(start location, start time) of each technician's planned work.

	At home at the start of the shift (or at `now` when re-planning), unless a job is under way:
	then where it is, when it ends. An en-route job gets its start here (arrival from home, the
	only position known).
	"""
	start_loc: dict[int, int] = {}
	avail: dict[int, int] = {}
	T = len(problem.techs)
	for t in problem.techs:
		start_loc[t.index] = t.index
		avail[t.index] = max(t.start, now_s) if now_s is not None else t.start
		if t.under_way is not None:
			job = problem.jobs[t.under_way]
			if job.status != STATUS_IN_PROGRESS:  # en route from home (the only position known)
				job.fixed_start = avail[t.index] + int(D[t.index, T + job.index])
			start_loc[t.index] = T + job.index
			avail[t.index] = max(avail[t.index], job.fixed_start + job.duration)
	return start_loc, avail


def earliest_start(job: Job, now_s: int | None) -> int:
	"""The job's earliest start, never before `now` when re-planning."""
	return max(job.early, now_s) if now_s is not None else job.early


def reachable(ctx, t: Tech, job: Job, early: int) -> bool:
	"""Whether `t`, leaving from where it is free, can start `job` in its window and be home in time."""
	arrive = ctx.avail[t.index] + int(ctx.D[ctx.start_loc[t.index], ctx.loc(job)])
	start = max(arrive, early)
	return start <= job.late and start + job.duration + int(ctx.D[ctx.loc(job), t.index]) <= t.end


def shift_window(ctx, t: Tech, with_lunch: bool) -> tuple[int, int]:
	"""The vehicle's time window: free from `avail`, home by the end of the shift (shortened by the
	lunch when the model has no lunch visit). A technician whose day is over (re-planning late, a
	job running past the shift) gets an empty window rather than an impossible one."""
	lunch = t.lunch[2] if t.lunch and not with_lunch else 0
	return ctx.avail[t.index], max(ctx.avail[t.index], t.end - lunch)


def simulate(ctx, t: Tech, route: list[tuple[str, int]], release: dict) -> dict:
	"""Exact timing of `route` for `t` with the real matrix: lunch taken on site, the drive after it.

	`release` ((kind, job) -> time) holds visits back (a pair's common start). Returns the stops
	(kind, ref, from, arrival, start, end, leg), the first late visit (`late_at`), `overtime`,
	the return home (`back`) and the drive home (`home_leg`).
	"""
	pos, clock = ctx.start_loc[t.index], ctx.avail[t.index]
	stops, late_at = [], None
	for k, (kind, ref) in enumerate(route):
		if kind == KIND_LUNCH:
			e, latest, d = t.lunch
			start = max(clock, e)
			stops.append((kind, ref, None, clock, start, start + d, 0))
			if start > latest and late_at is None:
				late_at = k
			clock = start + d
			continue
		job = ctx.jobs[ref]
		leg = int(ctx.D[pos, ctx.loc(job)])
		arrive = clock + leg
		start = max(arrive, job.early, release.get((kind, ref), 0))
		stops.append((kind, ref, pos, arrive, start, start + job.duration, leg))
		if start > job.late and late_at is None:
			late_at = k
		pos, clock = ctx.loc(job), start + job.duration
	home_leg = int(ctx.D[pos, t.index])
	back = clock + home_leg
	return {"stops": stops, "late_at": late_at, "overtime": back > t.end, "back": back, "home_leg": home_leg}


def on_time(sim: dict) -> bool:
	"""Nothing late and home before the end of the shift."""
	return sim["late_at"] is None and not sim["overtime"]
