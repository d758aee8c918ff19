"""The objective: prizes by priority (locked jobs at least high), the cost of a timed route."""

from gigafibre_fsm.dispatch.day_planner import objective, windows
from gigafibre_fsm.dispatch.day_planner.model import KIND_JOB

from .parts import STEP, context, job, tech


def test_prizes_rank_priorities_and_lift_locked_jobs():
	ctx = context(
		[tech("A")],
		[
			job("low", 1, priority=1),
			job("urgent", 1, priority=4),
			job("locked", 1, priority=1, locked_technician="A"),
		],
	)
	low, urgent, locked = (objective.job_prize(j) for j in ctx.jobs)
	assert low == objective.PRIZE[1] + 1800
	assert urgent == objective.PRIZE[4] + 1800
	assert locked == objective.PRIZE[3] + 1800
	# any prize is far below a prohibitive edge: the solver drops a job rather than take one
	assert urgent * 10 < objective.BIG


def test_route_cost_counts_lateness_then_driving():
	ctx = context([tech("A", end=10)], [job("X", 2), job("Y", 3, minutes=60)])
	a = ctx.techs[0]
	on_time = windows.simulate(ctx, a, [(KIND_JOB, 0)], {})
	assert objective.route_cost(on_time) == (0, 4 * STEP)
	over = windows.simulate(ctx, a, [(KIND_JOB, 0), (KIND_JOB, 1)], {})
	assert objective.route_cost(over) == (1, 6 * STEP)  # home at 10:30, after the shift
	assert objective.travel_of(ctx, 0, None) == 0  # nothing to do: no driving
	assert objective.travel_of(ctx, 0, on_time) == 4 * STEP
