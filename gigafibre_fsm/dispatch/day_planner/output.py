"""The timed routes as the planner's answer: ETAs in each technician's zone, travel per leg."""

from __future__ import annotations

from datetime import datetime, timedelta

from . import engine
from .context import PlanContext
from .model import KIND_JOB, KIND_LUNCH, STATUS_IN_PROGRESS, DayPlan, PlannedStop, TechnicianRoute


def _metres(ctx: PlanContext, a: int, b: int) -> int:
	return int(ctx.M[a, b]) if ctx.M is not None else 0


def to_plan(ctx: PlanContext, sims: dict[int, dict], solve_seconds: float) -> DayPlan:
	"""The DayPlan of the timed routes `sims` (technician index -> `windows.simulate` result)."""
	origin = ctx.problem.origin
	out: dict[str, TechnicianRoute] = {}
	for t in ctx.techs:
		tz = t.tz

		def at(s: int, tz=tz) -> datetime:
			return (origin + timedelta(seconds=int(s))).astimezone(tz)

		stops: list[PlannedStop] = []
		travel_s = travel_m = 0
		depart = ctx.avail[t.index]
		if t.under_way is not None:
			job = ctx.jobs[t.under_way]
			leg = 0
			if job.status != STATUS_IN_PROGRESS:
				leg = int(ctx.D[t.index, ctx.loc(job)])
			metres = _metres(ctx, t.index, ctx.loc(job)) if leg else 0
			start, end = at(job.fixed_start), at(job.fixed_start + job.duration)
			stops.append(
				PlannedStop(job.name, KIND_JOB, job.location, start, start, end, leg, metres, 0, kept=True)
			)
			travel_s += leg
			travel_m += metres
			depart = job.fixed_start - leg
		sim = sims.get(t.index)
		if sim is None:
			if not stops:
				continue
			back_leg = int(ctx.D[ctx.start_loc[t.index], t.index])
			sim = {"stops": [], "back": ctx.avail[t.index] + back_leg, "home_leg": back_leg}
		first_job = True
		for kind, ref, frm, arrive, start, end, leg in sim["stops"]:
			if kind == KIND_LUNCH:
				stops.append(PlannedStop("lunch", KIND_LUNCH, None, at(start), at(start), at(end), 0, 0, 0))
				continue
			job = ctx.jobs[ref]
			metres = _metres(ctx, frm, ctx.loc(job))
			wait = start - arrive
			if first_job and not stops and t.under_way is None:
				# leave home just in time rather than wait on the doorstep
				depart, arrive, wait = depart + wait, start, 0
			first_job = False
			stops.append(
				PlannedStop(job.name, kind, job.location, at(arrive), at(start), at(end), leg, metres, wait)
			)
			travel_s += leg
			travel_m += metres
		if not any(s.kind != KIND_LUNCH for s in stops):
			continue  # a technician with nothing to do stays home (no route)
		last = [s for s in sim["stops"] if s[0] != KIND_LUNCH]
		last_loc = ctx.loc(ctx.jobs[last[-1][1]]) if last else ctx.start_loc[t.index]
		travel_s += sim["home_leg"]
		travel_m += _metres(ctx, last_loc, t.index)
		out[t.name] = TechnicianRoute(t.name, at(depart), at(sim["back"]), stops, travel_s, travel_m)
	return DayPlan(out, ctx.unassigned, engine.SOLVER_NAME, solve_seconds)
