from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from gigafibre_fsm.dispatch.work_schedule import (
	Absence,
	BookedJob,
	ExtraShift,
	WeeklyShift,
	free_intervals,
	is_free,
	subtract,
)
from gigafibre_fsm.errors import InvalidInput

TZ = ZoneInfo("America/Toronto")
UTC = timezone.utc
EVERY_DAY_8_16 = [WeeklyShift(d, time(8), time(16)) for d in range(7)]


def real_duration(interval):
	start, end = interval
	return end.astimezone(UTC) - start.astimezone(UTC)


def at(day, hh, mm=0):
	return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


MON = date(2026, 3, 2)  # a Monday, no DST change nearby


def test_weekly_shift_gives_one_interval_per_working_day():
	weekly = [WeeklyShift(d, time(8), time(16)) for d in range(5)]
	free = free_intervals(weekly, [], [], [], MON, MON + timedelta(days=6))
	assert len(free) == 5
	assert free[0] == (at(MON, 8), at(MON, 16))
	assert all(str(s.tzinfo) == "America/Toronto" for s, _e in free)


def test_extra_shift_merges_with_adjacent_weekly_shift_and_adds_a_day():
	weekly = [WeeklyShift(0, time(8), time(16))]
	extra = [ExtraShift(MON, time(16), time(18)), ExtraShift(MON + timedelta(days=5), time(9), time(12))]
	free = free_intervals(weekly, extra, [], [], MON, MON + timedelta(days=6))
	assert free == [
		(at(MON, 8), at(MON, 18)),
		(at(MON + timedelta(days=5), 9), at(MON + timedelta(days=5), 12)),
	]


def test_absences_and_booked_jobs_are_removed():
	weekly = [WeeklyShift(0, time(8), time(16))]
	absences = [Absence(at(MON, 12), at(MON, 13), "lunch")]
	booked = [BookedJob("JOB-1", at(MON, 9), at(MON, 10), None)]
	free = free_intervals(weekly, [], absences, booked, MON, MON)
	assert free == [(at(MON, 8), at(MON, 9)), (at(MON, 10), at(MON, 12)), (at(MON, 13), at(MON, 16))]


def test_absence_in_another_time_zone_is_compared_by_instant():
	weekly = [WeeklyShift(0, time(8), time(16))]
	# 14:00-15:00 UTC is 09:00-10:00 EST
	absences = [Absence(datetime(2026, 3, 2, 14, tzinfo=UTC), datetime(2026, 3, 2, 15, tzinfo=UTC))]
	free = free_intervals(weekly, [], absences, [], MON, MON)
	assert free == [(at(MON, 8), at(MON, 9)), (at(MON, 10), at(MON, 16))]


def test_multi_day_absence_removes_whole_days():
	absences = [Absence(at(MON, 0), at(MON + timedelta(days=2), 12))]
	free = free_intervals(EVERY_DAY_8_16, [], absences, [], MON, MON + timedelta(days=3))
	assert free == [
		(at(MON + timedelta(days=2), 12), at(MON + timedelta(days=2), 16)),
		(at(MON + timedelta(days=3), 8), at(MON + timedelta(days=3), 16)),
	]


def minutes(n):
	return timedelta(minutes=n)


def travel_by_distance(a, b):
	# 10 minutes per unit of latitude difference: simple, predictable
	return minutes(10 * abs(a[0] - b[0]) + 10 * abs(a[1] - b[1]))


def test_booked_job_blocks_travel_from_previous_and_to_next():
	weekly = [WeeklyShift(0, time(8), time(17))]
	booked = [
		BookedJob("A", at(MON, 9), at(MON, 10), (0.0, 0.0)),
		BookedJob("B", at(MON, 12), at(MON, 13), (3.0, 0.0)),  # 30 min from A
		BookedJob("C", at(MON, 15), at(MON, 16), (3.0, 2.0)),  # 20 min from B
	]
	free = free_intervals(weekly, [], [], booked, MON, MON, travel=travel_by_distance)
	assert free == [
		(at(MON, 8), at(MON, 9)),  # nothing before A: no travel blocked before it
		(at(MON, 10, 30), at(MON, 11, 30)),  # A→B travel blocked after A and before B
		(at(MON, 13, 20), at(MON, 14, 40)),
		(at(MON, 16), at(MON, 17)),
	]
	# without a travel function only the jobs themselves are blocked
	assert free_intervals(weekly, [], [], booked, MON, MON)[1] == (at(MON, 10), at(MON, 12))


def test_travel_ignores_jobs_without_location_and_jobs_of_other_days():
	weekly = [WeeklyShift(0, time(8), time(17)), WeeklyShift(1, time(8), time(17))]
	tue = MON + timedelta(days=1)
	booked = [
		BookedJob("A", at(MON, 15), at(MON, 16), (0.0, 0.0)),
		BookedJob("B", at(tue, 9), at(tue, 10), (6.0, 0.0)),
		BookedJob("C", at(tue, 12), at(tue, 13), None),
	]
	free = free_intervals(weekly, [], [], booked, MON, tue, travel=travel_by_distance)
	assert free == [
		(at(MON, 8), at(MON, 15)),
		(at(MON, 16), at(MON, 17)),
		(at(tue, 8), at(tue, 9)),
		(at(tue, 10), at(tue, 12)),
		(at(tue, 13), at(tue, 17)),
	]


# 2026 DST changes in America/Toronto: Sunday March 8 (02:00 → 03:00) and Sunday November 1
# (02:00 → 01:00).
SPRING = date(2026, 3, 8)
FALL = date(2026, 11, 1)


@pytest.mark.parametrize("day", [SPRING, FALL])
def test_day_shift_on_dst_change_is_eight_real_hours(day):
	free = free_intervals(EVERY_DAY_8_16, [], [], [], day, day)
	assert len(free) == 1
	assert real_duration(free[0]) == timedelta(hours=8)
	assert free[0][0].hour == 8 and free[0][1].hour == 16


def test_shift_spanning_spring_gap_is_one_hour_shorter():
	weekly = [WeeklyShift(6, time(0), time(6))]
	(free,) = free_intervals(weekly, [], [], [], SPRING, SPRING)
	assert real_duration(free) == timedelta(hours=5)
	assert free[0].utcoffset() == timedelta(hours=-5) and free[1].utcoffset() == timedelta(hours=-4)


def test_shift_spanning_fall_back_is_one_hour_longer():
	weekly = [WeeklyShift(6, time(0), time(6))]
	(free,) = free_intervals(weekly, [], [], [], FALL, FALL)
	assert real_duration(free) == timedelta(hours=7)


def test_week_across_spring_change_keeps_local_wall_times():
	free = free_intervals(EVERY_DAY_8_16, [], [], [], date(2026, 3, 6), date(2026, 3, 10))
	assert [(s.hour, e.hour) for s, e in free] == [(8, 16)] * 5
	assert [s.utcoffset().total_seconds() / 3600 for s, _e in free] == [-5, -5, -4, -4, -4]
	assert sum((real_duration(i) for i in free), timedelta()) == timedelta(hours=40)


def test_is_free():
	weekly = [WeeklyShift(0, time(8), time(16))]
	booked = [BookedJob("A", at(MON, 10), at(MON, 11), None)]
	assert is_free(weekly, [], [], booked, at(MON, 8), at(MON, 10))
	assert not is_free(weekly, [], [], booked, at(MON, 9), at(MON, 10, 30))
	assert not is_free(weekly, [], [], booked, at(MON, 15), at(MON, 17))
	assert is_free(weekly, [], [], [], at(MON, 15), at(MON, 16))
	with pytest.raises(InvalidInput):
		is_free(weekly, [], [], [], at(MON, 15), at(MON, 14))


def test_bad_inputs():
	with pytest.raises(InvalidInput, match="time zone"):
		free_intervals(EVERY_DAY_8_16, [], [], [], MON, MON, tz="Mars/Olympus")
	with pytest.raises(InvalidInput, match="before it starts"):
		free_intervals(EVERY_DAY_8_16, [], [], [], MON, MON - timedelta(days=1))
	with pytest.raises(InvalidInput, match="time zone"):
		free_intervals(
			EVERY_DAY_8_16,
			[],
			[],
			[BookedJob("A", datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 10))],
			MON,
			MON,
		)


def test_subtract_edge_cases():
	a = [(at(MON, 8), at(MON, 16))]
	assert subtract(a, []) == a
	assert subtract(a, [(at(MON, 7), at(MON, 17))]) == []
	assert subtract(a, [(at(MON, 8), at(MON, 9)), (at(MON, 8, 30), at(MON, 10))]) == [
		(at(MON, 10), at(MON, 16))
	]
	assert subtract(a, [(at(MON, 15), at(MON, 16))]) == [(at(MON, 8), at(MON, 15))]


def test_shift_bound_inside_the_spring_gap_maps_to_the_end_of_the_gap():
	# 02:30 never shows on a clock that night: the shift starts when the clock reads 03:00
	(free,) = free_intervals([WeeklyShift(6, time(2, 30), time(5))], [], [], [], SPRING, SPRING)
	assert free[0] == datetime(2026, 3, 8, 3, 0, tzinfo=TZ)
	assert real_duration(free) == timedelta(hours=2)
	(free,) = free_intervals([WeeklyShift(6, time(1), time(2, 30))], [], [], [], SPRING, SPRING)
	assert real_duration(free) == timedelta(hours=1)


def _brute_force_free_minutes(weekly, extra, absences, booked, first, last):
	"""Minute by minute: is the wall clock inside a shift, and is no absence or job going on?"""
	start = datetime.combine(first, time(0), tzinfo=TZ).astimezone(UTC) - timedelta(hours=2)
	end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=TZ).astimezone(UTC) + timedelta(hours=2)
	free = set()
	moment = start
	while moment < end:
		wall = moment.astimezone(TZ)
		if first <= wall.date() <= last:
			shifts = [(s.start, s.end) for s in weekly if s.weekday == wall.weekday()]
			shifts += [(s.start, s.end) for s in extra if s.day == wall.date()]
			working = any(a <= wall.time() < b for a, b in shifts)
			blocked = any(b.start <= moment < b.end for b in [*absences, *booked])
			if working and not blocked:
				free.add(moment)
		moment += timedelta(minutes=15)
	return free


def _minutes_of(intervals):
	out = set()
	for start, end in intervals:
		moment = start.astimezone(UTC)
		while moment < end.astimezone(UTC):
			out.add(moment)
			moment += timedelta(minutes=15)
	return out


@pytest.mark.parametrize("first", [date(2026, 3, 5), date(2026, 6, 10), date(2026, 10, 29)])
def test_free_intervals_match_a_minute_by_minute_reference(first):
	import random

	rng = random.Random(first.toordinal())
	last = first + timedelta(days=5)  # spans the DST change for March and October/November

	def quarter(lo, hi):
		return time(*divmod(rng.randrange(lo * 4, hi * 4) * 15, 60))

	for _round in range(15):
		weekly = []
		for day in range(7):
			# bounds from 03:00 so that the fall's repeated hour does not make one shift two
			a, b = sorted(rng.sample(range(3 * 4, 24 * 4), 2))
			weekly.append(WeeklyShift(day, time(*divmod(a * 15, 60)), time(*divmod(b * 15, 60))))
		extra = [ExtraShift(first + timedelta(days=rng.randrange(6)), quarter(3, 10), quarter(10, 23))]
		absences, booked = [], []
		for _ in range(rng.randrange(3)):
			s = datetime.combine(first + timedelta(days=rng.randrange(6)), quarter(0, 23), tzinfo=TZ)
			absences.append(Absence(s, s + timedelta(minutes=15 * rng.randrange(1, 40))))
		for n in range(rng.randrange(6)):
			s = datetime.combine(first + timedelta(days=rng.randrange(6)), quarter(3, 22), tzinfo=TZ)
			booked.append(BookedJob(f"J{n}", s, s + timedelta(minutes=15 * rng.randrange(1, 8))))
		got = free_intervals(weekly, extra, absences, booked, first, last)
		assert _minutes_of(got) == _brute_force_free_minutes(weekly, extra, absences, booked, first, last)
		# merged and sorted, nothing empty
		assert all(s < e for s, e in got)
		assert all(got[i][1] < got[i + 1][0] for i in range(len(got) - 1))
