from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from gigafibre_fsm.dispatch.recurrence import (
	OccurrenceOverride,
	RecurringSeries,
	edit_occurrence,
	edit_series,
	expand,
	expand_series,
	split_series,
	validate_series,
)
from gigafibre_fsm.errors import InvalidInput

TZ = ZoneInfo("America/Toronto")
UTC = timezone.utc
HOUR = timedelta(hours=1)


def local(y, m, d, hh=0, mm=0):
	return datetime(y, m, d, hh, mm, tzinfo=TZ)


WEEKLY_MON_9 = RecurringSeries("FREQ=WEEKLY;BYDAY=MO", local(2026, 3, 2, 9), 2 * HOUR)


def starts(occurrences):
	return [o.start for o in occurrences]


def test_weekly_occurrence_stays_at_nine_local_across_both_dst_changes():
	occ = expand(
		"FREQ=WEEKLY;BYDAY=MO", local(2026, 2, 23, 9), local(2026, 2, 23), local(2026, 11, 10), duration=HOUR
	)
	assert all((o.start.hour, o.start.minute) == (9, 0) for o in occ)
	offsets = {o.start.date(): o.start.utcoffset() for o in occ}
	assert offsets[date(2026, 3, 2)] == timedelta(hours=-5)
	assert offsets[date(2026, 3, 9)] == timedelta(hours=-4)
	assert offsets[date(2026, 10, 26)] == timedelta(hours=-4)
	assert offsets[date(2026, 11, 2)] == timedelta(hours=-5)
	# in UTC the job moves by an hour, as it should
	assert occ[1].start.astimezone(UTC).hour == 14 and occ[2].start.astimezone(UTC).hour == 13
	assert all(o.duration == HOUR for o in occ)


def test_daily_occurrence_in_the_spring_gap_moves_past_the_gap():
	occ = expand("FREQ=DAILY", local(2026, 3, 7, 2, 30), local(2026, 3, 7), local(2026, 3, 10), duration=HOUR)
	assert [(o.start.day, o.start.hour, o.start.minute) for o in occ] == [(7, 2, 30), (8, 3, 30), (9, 2, 30)]
	assert occ[1].start.utcoffset() == timedelta(hours=-4)


def test_occurrence_spanning_fall_back_lasts_its_real_duration():
	occ = expand(
		"FREQ=DAILY;COUNT=1",
		local(2026, 11, 1, 0, 30),
		local(2026, 11, 1),
		local(2026, 11, 2),
		duration=2 * HOUR,
	)
	# 00:30 EDT + 2 h = 01:30 EST (the second 01:30)
	assert occ[0].end.astimezone(UTC) - occ[0].start.astimezone(UTC) == 2 * HOUR
	assert occ[0].end.hour == 1 and occ[0].end.utcoffset() == timedelta(hours=-5)


def test_horizon_bounds_an_unbounded_rule_and_overlap_counts():
	occ = expand_series(WEEKLY_MON_9, local(2026, 3, 9, 10), local(2026, 3, 23, 9))
	# 03-09 09:00-11:00 overlaps the horizon start; 03-23 09:00 is at the (exclusive) end
	assert starts(occ) == [local(2026, 3, 9, 9), local(2026, 3, 16, 9)]


def test_expansion_matches_dateutil_reference_over_a_year():
	rule = "FREQ=MONTHLY;BYDAY=2TU,-1FR"
	dtstart = local(2026, 1, 1, 13, 30)
	occ = expand(rule, dtstart, local(2026, 1, 1), local(2027, 1, 1))
	reference = list(
		rrulestr("RRULE:" + rule, dtstart=dtstart).between(local(2026, 1, 1), local(2027, 1, 1), inc=True)
	)
	assert [o.start.astimezone(UTC) for o in occ] == [r.astimezone(UTC) for r in reference]
	assert len(occ) == 24


def test_exdates_by_instant_and_by_day():
	occ = expand(
		"FREQ=DAILY",
		local(2026, 3, 2, 9),
		local(2026, 3, 2),
		local(2026, 3, 7),
		exdates=[datetime(2026, 3, 3, 14, tzinfo=UTC), date(2026, 3, 5)],
	)
	assert [o.start.day for o in occ] == [2, 4, 6]


def test_override_moves_and_resizes_an_occurrence_even_into_the_horizon():
	moved_to = local(2026, 3, 20, 13)
	occ = expand_series(
		RecurringSeries(
			WEEKLY_MON_9.rule,
			WEEKLY_MON_9.dtstart,
			WEEKLY_MON_9.duration,
			overrides={
				local(2026, 3, 9, 9): OccurrenceOverride(duration=HOUR),
				local(2026, 3, 2, 9): {"start": moved_to},  # from before the horizon into it
			},
		),
		local(2026, 3, 9),
		local(2026, 3, 23),
	)
	assert [(o.start, o.duration, o.overridden) for o in occ] == [
		(local(2026, 3, 9, 9), HOUR, True),
		(local(2026, 3, 16, 9), 2 * HOUR, False),
		(moved_to, 2 * HOUR, True),
	]
	assert occ[2].original_start == local(2026, 3, 2, 9)


def test_too_many_occurrences_are_refused():
	with pytest.raises(InvalidInput, match="shorter period"):
		expand("FREQ=DAILY", local(2000, 1, 1, 9), local(2000, 1, 1), local(2100, 1, 1))


def test_bad_expand_inputs():
	with pytest.raises(InvalidInput):
		expand("FREQ=DAILY", datetime(2026, 3, 2, 9), local(2026, 3, 1), local(2026, 3, 9))
	with pytest.raises(InvalidInput):
		expand("FREQ=DAILY", local(2026, 3, 2, 9), local(2026, 3, 9), local(2026, 3, 1))
	with pytest.raises(InvalidInput):
		expand("FREQ=HOURLY", local(2026, 3, 2, 9), local(2026, 3, 1), local(2026, 3, 9))
	with pytest.raises(InvalidInput):
		validate_series(RecurringSeries("FREQ=DAILY", local(2026, 3, 2, 9), -HOUR))


# -- edits --------------------------------------------------------------------------------------


def test_edit_one_occurrence_move_then_revert_and_cancel():
	moved = edit_occurrence(WEEKLY_MON_9, local(2026, 3, 9, 9), {"start": local(2026, 3, 10, 14)})
	assert WEEKLY_MON_9.overrides == {}  # pure: the original is untouched
	occ = expand_series(moved, local(2026, 3, 2), local(2026, 3, 17))
	assert starts(occ) == [local(2026, 3, 2, 9), local(2026, 3, 10, 14), local(2026, 3, 16, 9)]

	reverted = edit_occurrence(moved, local(2026, 3, 9, 9), {"start": local(2026, 3, 9, 9)})
	assert reverted.overrides == {}

	cancelled = edit_occurrence(moved, local(2026, 3, 9, 9), {"cancelled": True})
	assert cancelled.overrides == {}
	assert starts(expand_series(cancelled, local(2026, 3, 2), local(2026, 3, 17))) == [
		local(2026, 3, 2, 9),
		local(2026, 3, 16, 9),
	]


def test_edit_occurrence_refuses_a_non_occurrence_and_unknown_changes():
	with pytest.raises(InvalidInput, match="no occurrence"):
		edit_occurrence(WEEKLY_MON_9, local(2026, 3, 10, 9), {"duration": HOUR})
	with pytest.raises(InvalidInput, match="Unknown change"):
		edit_occurrence(WEEKLY_MON_9, local(2026, 3, 9, 9), {"technician": "TECH-1"})


def test_edit_all_moves_time_and_keeps_exceptions():
	series = edit_occurrence(WEEKLY_MON_9, local(2026, 3, 16, 9), {"cancelled": True})
	series = edit_occurrence(series, local(2026, 3, 23, 9), {"duration": 3 * HOUR})
	later = edit_series(series, {"dtstart": local(2026, 3, 2, 10), "duration": HOUR})
	occ = expand_series(later, local(2026, 3, 1), local(2026, 3, 31))
	assert [(o.start, o.duration) for o in occ] == [
		(local(2026, 3, 2, 10), HOUR),
		(local(2026, 3, 9, 10), HOUR),
		(local(2026, 3, 23, 10), 3 * HOUR),
		(local(2026, 3, 30, 10), HOUR),
	]


def test_edit_all_drops_exceptions_the_new_rule_no_longer_has():
	series = edit_occurrence(WEEKLY_MON_9, local(2026, 3, 16, 9), {"cancelled": True})
	tuesdays = edit_series(series, {"rule": "FREQ=WEEKLY;BYDAY=TU", "dtstart": local(2026, 3, 3, 9)})
	# the Monday exception moved by one day with the start, so it now cancels Tuesday 17
	assert tuesdays.exdates == (local(2026, 3, 17, 9),)
	other = edit_series(series, {"rule": "FREQ=WEEKLY;BYDAY=WE"})
	assert other.exdates == ()


def test_split_this_and_following():
	series = edit_occurrence(WEEKLY_MON_9, local(2026, 3, 9, 9), {"cancelled": True})
	series = edit_occurrence(series, local(2026, 3, 30, 9), {"duration": HOUR})
	old, new = split_series(series, local(2026, 3, 23, 9), {"dtstart": local(2026, 3, 23, 13)})
	assert old.rule == "FREQ=WEEKLY;UNTIL=20260323T125959Z;BYDAY=MO"
	assert old.exdates == (local(2026, 3, 9, 9),) and old.overrides == {}
	assert starts(expand_series(old, local(2026, 1, 1), local(2027, 1, 1))) == [
		local(2026, 3, 2, 9),
		local(2026, 3, 16, 9),
	]
	assert new.dtstart == local(2026, 3, 23, 13) and new.rule == "FREQ=WEEKLY;BYDAY=MO"
	occ = expand_series(new, local(2026, 3, 1), local(2026, 4, 14))
	assert [(o.start, o.duration) for o in occ] == [
		(local(2026, 3, 23, 13), 2 * HOUR),
		(local(2026, 3, 30, 13), HOUR),  # the override followed the new time
		(local(2026, 4, 6, 13), 2 * HOUR),
		(local(2026, 4, 13, 13), 2 * HOUR),
	]


def test_split_keeps_the_total_count():
	series = RecurringSeries("FREQ=DAILY;COUNT=10", local(2026, 3, 1, 8), HOUR)
	old, new = split_series(series, local(2026, 3, 5, 8), {})
	old_occ = expand_series(old, local(2026, 1, 1), local(2027, 1, 1))
	new_occ = expand_series(new, local(2026, 1, 1), local(2027, 1, 1))
	assert len(old_occ) == 4 and len(new_occ) == 6
	assert new.rule == "FREQ=DAILY;COUNT=6"
	assert starts(old_occ + new_occ) == starts(expand_series(series, local(2026, 1, 1), local(2027, 1, 1)))


def test_split_at_first_occurrence_leaves_nothing_of_the_old_series():
	old, new = split_series(WEEKLY_MON_9, local(2026, 3, 2, 9), {"duration": HOUR})
	assert old is None
	assert new.duration == HOUR and new.dtstart == WEEKLY_MON_9.dtstart


def test_split_across_dst_uses_utc_until():
	old, _new = split_series(WEEKLY_MON_9, local(2026, 3, 9, 9), {})
	# 09:00 EDT = 13:00Z; the old series ends one second before
	assert old.rule.endswith("UNTIL=20260309T125959Z;BYDAY=MO")
