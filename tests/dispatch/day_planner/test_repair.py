"""After solving: maximum jobs, culprits dropped until every route is exact, left-out jobs put back."""

from gigafibre_fsm.dispatch.day_planner import LunchBreak, repair
from gigafibre_fsm.dispatch.day_planner.model import KIND_ASSIST, KIND_JOB, KIND_LUNCH

from .parts import at, context, job, tech


def test_cap_jobs_drops_the_least_important_then_the_latest():
	ctx = context(
		[tech("A", max_jobs=2)],
		[job("J0", 1, priority=3), job("J1", 1, priority=1), job("J2", 1, priority=1)],
	)
	routes = {0: [(KIND_JOB, 0), (KIND_JOB, 1), (KIND_JOB, 2)]}
	repair.cap_jobs(ctx, routes)
	assert routes[0] == [(KIND_JOB, 0), (KIND_JOB, 1)]
	assert ctx.unassigned["J2"].code == "max_jobs"


def test_finalise_drops_the_late_job_and_keeps_the_lunch():
	ctx = context(
		[tech("A", lunch=LunchBreak(at(12), at(13), 30))],
		[job("M", 1, minutes=240, early=8, late=8), job("N", 2, early=9, late=9), job("O", 3)],
	)
	routes = {0: [(KIND_JOB, 0), (KIND_JOB, 1), (KIND_JOB, 2)]}
	sims = repair.finalise(ctx, routes)
	assert ctx.unassigned["N"].code == "repair"  # M runs until noon, N had to start at 9
	assert [k for k, _ in routes[0]].count(KIND_LUNCH) == 1
	assert sims[0]["late_at"] is None and not sims[0]["overtime"]


def test_finalise_gives_up_pairs_that_cannot_meet():
	ctx = context(
		[tech("A"), tech("B")],
		[job("P", 1, minutes=60, needs_assistant=True), job("R", 2, minutes=60, needs_assistant=True)],
	)
	# done in opposite orders, the two pairs can never start together: holding them back makes
	# them late, and both halves of what is dropped leave both routes
	routes = {0: [(KIND_JOB, 0), (KIND_JOB, 1)], 1: [(KIND_ASSIST, 1), (KIND_ASSIST, 0)]}
	sims = repair.finalise(ctx, routes)
	assert ctx.unassigned
	left = {ctx.jobs[r].name for route in routes.values() for _, r in route}
	assert not left & set(ctx.unassigned)
	assert all(sim["late_at"] is None and not sim["overtime"] for sim in sims.values())


def test_reinsert_puts_left_out_jobs_back_where_they_fit():
	ctx = context([tech("A"), tech("B", x=10)], [job("X", 1), job("Y", 9), job("P", 5, needs_assistant=True)])
	for j in ctx.jobs:
		ctx.leave(j, "capacity")
	routes: dict = {}
	sims = repair.reinsert(ctx, routes, {})
	assert not ctx.unassigned
	assert (KIND_JOB, 0) in routes[0] and (KIND_JOB, 1) in routes[1]
	starts = {(s[0], s[1]): s[4] for sim in sims.values() for s in sim["stops"]}
	assert starts[(KIND_JOB, 2)] == starts[(KIND_ASSIST, 2)]
