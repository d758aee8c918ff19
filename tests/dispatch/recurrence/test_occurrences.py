"""One job per occurrence: what to create, move or delete over a rolling horizon."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gigafibre_fsm.dispatch.recurrence import (
	ExistingJob,
	RecurringSeries,
	edit_occurrence,
	format_skipped_dates,
	occurrence_start,
	parse_skipped_dates,
	reconcile,
	series_from_values,
	split_series,
	validate_job_rule,
	with_job_overrides,
)
from gigafibre_fsm.errors import InvalidInput

TZ = ZoneInfo("America/Toronto")
HOUR = timedelta(hours=1)


def local(y, m, d, hh=0, mm=0):
	return datetime(y, m, d, hh, mm, tzinfo=TZ)


def apply(jobs: dict, series: RecurringSeries, plan) -> dict:
	"""The shell's part, in memory: jobs by occurrence day."""
	jobs = dict(jobs)
	for occ in plan.create:
		day = occ.original_start.astimezone(TZ).date()
		assert day not in jobs, "an occurrence was created twice"
		jobs[day] = ExistingJob(day, occ.start, occ.duration)
	for day, occ in plan.move:
		jobs[day] = ExistingJob(day, occ.start, occ.duration, jobs[day].editable)
	for day in plan.delete:
		del jobs[day]
	return jobs


def wall(jobs: dict) -> list[tuple[str, str, int]]:
	return [
		(
			j.start.astimezone(TZ).strftime("%Y-%m-%d %H:%M %z"),
			day.isoformat(),
			j.duration // timedelta(minutes=1),
		)
		for day, j in sorted(jobs.items())
	]


# Mondays at 09:00 from 19 Oct 2026; DST ends on Sunday 1 Nov 2026 in Toronto; 2 Nov is skipped.
SERIES = series_from_values("FREQ=WEEKLY;BYDAY=MO", local(2026, 10, 19, 9), 60, [date(2026, 11, 2)])
HORIZON = (local(2026, 10, 19), local(2026, 10, 19) + timedelta(weeks=8))


def test_weekly_job_with_an_exception_over_an_eight_week_horizon_across_dst():
	jobs = apply({}, SERIES, reconcile(SERIES, *HORIZON, []))
	assert wall(jobs) == [
		("2026-10-19 09:00 -0400", "2026-10-19", 60),
		("2026-10-26 09:00 -0400", "2026-10-26", 60),
		("2026-11-09 09:00 -0500", "2026-11-09", 60),
		("2026-11-16 09:00 -0500", "2026-11-16", 60),
		("2026-11-23 09:00 -0500", "2026-11-23", 60),
		("2026-11-30 09:00 -0500", "2026-11-30", 60),
		("2026-12-07 09:00 -0500", "2026-12-07", 60),
	]
	# running it again (the next day's scheduler, a second worker) changes nothing
	assert reconcile(SERIES, *HORIZON, jobs.values()).empty


def test_this_and_following_moves_the_later_jobs_and_keeps_one_moved_on_its_own():
	jobs = apply({}, SERIES, reconcile(SERIES, *HORIZON, []))
	# 23 Nov was moved on its own to Tuesday 14:00 ("this one")
	jobs[date(2026, 11, 23)] = ExistingJob(date(2026, 11, 23), local(2026, 11, 24, 14), HOUR)
	before = with_job_overrides(SERIES, jobs.values(), follow=[date(2026, 11, 16)])
	old, new = split_series(
		before,
		local(2026, 11, 16, 9),
		{"dtstart": local(2026, 11, 16, 10), "duration": timedelta(minutes=90)},
	)
	assert old.rule == "FREQ=WEEKLY;UNTIL=20261116T135959Z;BYDAY=MO"
	old_jobs = {d: j for d, j in jobs.items() if d < date(2026, 11, 16)}
	new_jobs = {d: j for d, j in jobs.items() if d >= date(2026, 11, 16)}
	assert reconcile(old, *HORIZON, old_jobs.values()).empty
	new_jobs = apply(new_jobs, new, reconcile(new, *HORIZON, new_jobs.values()))
	assert wall(new_jobs) == [
		("2026-11-16 10:00 -0500", "2026-11-16", 90),
		("2026-11-24 14:00 -0500", "2026-11-23", 90),  # kept where it was moved; new length
		("2026-11-30 10:00 -0500", "2026-11-30", 90),
		("2026-12-07 10:00 -0500", "2026-12-07", 90),
	]
	assert reconcile(new, *HORIZON, new_jobs.values()).empty


def test_a_new_skipped_date_deletes_its_job_but_never_a_started_one():
	jobs = apply({}, SERIES, reconcile(SERIES, *HORIZON, []))
	jobs[date(2026, 11, 30)] = ExistingJob(date(2026, 11, 30), local(2026, 11, 30, 9), HOUR, editable=False)
	skipping = series_from_values(
		SERIES.rule, SERIES.dtstart, 60, [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 30)]
	)
	plan = reconcile(skipping, *HORIZON, jobs.values())
	assert plan.delete == [date(2026, 11, 9)] and not plan.create and not plan.move


def test_rule_change_replaces_open_jobs_and_cancelling_one_is_an_exception():
	jobs = apply({}, SERIES, reconcile(SERIES, *HORIZON, []))
	tuesday = series_from_values("FREQ=WEEKLY;BYDAY=TU", local(2026, 10, 20, 9), 60)
	plan = reconcile(
		tuesday,
		local(2026, 11, 10),
		HORIZON[1],
		[j for j in jobs.values() if j.occurrence_date >= date(2026, 11, 10)],
	)
	assert plan.delete == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7)]
	assert [o.start.date() for o in plan.create] == [date(2026, 11, d) for d in (10, 17, 24)] + [
		date(2026, 12, 1),
		date(2026, 12, 8),
	]
	cancelled = edit_occurrence(SERIES, local(2026, 11, 16, 9), {"cancelled": True})
	assert format_skipped_dates(cancelled.exdates) == "2026-11-02\n2026-11-16"


def test_horizon_rolls_forward_one_day_at_a_time():
	jobs = apply({}, SERIES, reconcile(SERIES, *HORIZON, []))
	later = (local(2026, 10, 27), local(2026, 10, 27) + timedelta(weeks=8))
	plan = reconcile(SERIES, *later, [j for j in jobs.values() if j.occurrence_date >= date(2026, 10, 27)])
	assert [o.start.date() for o in plan.create] == [date(2026, 12, 14), date(2026, 12, 21)]
	assert not plan.move and not plan.delete


def test_count_is_honoured_by_the_horizon_and_by_a_split():
	counted = series_from_values("FREQ=DAILY;COUNT=5", local(2027, 3, 12, 2, 30), 30)
	jobs = apply({}, counted, reconcile(counted, local(2027, 3, 12), local(2027, 5, 1), []))
	# 14 March 2027 02:30 does not exist in Toronto: the job is at 03:30 EDT, the same day
	assert [j.start.astimezone(TZ).strftime("%d %H:%M") for _d, j in sorted(jobs.items())] == [
		"12 02:30",
		"13 02:30",
		"14 03:30",
		"15 02:30",
		"16 02:30",
	]
	assert occurrence_start(counted, date(2027, 3, 14)) == local(2027, 3, 14, 3, 30)
	assert occurrence_start(counted, date(2027, 3, 17)) is None
	_old, new = split_series(counted, local(2027, 3, 14, 3, 30), {})
	assert new.rule == "FREQ=DAILY;COUNT=3"


def test_job_rules_refuse_more_than_one_a_day_and_a_start_off_the_rule():
	with pytest.raises(InvalidInput, match="once a day"):
		validate_job_rule("FREQ=DAILY;BYHOUR=9,14", local(2026, 10, 19, 9))
	with pytest.raises(InvalidInput, match="not one of the days"):
		validate_job_rule("FREQ=WEEKLY;BYDAY=MO", local(2026, 10, 21, 9))
	assert validate_job_rule("rrule:freq=weekly;byday=mo", local(2026, 10, 19, 9)) == "FREQ=WEEKLY;BYDAY=MO"
	with pytest.raises(InvalidInput, match="not a date"):
		parse_skipped_dates("2026-11-02\n2 novembre")
	assert parse_skipped_dates("\n2026-11-09\n2026-11-02\n2026-11-09\n") == [
		date(2026, 11, 2),
		date(2026, 11, 9),
	]
