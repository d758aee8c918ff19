"""Skills: who may lead or assist, what is screened out before solving, each profile's bans and bias."""

import numpy as np

from gigafibre_fsm.dispatch.day_planner import skills
from gigafibre_fsm.dispatch.day_planner.model import KIND_ASSIST, KIND_JOB

from .parts import at, context, job, tech


def test_lead_needs_every_tag_at_its_level_and_the_lock():
	ctx = context(
		[tech("Pro", skills={"splice": 4, "ont": 2}), tech("Novice", skills={"splice": 1})],
		[
			job("S", 1, skills={"splice": 3}),
			job("L", 1, locked_technician="Novice"),
			job("A", 1, skills={"ont": 1}),
		],
	)
	pro, novice = ctx.techs
	s, locked, a = ctx.jobs
	assert skills.can_lead(pro, s) and not skills.can_lead(novice, s)
	assert skills.can_lead(novice, locked) and not skills.can_lead(pro, locked)
	# assisting needs the tags at any level
	assert skills.can_assist(novice, s) and not skills.can_assist(novice, a)


def test_screen_leaves_out_what_can_never_be_done_today_with_its_reason():
	techs = [tech("A", skills={"splice": 2}, end=12), tech("B", skills={})]
	jobs = [
		job("ok", 1),
		job("absent", 1, locked_technician="Zed"),
		job("unskilled", 1, skills={"splice": 5}),
		job("no_helper", 1, skills={"splice": 1}, needs_assistant=True),
		job("far", 30, skills={"splice": 1}),  # 5 h away from A, whose shift ends at noon
		job("late_now", 1, early=8, late=9),
	]
	ctx = context(techs, jobs, now=at(10))
	plannable = skills.screen(ctx)
	assert [j.name for j in plannable] == ["ok"]
	assert {n: u.code for n, u in ctx.unassigned.items()} == {
		"absent": "locked_absent",
		"unskilled": "no_skill",
		"no_helper": "no_assistant_skill",
		"far": "out_of_reach",
		"late_now": "out_of_reach",
	}
	assert ctx.unassigned["unskilled"].params == {"skills": "splice ≥ 5"}
	assert plannable[0].early == 2 * 3600  # moved to `now`


def test_profile_bans_what_the_technician_may_not_do_and_prefers_the_lowest_level():
	ctx = context(
		[tech("Pro", skills={"splice": 5})],
		[job("S", 1, skills={"splice": 2}), job("X", 2, skills={"ont": 1}), job("P", 3, skills={"ont": 1})],
	)
	items = [(KIND_JOB, 0), (KIND_JOB, 1), (KIND_JOB, 2), (KIND_ASSIST, 2)]
	loc_of = [1, 2, 3, 4]
	banned, bias = skills.profile(ctx.techs[0], ctx.jobs, items, loc_of, 5, expert_bias_s=30)
	assert sorted(banned) == [2, 3, 4]
	assert bias.tolist() == [0, 90, 0, 0, 0]  # three levels above the requirement
	_, none = skills.profile(ctx.techs[0], ctx.jobs, items, loc_of, 5, expert_bias_s=0)
	assert not np.any(none)
