"""The PyVRP instance of a day: one client per visit, one routing profile and vehicle per
technician. Each rule comes from the module that decides it: windows, skills, lunches, pairs
(pinned starts) and the objective (prizes, prohibitive edges, load)."""

from __future__ import annotations

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, Route, Solution, VehicleType

from . import lunches, skills, windows
from .context import PlanContext, Visit
from .model import KIND_ASSIST, KIND_JOB, KIND_LUNCH
from .objective import BIG, LOAD_UNIT, LUNCH_PRIZE, job_prize
from .prepare import Job


def visits(ctx: PlanContext, jobs: list[Job], with_lunch: bool) -> list[Visit]:
	"""The model's clients, in order: every job, the assistant visit of every pair, every lunch."""
	items: list[Visit] = [(KIND_JOB, job.index) for job in jobs]
	items += [(KIND_ASSIST, job.index) for job in jobs if job.needs_assistant]
	if with_lunch:
		items += [(KIND_LUNCH, t.index) for t in ctx.techs if t.lunch]
	return items


def locations(ctx: PlanContext, items: list[Visit], lunch_at: dict[int, int]) -> tuple[list[int], np.ndarray]:
	"""(model location of each client, travel-matrix row behind each model location).

	Homes and jobs keep their travel-matrix rows; each assistant visit and lunch gets a location
	of its own after them, at its job's place or its lunch spot (where the technician is free by
	default).
	"""
	n_base = ctx.T + len(ctx.jobs)
	loc_of = [ctx.T + ref if kind == KIND_JOB else None for kind, ref in items]
	extra = [i for i, (kind, _) in enumerate(items) if kind != KIND_JOB]
	for k, i in enumerate(extra):
		loc_of[i] = n_base + k
	src = list(range(n_base)) + [
		ctx.T + items[i][1]
		if items[i][0] == KIND_ASSIST
		else lunch_at.get(items[i][1], ctx.start_loc[items[i][1]])
		for i in extra
	]
	return loc_of, np.asarray(src)


def shared_durations(ctx: PlanContext, items, loc_of, src) -> tuple[np.ndarray, np.ndarray, list[int]]:
	"""(true travel times, durations every profile starts from, the lunch locations).

	The two visits of a pair may not be made by one technician back to back, and nobody may
	visit a lunch location (each profile reopens its own: `build`).
	"""
	true = ctx.D[np.ix_(src, src)]
	dur = true.copy()
	lunch_locs = [l for (kind, _), l in zip(items, loc_of, strict=True) if kind == KIND_LUNCH]
	for (kind, ref), l in zip(items, loc_of, strict=True):
		if kind == KIND_ASSIST:
			dur[l, ctx.T + ref] = dur[ctx.T + ref, l] = BIG
	dur[lunch_locs, :] = BIG
	dur[:, lunch_locs] = BIG
	np.fill_diagonal(dur, 0)
	return true, dur, lunch_locs


def clients(ctx: PlanContext, items, loc_of, pinned: dict[int, int], use_load: bool) -> list[Client]:
	"""One client per visit: jobs optional with their prize (pinned pairs at one instant), lunches
	with their window and duration."""
	out = []
	for (kind, ref), l in zip(items, loc_of, strict=True):
		load = ([0] if kind == KIND_LUNCH else [LOAD_UNIT]) if use_load else []
		if kind == KIND_LUNCH:
			t = ctx.techs[ref]
			e, late, d = t.lunch
			out.append(
				Client(
					l,
					delivery=load,
					service_duration=d,
					tw_early=max(0, e),
					tw_late=max(0, late),
					prize=LUNCH_PRIZE,
					required=lunches.required(ctx, t),
					name=f"lunch:{t.name}",
				)
			)
			continue
		job = ctx.jobs[ref]
		out.append(
			Client(
				l,
				delivery=load,
				service_duration=job.duration,
				tw_early=max(0, pinned.get(ref, job.early)),
				tw_late=max(0, pinned.get(ref, job.late)),
				prize=job_prize(job),
				required=False,
				name=f"{kind}:{job.name}",
			)
		)
	return out


def build(
	ctx: PlanContext,
	jobs: list[Job],
	lunch_at: dict[int, int] | None = None,
	pinned: dict[int, int] | None = None,
	with_lunch: bool = True,
	expert_bias_s: int = 0,
) -> tuple[ProblemData, list[Visit]]:
	"""The PyVRP instance and its clients' visits.

	Lunch is a visit to a spot, `lunch_at` (technician -> travel-matrix row, where the technician
	is free by default): the detour X -> spot -> Y is never shorter than X -> Y (an upper bound
	the solver cannot exploit) and exact when the spot is the stop before lunch. Without
	`with_lunch`, shifts are shortened by the lunch instead. `pinned` (job -> start) fixes both
	visits of a two-technician job to one common start.
	"""
	pinned = pinned or {}
	techs = ctx.techs
	items = visits(ctx, jobs, with_lunch)
	loc_of, src = locations(ctx, items, lunch_at or {})
	N = len(src)
	true, dur, lunch_locs = shared_durations(ctx, items, loc_of, src)
	use_load = any(t.max_jobs is not None for t in techs)
	cls = clients(ctx, items, loc_of, pinned, use_load)

	# one routing profile per technician: the skills (and the lunch) are hard constraints,
	# expressed as edges no one else can take
	depots, vtypes, dists, durs = [], [], [], []
	for t in techs:
		home_depot = len(depots)
		depots.append(Depot(t.index))
		start_depot = home_depot
		if ctx.start_loc[t.index] != t.index:
			start_depot = len(depots)
			depots.append(Depot(ctx.start_loc[t.index]))
		pdur = dur.copy()
		banned = []
		if t.lunch and with_lunch:
			# the technician's own lunch spot (see the docstring); finalise() times it exactly
			own = loc_of[items.index((KIND_LUNCH, t.index))]
			pdur[:, own] = true[:, own]
			pdur[own, :] = true[own, :]
			banned = [l for l in lunch_locs if l != own]
		cannot, bias = skills.profile(t, ctx.jobs, items, loc_of, N, expert_bias_s)
		banned += cannot
		pdur[banned, :] = BIG
		pdur[:, banned] = BIG
		np.fill_diagonal(pdur, 0)
		pdist = pdur + bias[np.newaxis, :]
		np.fill_diagonal(pdist, 0)
		durs.append(pdur)
		dists.append(pdist)
		cap = [LOAD_UNIT * (t.max_jobs if t.max_jobs is not None else len(items))] if use_load else []
		tw_early, tw_late = windows.shift_window(ctx, t, with_lunch)
		vtypes.append(
			VehicleType(
				1,
				capacity=cap,
				start_depot=start_depot,
				end_depot=home_depot,
				tw_early=tw_early,
				tw_late=tw_late,
				profile=t.index,
				name=t.name,
			)
		)
	locations_ = [Location(0, 0) for _ in range(N)]
	return ProblemData(locations_, cls, depots, vtypes, dists, durs), items


def routes_of(solution: Solution, items: list[Visit]) -> dict[int, list[Visit]]:
	"""technician index -> the visits of its route in `solution`."""
	return {
		r.vehicle_type(): [items[a.idx] for a in r.schedule() if a.is_client()] for r in solution.routes()
	}


def warm_start(data: ProblemData, items: list[Visit], routes: dict[int, list[Visit]]) -> Solution:
	"""`routes` as a solution of `data` (whose clients are `items`), to start the solver from."""
	client = {item: i for i, item in enumerate(items)}
	return Solution(data, [Route(data, [client[x] for x in r], ti) for ti, r in routes.items() if r])
