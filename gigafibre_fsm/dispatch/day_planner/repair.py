"""After solving: every route timed exactly, culprits dropped until every hard constraint holds,
then left-out jobs put back wherever they fit exactly."""

from __future__ import annotations

from . import lunches, pairs, windows
from .context import PlanContext, Visit
from .model import KIND_ASSIST, KIND_JOB, KIND_LUNCH
from .objective import route_cost, travel_of
from .prepare import Job
from .skills import can_assist, can_lead

Routes = dict[int, list[Visit]]


def _without(routes: Routes, refs) -> None:
	for ti in routes:
		routes[ti] = [(k, r) for k, r in routes[ti] if k == KIND_LUNCH or r not in refs]


def cap_jobs(ctx: PlanContext, routes: Routes) -> None:
	"""Leave out what is beyond each technician's maximum number of jobs: the least important
	first, then the latest in the day (`max_jobs`)."""
	for ti, route in routes.items():
		cap = ctx.techs[ti].max_jobs
		leads = [r for k, r in route if k != KIND_LUNCH]
		if cap is not None and len(leads) > cap:
			extra = sorted(reversed(leads), key=lambda r: ctx.jobs[r].priority)[: len(leads) - cap]
			for r in extra:
				ctx.leave(ctx.jobs[r], "max_jobs")
			_without(routes, extra)


def culprits(ctx: PlanContext, routes: Routes, sims: dict[int, dict]) -> set[int]:
	"""Per route that is late or past the shift: the first late job, or (when the lunch is late or
	the technician home late) the least important job, the latest of them in the day."""
	victims = set()
	for ti, sim in sims.items():
		route = routes[ti]
		if sim["late_at"] is not None and route[sim["late_at"]][0] != KIND_LUNCH:
			victims.add(route[sim["late_at"]][1])
		elif sim["late_at"] is not None or sim["overtime"]:
			jobs_here = [ref for kind, ref in route if kind != KIND_LUNCH]
			if jobs_here:
				victims.add(min(reversed(jobs_here), key=lambda r: ctx.jobs[r].priority))
	return victims


def finalise(ctx: PlanContext, routes: Routes) -> dict[int, dict]:
	"""Time every route exactly (lunch on site, pairs at one start) and drop culprits until none is
	late, past the shift or unsynchronised (`repair`, `no_assistant`). Returns the timed routes."""
	cap_jobs(ctx, routes)
	lunches.ensure_lunch(ctx, routes)
	sims: dict[int, dict] = {}
	for _round in range(len(ctx.jobs) + 5):
		sims, starts, apart = pairs.synchronise(ctx, routes)
		victims = culprits(ctx, routes, sims)
		if apart and not victims:
			# pairs that could not be brought together: give up the most distant one
			victims = {pairs.furthest_apart(starts)}
			code = "no_assistant"
		elif not victims:
			return sims
		else:
			code = "repair"
		for v in victims:
			ctx.leave(ctx.jobs[v], code)
		_without(routes, victims)
	return sims  # pragma: no cover - bounded by the number of jobs


def placements(ctx: PlanContext, t, route: list[Visit], item: Visit, release: dict):
	"""(trial route, timing) for every position of `item` in `route` that is on time (the lunch
	placed anew when the route has none)."""
	for pos in range(len(route) + 1):
		trial = [*route[:pos], item, *route[pos:]]
		if t.lunch and not lunches.has_lunch(trial):
			trial = lunches.with_lunch(ctx, t, trial, release)
		sim = windows.simulate(ctx, t, trial, release)
		if windows.on_time(sim):
			yield trial, sim


def _left_out(ctx: PlanContext, codes: tuple[str, ...], pair: bool) -> list[Job]:
	jobs = [
		j
		for j in ctx.jobs
		if j.name in ctx.unassigned and ctx.unassigned[j.name].code in codes and j.needs_assistant == pair
	]
	return sorted(jobs, key=lambda j: (-j.priority, j.late))


def reinsert(ctx: PlanContext, routes: Routes, sims: dict[int, dict]) -> dict[int, dict]:
	"""Put left-out jobs back where they fit exactly, most important first: one-person jobs at the
	cheapest on-time position of any skilled technician, then two-technician jobs
	(`reinsert_pairs`). Nothing already synchronised moves."""
	release = pairs.synchronised_starts(sims, ctx.jobs)
	counts = {ti: sum(1 for k, _ in r if k != KIND_LUNCH) for ti, r in routes.items()}
	for job in _left_out(ctx, ("capacity", "repair"), pair=False):
		best = None
		for t in ctx.techs:
			if not can_lead(t, job):
				continue
			if t.max_jobs is not None and counts.get(t.index, 0) >= t.max_jobs:
				continue
			base = travel_of(ctx, t.index, sims.get(t.index))
			for trial, sim in placements(ctx, t, routes.get(t.index, []), (KIND_JOB, job.index), release):
				if not pairs.keeps_starts([sim], release):
					continue  # would move a two-technician job off its common start
				extra = route_cost(sim)[1] - base
				if best is None or extra < best[0]:
					best = (extra, t.index, trial, sim)
		if best is not None:
			_, ti, trial, sim = best
			routes[ti], sims[ti] = trial, sim
			counts[ti] = counts.get(ti, 0) + 1
			del ctx.unassigned[job.name]
	reinsert_pairs(ctx, routes, sims, release, counts)
	return sims


def reinsert_pairs(ctx: PlanContext, routes: Routes, sims, release, counts, width: int = 6) -> None:
	"""Put left-out two-technician jobs back: a lead and a helper among the `width` nearest who can
	both start at one common time without moving anything already synchronised."""

	def room(t):
		return t.max_jobs is None or counts.get(t.index, 0) < t.max_jobs

	def nearest(pool, job):
		return sorted(pool, key=lambda t: ctx.D[ctx.start_loc[t.index], ctx.loc(job)])[:width]

	def start_of(sim, key):
		return next(s[4] for s in sim["stops"] if (s[0], s[1]) == key)

	for job in _left_out(ctx, ("capacity", "repair", "no_assistant"), pair=True):
		key_j, key_a = (KIND_JOB, job.index), (KIND_ASSIST, job.index)
		leads = nearest([t for t in ctx.techs if can_lead(t, job) and room(t)], job)
		helpers = nearest([t for t in ctx.techs if can_assist(t, job) and room(t)], job)
		best = None
		for lead in leads:
			lead_options = list(placements(ctx, lead, routes.get(lead.index, []), key_j, release))
			for helper in helpers:
				if helper is lead:
					continue
				helper_options = list(placements(ctx, helper, routes.get(helper.index, []), key_a, release))
				base = travel_of(ctx, lead.index, sims.get(lead.index)) + travel_of(
					ctx, helper.index, sims.get(helper.index)
				)
				for trial_l, sim_l in lead_options:
					for trial_h, sim_h in helper_options:
						both = dict(release)
						both[key_j] = both[key_a] = max(start_of(sim_l, key_j), start_of(sim_h, key_a))
						sl = windows.simulate(ctx, lead, trial_l, both)
						sh = windows.simulate(ctx, helper, trial_h, both)
						if not (windows.on_time(sl) and windows.on_time(sh)):
							continue
						if not pairs.keeps_starts([sl, sh], both):
							continue  # off the common start, or moves another pair
						extra = route_cost(sl)[1] + route_cost(sh)[1] - base
						if best is None or extra < best[0]:
							best = (extra, lead.index, trial_l, sl, helper.index, trial_h, sh, both[key_j])
		if best is not None:
			_, li, trial_l, sl, hi, trial_h, sh, start = best
			routes[li], sims[li], routes[hi], sims[hi] = trial_l, sl, trial_h, sh
			release[key_j] = release[key_a] = start
			counts[li] = counts.get(li, 0) + 1
			counts[hi] = counts.get(hi, 0) + 1
			del ctx.unassigned[job.name]
