"""Two-technician jobs: the two visits brought to one common start."""

from gigafibre_fsm.dispatch.day_planner import pairs
from gigafibre_fsm.dispatch.day_planner.model import KIND_ASSIST, KIND_JOB

from .parts import STEP, context, hours, job, tech


def two_techs_one_pair(**kw):
	# P is 3 steps from A's home and 4 from B's: B gets there 10 minutes after A
	return context(
		[tech("A", x=0), tech("B", x=7)], [job("P", 3, minutes=60, needs_assistant=True, **kw), job("Q", 1)]
	)


def test_synchronise_holds_the_earlier_visit_back():
	ctx = two_techs_one_pair()
	routes = {0: [(KIND_JOB, 0)], 1: [(KIND_ASSIST, 0)]}
	sims, starts, apart = pairs.synchronise(ctx, routes)
	assert not apart
	assert starts[(KIND_JOB, 0)] == starts[(KIND_ASSIST, 0)] == 4 * STEP
	assert pairs.pair_starts(ctx, routes) == {0: 4 * STEP}
	assert pairs.synchronised_starts(sims, ctx.jobs) == {(KIND_JOB, 0): 4 * STEP, (KIND_ASSIST, 0): 4 * STEP}


def test_no_common_start_for_one_technician_doing_both_visits_or_outside_the_window():
	ctx = two_techs_one_pair()
	assert pairs.pair_starts(ctx, {0: [(KIND_JOB, 0), (KIND_ASSIST, 0)]}) == {}
	ctx = two_techs_one_pair(late=8)  # B cannot be there at 8:00
	assert pairs.pair_starts(ctx, {0: [(KIND_JOB, 0)], 1: [(KIND_ASSIST, 0)]}) == {}


def test_pairs_that_cannot_meet_are_reported_apart():
	# two pairs done in opposite orders by the two technicians can never be synchronised
	ctx = context(
		[tech("A"), tech("B")],
		[job("P", 1, minutes=60, needs_assistant=True), job("R", 2, minutes=60, needs_assistant=True)],
	)
	routes = {0: [(KIND_JOB, 0), (KIND_JOB, 1)], 1: [(KIND_ASSIST, 1), (KIND_ASSIST, 0)]}
	_sims, starts, apart = pairs.synchronise(ctx, routes)
	assert apart
	assert pairs.furthest_apart(starts) in (0, 1)


def test_keeps_starts_detects_a_moved_pair():
	ctx = two_techs_one_pair()
	routes = {0: [(KIND_JOB, 0)], 1: [(KIND_ASSIST, 0)]}
	sims, _starts, _ = pairs.synchronise(ctx, routes)
	release = pairs.synchronised_starts(sims, ctx.jobs)
	assert pairs.keeps_starts(list(sims.values()), release)
	assert not pairs.keeps_starts(list(sims.values()), {**release, (KIND_JOB, 0): hours(9)})
