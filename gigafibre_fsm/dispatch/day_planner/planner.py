"""plan_day: assign and sequence a day's jobs across technicians.

The steps, each in the module that decides it: `prepare` (check the input), `skills.screen`
(what can never be done today), two rounds of `routing.build` + `engine.solve` (round 1 without
lunch; round 2 with each lunch at its spot and each pair pinned to its common start, warm-started
from round 1), `repair.finalise` (exact timing, culprits dropped), `repair.reinsert`, and
`output.to_plan`.
"""

from __future__ import annotations

import time
from datetime import date, datetime

from gigafibre_fsm.dispatch.travel_time import GreatCircleTravel, TravelTimeProvider

from . import engine, lunches, output, pairs, repair, routing, skills
from .context import PlanContext, Visit
from .model import KIND_ASSIST, KIND_JOB, KIND_LUNCH, DayPlan, PlanJob, PlanTechnician
from .prepare import Job, prepare

FIRST_ROUND = 0.6  # share of the solver time before lunches are pinned where they fell


def solve_rounds(
	ctx: PlanContext, plannable: list[Job], time_limit_s: float, seed: int, expert_bias_s: int
) -> tuple[dict[int, list[Visit]], float]:
	"""The solver's routes (technician index -> visits) and the seconds spent.

	Round 1 has no lunch (shifts shortened by it), which no matrix could price right. Round 2,
	when there are lunches or pairs: each lunch at the stop where it fits best in round 1's route
	(which makes the drive after it exact), each two-technician job pinned to the common start
	round 1 allows, warm-started from round 1's routes.
	"""
	started = time.perf_counter()
	data, items = routing.build(ctx, plannable, with_lunch=False, expert_bias_s=expert_bias_s)
	solution, _spent = engine.solve(data, time_limit_s * FIRST_ROUND, seed)
	if any(t.lunch for t in ctx.techs) or any(k == KIND_ASSIST for k, _ in items):
		lunch_at, first = lunches.lunch_spots(ctx, routing.routes_of(solution, items))
		pinned = pairs.pair_starts(ctx, first)
		data, items = routing.build(ctx, plannable, lunch_at, pinned, expert_bias_s=expert_bias_s)
		warm = routing.warm_start(data, items, first)
		remaining = time_limit_s - (time.perf_counter() - started)
		solution, _spent = engine.solve(data, max(0.05, remaining), seed, warm)
	return routing.routes_of(solution, items), time.perf_counter() - started


def account(ctx: PlanContext, plannable: list[Job], routes: dict[int, list[Visit]]) -> None:
	"""Leave out what the solver did not plan (`capacity`; `no_assistant` for a pair without two
	different technicians), and take the other half of a dropped pair out of its route."""
	by_job: dict[int, dict[str, int]] = {}
	for ti, route in routes.items():
		for k, r in route:
			by_job.setdefault(r, {})[k] = ti
	for job in plannable:
		placed = by_job.get(job.index, {})
		if KIND_JOB not in placed:
			ctx.leave(job, "capacity")
		elif job.needs_assistant and (KIND_ASSIST not in placed or placed[KIND_ASSIST] == placed[KIND_JOB]):
			ctx.leave(job, "no_assistant")
	for ti in routes:
		routes[ti] = [
			(k, r) for k, r in routes[ti] if k == KIND_LUNCH or ctx.jobs[r].name not in ctx.unassigned
		]


def plan_day(
	technicians: list[PlanTechnician],
	jobs: list[PlanJob],
	travel: TravelTimeProvider | None = None,
	time_limit_s: float = 5.0,
	seed: int = 1,
	*,
	day: date | None = None,
	timezone: str = "America/Toronto",
	now: datetime | None = None,
	expert_bias_s: int = 30,
) -> DayPlan:
	"""Assign and sequence a day's jobs across technicians.

	Skills (tag and level), shifts from and back to each home base, appointment windows,
	locked technician or start time, lunch breaks and two-technician jobs are hard
	constraints; priorities decide which jobs are left out when the day is full. Jobs en route
	or in progress stay as they are, first on their technician's route. Times given as
	minutes are minutes after midnight of `day` in `timezone`; `now` (re-planning) keeps
	planned work from starting earlier.

	Raises InvalidInput on input that can never be planned (before solving); a job nobody can
	do today is returned in `unassigned` with its reason.
	"""
	problem = prepare(technicians, jobs, day, timezone, now)
	now_s = round((now - problem.origin).total_seconds()) if now is not None else None
	ctx = PlanContext.of(problem, travel or GreatCircleTravel(), now_s)
	plannable = skills.screen(ctx)
	routes: dict[int, list[Visit]] = {}
	spent = 0.0
	if plannable and problem.techs:
		routes, spent = solve_rounds(ctx, plannable, time_limit_s, seed, expert_bias_s)
		account(ctx, plannable, routes)
	sims = repair.finalise(ctx, routes) if routes else {}
	sims = repair.reinsert(ctx, routes, sims)
	return output.to_plan(ctx, sims, spent)
