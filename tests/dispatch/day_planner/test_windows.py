"""Time windows: who is free when and where, who can reach a job, and exact route timing."""

from gigafibre_fsm.dispatch.day_planner import STATUS_EN_ROUTE, STATUS_IN_PROGRESS, windows
from gigafibre_fsm.dispatch.day_planner.model import KIND_JOB, KIND_LUNCH

from .parts import STEP, at, context, hours, job, tech


def test_free_at_home_at_shift_start_or_now():
	ctx = context([tech("A"), tech("B", start=9)], [], now=at(8, 30))
	assert ctx.start_loc == {0: 0, 1: 1}
	assert ctx.avail == {0: hours(8, 30), 1: hours(9)}


def test_free_where_and_when_the_job_under_way_ends():
	ctx = context(
		[tech("A"), tech("B")],
		[
			job("J", 2, minutes=60, status=STATUS_IN_PROGRESS, locked_technician="A", locked_start=at(8)),
			# en route from home (3 steps away): arrives at 8:30, works an hour
			job("K", 3, minutes=60, status=STATUS_EN_ROUTE, locked_technician="B"),
		],
	)
	assert ctx.start_loc == {0: ctx.loc(ctx.jobs[0]), 1: ctx.loc(ctx.jobs[1])}
	assert ctx.jobs[1].fixed_start == 3 * STEP
	assert ctx.avail == {0: hours(9), 1: hours(9, 30)}


def test_reachable_needs_the_window_and_the_drive_home():
	ctx = context([tech("A", end=10)], [job("near", 1, minutes=60), job("far", 6, minutes=60)])
	a, near, far = ctx.techs[0], *ctx.jobs
	assert windows.reachable(ctx, a, near, near.early)
	# 1 h there, 1 h of work, 1 h back: home at 11:00, after the end of the shift
	assert not windows.reachable(ctx, a, far, far.early)
	# nor a job whose window closes before it gets there (10 minutes away)
	near.late = 5 * 60
	assert not windows.reachable(ctx, a, near, near.early)


def test_shift_window_is_shortened_by_the_lunch_only_without_a_lunch_visit():
	from gigafibre_fsm.dispatch.day_planner import LunchBreak

	ctx = context([tech("A", lunch=LunchBreak(at(12), at(13), 30))], [])
	a = ctx.techs[0]
	assert windows.shift_window(ctx, a, with_lunch=True) == (0, hours(17))
	assert windows.shift_window(ctx, a, with_lunch=False) == (0, hours(16, 30))
	ctx.avail[0] = hours(18)  # a day that is over: an empty window, not an impossible one
	assert windows.shift_window(ctx, a, with_lunch=True) == (hours(18), hours(18))


def test_simulate_times_a_route_exactly():
	from gigafibre_fsm.dispatch.day_planner import LunchBreak

	ctx = context(
		[tech("A", lunch=LunchBreak(at(12), at(13), 30), end=13)],
		[job("X", 2, minutes=60, early=10), job("Y", 3, minutes=60)],
	)
	a = ctx.techs[0]
	sim = windows.simulate(ctx, a, [(KIND_JOB, 0), (KIND_LUNCH, 0), (KIND_JOB, 1)], {})
	(_, _, _, arr1, s1, e1, leg1), lunch, (_, _, _, arr2, s2, _, leg2) = sim["stops"]
	assert (arr1, s1, e1, leg1) == (2 * STEP, hours(10), hours(11), 2 * STEP)  # waits for its window
	assert lunch[4:6] == (hours(12), hours(12, 30))  # taken on site, waiting for its window
	assert (arr2, s2, leg2) == (hours(12, 40), hours(12, 40), STEP)
	assert sim["home_leg"] == 3 * STEP and sim["back"] == hours(14, 10)
	assert sim["late_at"] is None and sim["overtime"]
	assert not windows.on_time(sim)
	# a release holds a visit back
	held = windows.simulate(ctx, a, [(KIND_JOB, 1)], {(KIND_JOB, 1): hours(9)})
	assert held["stops"][0][4] == hours(9)
	# and a visit past its latest start is reported
	ctx.jobs[1].late = hours(9)
	assert windows.simulate(ctx, a, [(KIND_JOB, 0), (KIND_JOB, 1)], {})["late_at"] == 1
