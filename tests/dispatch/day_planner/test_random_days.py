"""Random small days with every feature mixed: the plan must never raise nor break a hard constraint."""

import random

import pytest

from gigafibre_fsm.dispatch.day_planner import STATUS_EN_ROUTE, STATUS_IN_PROGRESS, LunchBreak, check_plan
from gigafibre_fsm.dispatch.travel_time import GreatCircleTravel

from .test_plan_day import DAY, at, job, plan, tech


def random_day(case: int):
	rng = random.Random(case)
	tags = ["a", "b", "c"]
	techs = []
	for i in range(rng.randint(1, 5)):
		kw = {}
		if rng.random() < 0.6:
			kw["lunch"] = LunchBreak(at(11, 30), at(13, 30), rng.choice([30, 45]))
		if rng.random() < 0.2:
			kw["max_jobs"] = rng.randint(0, 4)
		techs.append(
			tech(
				f"T{i}",
				home=(45.5 + rng.uniform(-0.1, 0.1), -73.6 + rng.uniform(-0.1, 0.1)),
				skills={g: rng.randint(1, 5) for g in rng.sample(tags, rng.randint(0, 3))},
				start=at(rng.choice([7, 8, 9])),
				end=at(rng.choice([15, 16, 17])),
				**kw,
			)
		)
	jobs, busy = [], set()
	for n in range(rng.randint(0, 25)):
		h = rng.randint(7, 15)
		kw = {}
		r = rng.random()
		who = rng.choice(techs).name
		if r < 0.08 and who not in busy:
			busy.add(who)
			kw.update(status=STATUS_IN_PROGRESS, locked_technician=who, locked_start=at(rng.randint(8, 12)))
		elif r < 0.14 and who not in busy:
			busy.add(who)
			kw.update(status=STATUS_EN_ROUTE, locked_technician=who)
		elif r < 0.2:
			kw.update(locked_technician=who)
		elif r < 0.25:
			kw.update(locked_start=at(h))
		if rng.random() < 0.15 and "status" not in kw:
			kw["needs_assistant"] = True
		jobs.append(
			job(
				f"J{n}",
				(45.5 + rng.uniform(-0.15, 0.15), -73.6 + rng.uniform(-0.15, 0.15)),
				minutes=rng.choice([15, 30, 60, 90, 120]),
				early=at(h),
				late=at(min(h + rng.choice([0, 1, 2, 4]), 17)),
				skills={g: rng.randint(1, 4) for g in rng.sample(tags, rng.randint(0, 2))},
				priority=rng.randint(1, 4),
				**kw,
			)
		)
	now = at(rng.choice([9, 10, 12])) if rng.random() < 0.3 else None
	return techs, jobs, now


@pytest.mark.parametrize("case", range(24))
def test_random_day_is_planned_without_breaking_a_hard_constraint(case):
	techs, jobs, now = random_day(case)
	p = plan(techs, jobs, t=0.15, now=now)
	assert check_plan(techs, jobs, p, GreatCircleTravel(), day=DAY) == []
	assert set(p.assigned()) | set(p.unassigned) == {j.name for j in jobs}
