"""Two-technician jobs: bringing the two visits of each pair to one common start."""

from __future__ import annotations

from . import windows
from .context import Visit
from .model import KIND_ASSIST, KIND_JOB, KIND_LUNCH

SYNC_ROUNDS = 40


def synchronise(ctx, routes: dict[int, list[Visit]]) -> tuple[dict[int, dict], dict, bool]:
	"""Time every route, holding back the earlier visit of each pair until the later one can start.

	Returns (timed routes, (kind, job) -> start, whether some pair is still apart after
	SYNC_ROUNDS rounds).
	"""
	release: dict = {}
	sims: dict[int, dict] = {}
	starts: dict = {}
	moved = False
	for _sync in range(SYNC_ROUNDS):
		sims = {ti: windows.simulate(ctx, ctx.techs[ti], r, release) for ti, r in routes.items()}
		starts = {}
		for sim in sims.values():
			for kind, ref, *rest in sim["stops"]:
				starts[(kind, ref)] = rest[2]
		moved = False
		for (kind, ref), st in starts.items():
			if kind == KIND_ASSIST and (KIND_JOB, ref) in starts and starts[(KIND_JOB, ref)] != st:
				release[(KIND_JOB, ref)] = release[(KIND_ASSIST, ref)] = max(st, starts[(KIND_JOB, ref)])
				moved = True
		if not moved:
			break
	return sims, starts, moved


def pair_starts(ctx, routes: dict[int, list[Visit]]) -> dict[int, int]:
	"""Common starts (job -> start) of the two-technician jobs that two different technicians can
	start together, within the job's window."""
	where = {}
	for ti, route in routes.items():
		for kind, ref in route:
			if kind != KIND_LUNCH:
				where[(kind, ref)] = ti
	_sims, starts, _moved = synchronise(ctx, routes)
	return {
		ref: st
		for (kind, ref), st in starts.items()
		if kind == KIND_ASSIST
		and starts.get((KIND_JOB, ref)) == st
		and where.get((KIND_JOB, ref)) != where.get((KIND_ASSIST, ref))
		and ctx.jobs[ref].early <= st <= ctx.jobs[ref].late
	}


def furthest_apart(starts: dict) -> int:
	"""The pair whose two visits start furthest apart (the one to give up when they cannot meet)."""
	gaps = [
		(abs(starts[(KIND_JOB, ref)] - starts[(KIND_ASSIST, ref)]), ref)
		for (kind, ref) in starts
		if kind == KIND_ASSIST
	]
	return max(gaps)[1]


def keeps_starts(sims: list[dict], release: dict) -> bool:
	"""Whether every synchronised visit in `sims` starts exactly at its common start in `release`."""
	return not any(
		st[4] != release[(st[0], st[1])] for sim in sims for st in sim["stops"] if (st[0], st[1]) in release
	)


def synchronised_starts(sims: dict[int, dict], jobs) -> dict:
	"""(kind, job) -> start of both visits of every two-technician job in the timed routes."""
	release = {}
	for sim in sims.values():
		for kind, ref, _frm, _arr, start, _end, _leg in sim["stops"]:
			if kind != KIND_LUNCH and jobs[ref].needs_assistant:
				release[(kind, ref)] = start
	return release
