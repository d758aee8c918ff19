from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gigafibre_fsm.dispatch.day_planner import (
	STATUS_EN_ROUTE,
	STATUS_IN_PROGRESS,
	LunchBreak,
	PlanJob,
	PlanTechnician,
	check_plan,
	plan_day,
)
from gigafibre_fsm.dispatch.demo import demo_day
from gigafibre_fsm.dispatch.travel_time import GreatCircleTravel
from gigafibre_fsm.errors import InvalidInput

DAY = date(2025, 6, 10)
TZ = ZoneInfo("America/Toronto")
MTL = (45.50, -73.57)
LAVAL = (45.57, -73.75)


def at(h, m=0):
	return datetime(2025, 6, 10, h, m, tzinfo=TZ)


def tech(name, home=MTL, skills=None, start=None, end=None, **kw):
	return PlanTechnician(name, home, start or at(8), end or at(17), skills or {}, **kw)


def job(name, where=MTL, minutes=30, early=None, late=None, skills=None, **kw):
	return PlanJob(name, where, minutes, early or at(8), late or at(16), skills or {}, **kw)


def near(i, base=MTL):
	return (base[0] + 0.004 * (i % 5), base[1] + 0.005 * (i // 5))


def plan(techs, jobs, t=0.4, **kw):
	return plan_day(techs, jobs, time_limit_s=t, seed=3, day=DAY, **kw)


def assert_sound(techs, jobs, p):
	assert check_plan(techs, jobs, p, GreatCircleTravel(), day=DAY) == []


def test_skills_and_levels_are_hard_constraints():
	techs = [
		tech("Splicer", skills={"fibre_splicing": 4}),
		tech("Installer", skills={"ont_install": 3, "fibre_splicing": 2}),
	]
	jobs = [job(f"S{i}", near(i), skills={"fibre_splicing": 3}) for i in range(4)]
	jobs += [job(f"I{i}", near(i + 5), skills={"ont_install": 2}) for i in range(4)]
	p = plan(techs, jobs)
	assert not p.unassigned
	for tech_name, stop in ((t, s) for t, r in p.routes.items() for s in r.jobs):
		if stop.job.startswith("S"):
			assert tech_name == "Splicer"
		else:
			assert tech_name == "Installer"
	assert_sound(techs, jobs, p)


def test_demo_sized_day_has_no_violations_and_every_job_is_accounted_for():
	demo = demo_day(technicians=8, jobs=50, seed=11)
	p = plan_day(demo.technicians, demo.jobs, time_limit_s=1.0, seed=1, day=demo.day)
	assert check_plan(demo.technicians, demo.jobs, p, GreatCircleTravel(), day=demo.day) == []
	placed = set(p.assigned())
	assert placed | set(p.unassigned) == {j.name for j in demo.jobs}
	assert not placed & set(p.unassigned)
	assert len(placed) > 30


def test_windows_and_shift_are_respected_and_times_are_in_the_technicians_zone():
	techs = [tech("West", skills={}, timezone="America/Vancouver")]
	jobs = [job("A", near(1), early=at(14), late=at(14, 30)), job("B", near(2), early=at(9), late=at(9, 15))]
	p = plan(techs, jobs)
	route = p.routes["West"]
	starts = {s.job: s.start for s in route.jobs}
	assert at(14) <= starts["A"] <= at(14, 30)
	assert at(9) <= starts["B"] <= at(9, 15)
	assert str(starts["A"].tzinfo) == "America/Vancouver"
	assert starts["A"].hour == 11  # 14:00 in Montréal is 11:00 in Vancouver
	assert route.depart >= at(8) and route.return_home <= at(17)
	assert_sound(techs, jobs, p)


def test_locked_technician_and_start_stay():
	techs = [tech("Near"), tech("Far", home=LAVAL)]
	jobs = [
		job("L", LAVAL, locked_technician="Near", locked_start=at(10, 30)),
		job("Free", near(3)),
	]
	p = plan(techs, jobs)
	placed = p.assigned()
	assert placed["L"][0][0] == "Near"
	assert placed["L"][0][1].start == at(10, 30)
	assert_sound(techs, jobs, p)


def test_jobs_under_way_are_kept_as_they_are():
	techs = [tech("Ann", skills={"ont_install": 1}), tech("Bob", home=LAVAL, skills={"ont_install": 1})]
	jobs = [
		job(
			"Running",
			LAVAL,
			minutes=60,
			status=STATUS_IN_PROGRESS,
			locked_technician="Ann",
			locked_start=at(9, 40),
		),
		job("Driving", near(2), minutes=45, status=STATUS_EN_ROUTE, locked_technician="Bob"),
		*[job(f"J{i}", near(i + 4), skills={"ont_install": 1}) for i in range(4)],
	]
	p = plan(techs, jobs, now=at(10))
	first_ann = p.routes["Ann"].stops[0]
	assert first_ann.job == "Running" and first_ann.kept
	assert first_ann.start == at(9, 40) and first_ann.end == at(10, 40)
	first_bob = p.routes["Bob"].stops[0]
	assert first_bob.job == "Driving" and first_bob.kept and first_bob.start >= at(10)
	# nothing else starts before now, nor before the kept job is over
	for _name, route in p.routes.items():
		for stop in route.stops[1:]:
			assert stop.start >= at(10)
	assert all(s.start >= first_ann.end for s in p.routes["Ann"].stops[1:])
	assert_sound(techs, jobs, p)


def test_unassigned_jobs_carry_their_reason():
	techs = [tech("Ann", skills={"ont_install": 2}, end=at(12))]
	jobs = [
		job("NoSkill", skills={"fibre_splicing": 5}),
		job("Absent", locked_technician="Zoé"),
		job("TooLate", early=at(15), late=at(16)),
		job("FarAway", (48.45, -68.52)),  # Rimouski: 6 h away
		job("Fine", near(1), skills={"ont_install": 2}),
	]
	p = plan(techs, jobs)
	codes = {name: u.code for name, u in p.unassigned.items()}
	assert codes == {
		"NoSkill": "no_skill",
		"Absent": "locked_absent",
		"TooLate": "out_of_reach",
		"FarAway": "out_of_reach",
	}
	assert "fibre_splicing ≥ 5" in p.unassigned["NoSkill"].text
	assert "Zoé" in p.unassigned["Absent"].text
	assert list(p.assigned()) == ["Fine"]


def test_when_the_day_is_full_low_priority_jobs_go_first():
	techs = [tech("Solo", start=at(8), end=at(12))]
	jobs = [job(f"U{i}", near(i), minutes=50, priority=4) for i in range(3)]
	jobs += [job(f"L{i}", near(i + 3), minutes=50, priority=1) for i in range(3)]
	p = plan(techs, jobs)
	assert {n for n in p.assigned() if n.startswith("U")} == {"U0", "U1", "U2"}
	assert all(p.unassigned[n].code == "capacity" for n in p.unassigned)
	assert len(p.unassigned) >= 2
	assert_sound(techs, jobs, p)


def test_two_technician_job_gets_two_technicians_on_site_together():
	techs = [
		tech("Lead", skills={"underground": 3}),
		tech("Helper", home=LAVAL, skills={"underground": 1}),
		tech("Other", skills={"ont_install": 3}),
	]
	jobs = [
		job(
			"Pair",
			near(1),
			minutes=90,
			early=at(9),
			late=at(13),
			skills={"underground": 3},
			needs_assistant=True,
		),
		job("Solo", near(2), minutes=30, early=at(8), late=at(9)),
	]
	p = plan(techs, jobs, t=0.5)
	placed = p.assigned()["Pair"]
	assert sorted(t for t, _ in placed) == ["Helper", "Lead"]
	assert placed[0][1].start == placed[1][1].start
	assert_sound(techs, jobs, p)


def test_two_technician_job_without_a_second_technician_is_left_out():
	techs = [tech("Lead", skills={"underground": 3}), tech("Other", skills={"ont_install": 3})]
	jobs = [job("Pair", skills={"underground": 3}, needs_assistant=True)]
	p = plan(techs, jobs)
	assert p.unassigned["Pair"].code == "no_assistant_skill"


def test_lunch_break_is_taken_in_its_window():
	lunch = LunchBreak(at(11, 30), at(13), 45)
	techs = [tech("Ann", lunch=lunch)]
	jobs = [job(f"J{i}", near(i), minutes=50) for i in range(6)]
	p = plan(techs, jobs)
	lunches = [s for s in p.routes["Ann"].stops if s.kind == "lunch"]
	assert len(lunches) == 1
	assert at(11, 30) <= lunches[0].start and lunches[0].end <= at(13)
	assert lunches[0].end - lunches[0].start == timedelta(minutes=45)
	assert_sound(techs, jobs, p)


def test_max_jobs_is_respected():
	techs = [tech("Ann", max_jobs=2), tech("Bob", max_jobs=1)]
	jobs = [job(f"J{i}", near(i), minutes=20) for i in range(5)]
	p = plan(techs, jobs)
	assert len(p.routes["Ann"].jobs) <= 2 and len(p.routes.get("Bob").jobs) <= 1
	assert len(p.unassigned) == 2


def test_minutes_after_midnight_are_accepted():
	techs = [PlanTechnician("Ann", MTL, 8 * 60, 16 * 60)]
	jobs = [PlanJob("A", near(1), 30, 13 * 60, 14 * 60)]
	p = plan_day(techs, jobs, time_limit_s=0.2, day=DAY, timezone="America/Toronto")
	assert at(13) <= p.routes["Ann"].stops[0].start <= at(14)


@pytest.mark.parametrize(
	"techs, jobs, template",
	[
		([tech("Ann", home=None)], [], "Technician {technician} has no home base"),
		(
			[tech("Ann", start=at(17), end=at(8))],
			[],
			"Technician {technician}'s shift ends ({end}) before it starts ({start})",
		),
		(
			[tech("Ann", skills={"aerial": 7})],
			[],
			"Technician {technician} has an invalid level {level} for {tag}: levels go from 1 to 5",
		),
		([tech("Ann"), tech("Ann")], [], "Technician {technician} is listed twice"),
		(
			[tech("Ann", home=(145.0, 20.0))],
			[],
			"Technician {technician} has an invalid home base {point}: latitude must be within ±90 and longitude within ±180",
		),
		(
			[tech("Ann")],
			[job("A", early=at(14), late=at(9))],
			"Job {job} has an impossible window: its latest start {latest} is before its earliest start {earliest}",
		),
		([tech("Ann")], [job("A", minutes=0)], "Job {job} must last more than 0 minutes (got {minutes})"),
		([tech("Ann")], [job("A", where=None)], "Job {job} has no location"),
		(
			[tech("Ann")],
			[job("A", skills={"aerial": 0})],
			"Job {job} requires an invalid level {level} for {tag}: levels go from 1 to 5",
		),
		([tech("Ann", timezone="Mars/Olympus")], [], "{owner}: unknown time zone {zone}"),
		(
			[tech("Ann")],
			[job("A", early=datetime(2025, 6, 10, 8))],
			"{field} of {owner} must carry a time zone ({value})",
		),
		(
			[tech("Ann")],
			[job("A", status=STATUS_IN_PROGRESS)],
			"Job {job} is {status} but no technician is assigned to it",
		),
		(
			[tech("Ann")],
			[job("A", status="done")],
			"Job {job} has an unknown status {status} (use {allowed})",
		),
		(
			[tech("Ann")],
			[job("A", priority=9)],
			"Job {job} has an invalid priority {priority}: use 1 (low) to 4 (urgent)",
		),
		(
			[tech("Ann", lunch=LunchBreak(at(12), at(12, 15), 30))],
			[],
			"Technician {technician}'s lunch break of {minutes} minutes does not fit between {earliest} and {latest}",
		),
	],
)
def test_bad_input_is_refused_with_a_clear_message_before_solving(techs, jobs, template):
	with pytest.raises(InvalidInput) as err:
		plan(techs, jobs)
	assert err.value.message == template
	assert "{" not in str(err.value)


def test_no_technicians_means_every_job_is_unassigned_not_an_error():
	p = plan([], [job("A")])
	assert p.routes == {} and p.unassigned["A"].code == "no_skill"


def test_a_road_network_provider_plugs_in():
	from gigafibre_fsm.dispatch.travel_time import OsrmTravel
	from simulators.routing import RoutingDouble

	techs = [tech("Ann"), tech("Bob", home=LAVAL)]
	jobs = [job(f"J{i}", near(i, LAVAL if i % 2 else MTL)) for i in range(6)]
	with RoutingDouble("osrm") as double:
		travel = OsrmTravel(double.base_url)
		p = plan(techs, jobs, travel=travel)
		assert double.requests  # the matrix came from the server
		assert check_plan(techs, jobs, p, travel, day=DAY) == []
	assert not p.unassigned and p.travel_m > 0


def test_the_checker_catches_broken_plans():
	import dataclasses

	techs = [tech("Splicer", skills={"fibre_splicing": 4}), tech("Rookie", home=LAVAL, skills={})]
	jobs = [job("S", near(1), early=at(9), late=at(10), skills={"fibre_splicing": 3})]
	p = plan(techs, jobs)
	assert check_plan(techs, jobs, p, GreatCircleTravel(), day=DAY) == []
	stop = p.routes["Splicer"].stops[0]
	# given to someone without the skill
	moved = dataclasses.replace(
		p, routes={"Rookie": dataclasses.replace(p.routes["Splicer"], technician="Rookie")}
	)
	assert any("lacks fibre_splicing" in v for v in check_plan(techs, jobs, moved, day=DAY))
	# started outside its window
	late = dataclasses.replace(stop, start=at(11), end=at(11, 30))
	broken = dataclasses.replace(
		p, routes={"Splicer": dataclasses.replace(p.routes["Splicer"], stops=[late])}
	)
	assert any("outside its window" in v for v in check_plan(techs, jobs, broken, day=DAY))
	# forgotten
	empty = dataclasses.replace(p, routes={})
	assert check_plan(techs, jobs, empty, day=DAY) == ["S: placed 0 times"]


def test_a_job_under_way_through_lunch_time_leaves_the_rest_of_the_day_planned():
	lunch = LunchBreak(at(11, 30), at(13, 30), 30)
	techs = [tech("Ann", lunch=lunch), tech("Bob", home=LAVAL, lunch=lunch)]
	jobs = [
		job(
			"Long",
			near(1),
			minutes=180,
			status=STATUS_IN_PROGRESS,
			locked_technician="Ann",
			locked_start=at(11),
		),
		*[job(f"J{i}", near(i + 2), minutes=30, early=at(14), late=at(16)) for i in range(3)],
	]
	p = plan(techs, jobs, now=at(12))
	assert p.routes["Ann"].stops[0].job == "Long"
	assert not p.unassigned
	assert not [s for s in p.routes["Ann"].stops if s.kind == "lunch"]
	assert_sound(techs, jobs, p)


def test_replanning_late_in_the_day_never_fails():
	techs = [tech("Ann"), tech("Bob", start=at(8), end=at(12))]
	jobs = [job("A", near(1)), job("B", near(2), early=at(13), late=at(15))]
	p = plan(techs, jobs, now=at(12, 30))
	assert sorted(p.assigned()) == ["A", "B"] and set(p.routes) == {"Ann"}
	p = plan(techs, jobs, now=at(18))
	assert {u.code for u in p.unassigned.values()} == {"out_of_reach"} and not p.routes
	running = job(
		"R", near(1), minutes=60, status=STATUS_IN_PROGRESS, locked_technician="Bob", locked_start=at(11, 30)
	)
	p = plan(techs, [running, job("C", near(3))], now=at(12))
	assert [s.job for s in p.routes["Bob"].stops] == ["R"] and [s.job for s in p.routes["Ann"].stops] == ["C"]
