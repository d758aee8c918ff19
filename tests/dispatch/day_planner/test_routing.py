"""The solver's model: clients per visit, each technician's profile and window."""

import numpy as np

from gigafibre_fsm.dispatch.day_planner import LunchBreak, routing
from gigafibre_fsm.dispatch.day_planner.model import KIND_ASSIST, KIND_JOB, KIND_LUNCH
from gigafibre_fsm.dispatch.day_planner.objective import BIG, LOAD_UNIT, job_prize

from .parts import STEP, at, context, hours, job, tech


def day():
	return context(
		[tech("A", skills={"s": 2}, lunch=LunchBreak(at(12), at(13), 30)), tech("B", x=4, max_jobs=3)],
		[job("S", 1, skills={"s": 1}), job("P", 2, needs_assistant=True), job("Q", 3)],
	)


def test_round_one_has_no_lunch_and_shorter_shifts():
	ctx = day()
	data, items = routing.build(ctx, ctx.jobs, with_lunch=False)
	assert items == [(KIND_JOB, 0), (KIND_JOB, 1), (KIND_JOB, 2), (KIND_ASSIST, 1)]
	assert data.num_clients == 4
	a, b = data.vehicle_type(0), data.vehicle_type(1)
	assert (a.tw_early, a.tw_late) == (0, hours(16, 30))
	assert (b.tw_early, b.tw_late) == (0, hours(17))
	assert a.capacity == [LOAD_UNIT * 4] and b.capacity == [LOAD_UNIT * 3]
	assert data.client(0).prize == job_prize(ctx.jobs[0]) and not data.client(0).required


def test_skills_and_pairs_are_prohibitive_edges_in_each_profile():
	ctx = day()
	data, items = routing.build(ctx, ctx.jobs, with_lunch=False, expert_bias_s=30)
	loc = {item: data.client(i).location for i, item in enumerate(items)}
	a, b = (np.asarray(data.duration_matrix(p)) for p in (0, 1))
	s = loc[(KIND_JOB, 0)]
	assert b[0, s] >= BIG and a[0, s] == STEP  # B cannot splice
	p, pa = loc[(KIND_JOB, 1)], loc[(KIND_ASSIST, 1)]
	assert a[p, pa] >= BIG and a[pa, p] >= BIG  # nobody does both halves of a pair
	assert np.asarray(data.distance_matrix(0))[0, s] == STEP + 30  # one level above the need


def test_round_two_prices_lunch_at_its_spot_and_pins_pairs():
	ctx = day()
	data, items = routing.build(ctx, ctx.jobs, lunch_at={0: ctx.loc(ctx.jobs[2])}, pinned={1: hours(9)})
	assert items[-1] == (KIND_LUNCH, 0)
	lunch = data.client(len(items) - 1)
	assert lunch.required and (lunch.tw_early, lunch.tw_late, lunch.service_duration) == (
		hours(12),
		hours(12, 30),
		1800,
	)
	pinned = [data.client(i) for i, it in enumerate(items) if it[1] == 1 and it[0] != KIND_LUNCH]
	assert all((c.tw_early, c.tw_late) == (hours(9), hours(9)) for c in pinned)
	a, b = (np.asarray(data.duration_matrix(p)) for p in (0, 1))
	q = data.client(items.index((KIND_JOB, 2))).location
	assert a[q, lunch.location] == 0 and a[lunch.location, q] == 0  # at Q's door
	assert b[q, lunch.location] >= BIG  # not B's lunch


def test_warm_start_and_routes_round_trip():
	ctx = day()
	data, items = routing.build(ctx, ctx.jobs, with_lunch=False)
	routes = {0: [(KIND_JOB, 0), (KIND_JOB, 1)], 1: [(KIND_ASSIST, 1), (KIND_JOB, 2)]}
	assert routing.routes_of(routing.warm_start(data, items, routes), items) == routes
