"""Lunch breaks: dropped when the day has passed them, placed where they cost least, priced at a spot."""

from gigafibre_fsm.dispatch.day_planner import STATUS_IN_PROGRESS, LunchBreak, lunches
from gigafibre_fsm.dispatch.day_planner.model import KIND_JOB, KIND_LUNCH

from .parts import at, context, job, tech

NOON = LunchBreak(at(12), at(13), 30)


def test_no_lunch_to_plan_when_the_job_under_way_runs_past_its_window():
	ctx = context(
		[tech("A", lunch=NOON), tech("B", lunch=NOON)],
		[job("J", 1, minutes=300, status=STATUS_IN_PROGRESS, locked_technician="A", locked_start=at(9))],
	)
	assert ctx.techs[0].lunch is None  # busy until 14:00
	assert ctx.techs[1].lunch is not None


def test_lunch_goes_where_it_keeps_the_route_on_time():
	ctx = context(
		[tech("A", lunch=NOON)], [job("M", 1, minutes=150, early=9, late=9), job("N", 2, early=13, late=13)]
	)
	a = ctx.techs[0]
	route = lunches.with_lunch(ctx, a, [(KIND_JOB, 0), (KIND_JOB, 1)], {})
	# before M (9:00-11:30) it would make M late, after N (13:00) the lunch itself would be late
	assert route == [(KIND_JOB, 0), (KIND_LUNCH, 0), (KIND_JOB, 1)]


def test_ensure_lunch_adds_one_only_to_working_technicians():
	ctx = context([tech("A", lunch=NOON), tech("B", lunch=NOON), tech("C")], [job("M", 1), job("N", 1)])
	routes = {0: [(KIND_JOB, 0)], 1: [], 2: [(KIND_JOB, 1)]}
	lunches.ensure_lunch(ctx, routes)
	assert routes[0] in ([(KIND_JOB, 0), (KIND_LUNCH, 0)], [(KIND_LUNCH, 0), (KIND_JOB, 0)])
	assert routes[1] == [] and routes[2] == [(KIND_JOB, 1)]
	before = list(routes[0])
	lunches.ensure_lunch(ctx, routes)  # never a second one
	assert routes[0] == before


def test_lunch_spot_is_the_stop_before_the_break():
	ctx = context(
		[tech("A", lunch=NOON), tech("B", x=5, lunch=NOON), tech("C")],
		[job("M", 3, minutes=180, early=9, late=9), job("N", 4, early=14, late=14)],
	)
	lunch_at, routes = lunches.lunch_spots(ctx, {0: [(KIND_JOB, 0), (KIND_JOB, 1)]})
	assert routes[0] == [(KIND_JOB, 0), (KIND_LUNCH, 0), (KIND_JOB, 1)]
	assert lunch_at[0] == ctx.loc(ctx.jobs[0])
	assert routes[1] == [(KIND_LUNCH, 1)] and lunch_at[1] == 1  # nothing before it: at home
	assert 2 not in lunch_at and routes[2] == []
	assert lunches.required(ctx, ctx.techs[0])
	ctx.avail[0] = 4 * 3600 + 1801  # free only after the latest start of the lunch (12:30)
	assert not lunches.required(ctx, ctx.techs[0])
