import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from gigafibre_fsm.dispatch.best_technician import (
	JobRequest,
	Reason,
	RequiredTag,
	TechnicianProfile,
	rank_technicians,
)
from gigafibre_fsm.dispatch.work_schedule import BookedJob, WeeklyShift, free_intervals
from gigafibre_fsm.errors import InvalidInput

TZ = ZoneInfo("America/Toronto")
DAY = date(2026, 3, 3)


def at(hh, mm=0, day=DAY):
	return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


SHIFT = [(at(8), at(17))]


def travel(a, b):
	# 10 minutes per 0.1 degree of latitude or longitude: predictable in tests
	return timedelta(minutes=round(100 * (abs(a[0] - b[0]) + abs(a[1] - b[1]))))


def tech(name, skills, home=(45.50, -73.60), active=True, free=SHIFT, booked=()):
	return TechnicianProfile(name, skills, home, active, free, list(booked))


TEN, ELEVEN = at(10), at(11)


def job(tags, start=TEN, end=ELEVEN, location=(45.50, -73.60), name="JOB-1"):
	return JobRequest(name, tags, start, end, location)


FIBRE3 = [RequiredTag("fibre", 3)]


def test_lowest_adequate_skill_first_keeps_experts_free():
	techs = [
		tech("expert", {"fibre": 5}),
		tech("junior", {"fibre": 2}),
		tech("fit", {"fibre": 3}),
		tech("good", {"fibre": 4}),
	]
	ranking = rank_technicians(job(FIBRE3), techs, travel)
	assert [c.technician for c in ranking.ranked] == ["fit", "good", "expert"]
	assert [c.skill_surplus for c in ranking.ranked] == [0, 1, 2]
	assert ranking.excluded["junior"].code == Reason.LEVEL_TOO_LOW
	assert ranking.excluded["junior"].params == {
		"technician": "junior",
		"tag": "fibre",
		"level": 2,
		"required": 3,
	}
	assert ranking.excluded["junior"].text == "junior has fibre at level 2, below the required 3"


def test_surplus_sums_over_required_tags_only():
	tags = [RequiredTag("fibre", 2), RequiredTag("tv", 1), RequiredTag("voip", 5, required=False)]
	techs = [tech("a", {"fibre": 3, "tv": 2}), tech("b", {"fibre": 2, "tv": 1}), tech("c", {"fibre": 2})]
	ranking = rank_technicians(job(tags), techs, travel)
	assert [(c.technician, c.skill_surplus) for c in ranking.ranked] == [("b", 0), ("a", 2)]
	assert ranking.excluded["c"].code == Reason.MISSING_TAG and ranking.excluded["c"].params["tag"] == "tv"


def test_travel_from_previous_job_then_home_breaks_skill_ties():
	far_home = tech("far", {"fibre": 3}, home=(45.80, -73.60))  # 30 min from home
	near_prev = tech(
		"near",
		{"fibre": 3},
		home=(46.50, -73.60),  # home is far, but the previous job is 10 min away
		booked=[BookedJob("JOB-0", at(8), at(9), (45.60, -73.60))],
	)
	ranking = rank_technicians(job(FIBRE3), [far_home, near_prev], travel)
	assert [c.technician for c in ranking.ranked] == ["near", "far"]
	near, far = ranking.ranked
	assert near.travel_from == "previous_job" and near.previous_job == "JOB-0"
	assert near.travel_from_previous == timedelta(minutes=10)
	assert far.travel_from == "home" and far.travel_from_previous == timedelta(minutes=30)
	assert near.workload_minutes == 60 and far.workload_minutes == 0


def test_workload_then_preferred_tags_break_remaining_ties():
	tags = [*FIBRE3, RequiredTag("ladder", 1, required=False)]
	busy = tech("busy", {"fibre": 3, "ladder": 1}, booked=[BookedJob("J", at(14), at(16), None)])
	idle = tech("idle", {"fibre": 3})
	idle_ladder = tech("idle_ladder", {"fibre": 3, "ladder": 2})
	ranking = rank_technicians(job(tags), [busy, idle, idle_ladder], travel)
	assert [c.technician for c in ranking.ranked] == ["idle_ladder", "idle", "busy"]
	assert ranking.ranked[0].preferred_matched == 1


def test_preferred_tag_never_excludes():
	ranking = rank_technicians(job([RequiredTag("ladder", 5, required=False)]), [tech("a", {})], travel)
	assert [c.technician for c in ranking.ranked] == ["a"]


def test_exclusion_reasons():
	techs = [
		tech("inactive", {"fibre": 5}, active=False),
		tech("off", {"fibre": 3}, free=[(at(12), at(17))]),
		tech("booked", {"fibre": 3}, booked=[BookedJob("JOB-9", at(10, 30), at(11, 30), None)]),
		tech("nowhere", {"fibre": 3}, home=None),
		tech("late", {"fibre": 3}, booked=[BookedJob("JOB-7", at(9), at(9, 55), (45.60, -73.60))]),
		tech("tight", {"fibre": 3}, booked=[BookedJob("JOB-8", at(11, 5), at(12), (45.60, -73.60))]),
		tech("callable", {"fibre": 3}, free=lambda s, e: False),
	]
	ranking = rank_technicians(job(FIBRE3), techs, travel)
	assert ranking.ranked == []
	codes = {name: ex.code for name, ex in ranking.excluded.items()}
	assert codes == {
		"inactive": Reason.INACTIVE,
		"off": Reason.NOT_FREE,
		"booked": Reason.ALREADY_BOOKED,
		"nowhere": Reason.NO_START_LOCATION,
		"late": Reason.CANNOT_ARRIVE_IN_TIME,
		"tight": Reason.CANNOT_REACH_NEXT_JOB,
		"callable": Reason.NOT_FREE,
	}
	assert ranking.excluded["booked"].params["job"] == "JOB-9"
	assert (
		ranking.excluded["late"].text
		== "late cannot arrive in time: 10 min of travel after JOB-7 ends at 09:55"
	)
	assert ranking.excluded["off"].text == "off is not free from 10:00 to 11:00"
	# every message is a constant template with named fields
	assert all("{technician}" in ex.message for ex in ranking.excluded.values())


def test_previous_job_of_another_day_is_ignored():
	yesterday = DAY - timedelta(days=1)
	t = tech(
		"a",
		{"fibre": 3},
		home=(45.70, -73.60),
		booked=[BookedJob("J", at(15, day=yesterday), at(16, day=yesterday), (45.50, -73.60))],
	)
	(candidate,) = rank_technicians(job(FIBRE3), [t], travel).ranked
	assert candidate.travel_from == "home" and candidate.travel_from_previous == timedelta(minutes=20)
	assert candidate.workload_minutes == 0


def test_no_location_means_no_travel_and_no_location_exclusion():
	t = tech("a", {"fibre": 3}, home=None)
	(candidate,) = rank_technicians(job(FIBRE3, location=None), [t], travel).ranked
	assert candidate.travel_from is None and candidate.travel_from_previous == timedelta(0)


def test_bad_job_inputs():
	with pytest.raises(InvalidInput):
		rank_technicians(job(FIBRE3, start=at(11), end=at(10)), [], travel)
	with pytest.raises(InvalidInput):
		rank_technicians(job([RequiredTag("fibre", 6)]), [], travel)
	with pytest.raises(InvalidInput):
		rank_technicians(JobRequest("J", [], datetime(2026, 3, 3, 10), datetime(2026, 3, 3, 11)), [], travel)


def plain_rank(job_request, techs, travel):
	"""The same rule written as plainly as possible (linear scans), to cross-check the bisects."""
	out = []
	for t in techs:
		if not t.active:
			continue
		if any(t.skills.get(r.tag, 0) < r.level for r in job_request.tags if r.required):
			continue
		if not any(s <= job_request.start and job_request.end <= e for s, e in t.free):
			continue
		if any(b.start < job_request.end and b.end > job_request.start for b in t.booked):
			continue
		same_day = [b for b in t.booked if b.start.astimezone(TZ).date() == job_request.start.date()]
		before = [b for b in same_day if b.end <= job_request.start]
		after = [b for b in same_day if b.start >= job_request.end]
		prev = max(before, key=lambda b: b.end) if before else None
		nxt = min(after, key=lambda b: b.start) if after else None
		origin = prev.location if prev else t.home
		trip = travel(origin, job_request.location)
		if prev and prev.end + trip > job_request.start:
			continue
		if nxt and job_request.end + travel(job_request.location, nxt.location) > nxt.start:
			continue
		surplus = sum(t.skills[r.tag] - r.level for r in job_request.tags if r.required)
		workload = round(sum((b.end - b.start).total_seconds() / 60 for b in same_day))
		preferred = sum(1 for r in job_request.tags if not r.required and t.skills.get(r.tag, 0) >= r.level)
		out.append((surplus, int(trip.total_seconds() // 60), workload, -preferred, t.name))
	return [key[-1] for key in sorted(out)]


def test_bisect_ranking_agrees_with_plain_scan_on_random_days():
	rng = random.Random(7)
	tags = ["fibre", "tv", "voip", "ladder"]
	weekly = [WeeklyShift(d, time(8), time(17)) for d in range(5)]
	techs = []
	for i in range(40):
		booked = []
		cursor = at(8) + timedelta(minutes=rng.randrange(0, 120, 15))
		while cursor < at(16):
			length = timedelta(minutes=rng.choice([45, 60, 90]))
			booked.append(
				BookedJob(
					f"B{i}-{len(booked)}",
					cursor,
					cursor + length,
					(45.4 + rng.random() / 2, -73.8 + rng.random() / 2),
				)
			)
			cursor += length + timedelta(minutes=rng.randrange(30, 180, 15))
		free = free_intervals(weekly, [], [], booked, DAY, DAY)
		skills = {t: rng.randint(1, 5) for t in tags if rng.random() < 0.7}
		techs.append(TechnicianProfile(f"T{i:02}", skills, (45.5, -73.6), rng.random() < 0.95, free, booked))
	for _ in range(200):
		start = at(8) + timedelta(minutes=rng.randrange(0, 8 * 60, 15))
		request = JobRequest(
			"Q",
			[
				RequiredTag(rng.choice(tags), rng.randint(1, 4)),
				RequiredTag(rng.choice(tags), 1, required=False),
			],
			start,
			start + timedelta(minutes=rng.choice([30, 60])),
			(45.4 + rng.random() / 2, -73.8 + rng.random() / 2),
		)
		ranking = rank_technicians(request, techs, travel)
		assert [c.technician for c in ranking.ranked] == plain_rank(request, techs, travel)
		assert len(ranking.ranked) + len(ranking.excluded) == len(techs)
