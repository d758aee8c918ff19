from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from gigafibre_fsm.dispatch.work_schedule import (
	Absence,
	ExtraShift,
	WeeklyShift,
	parse_time,
	validate_absence,
	validate_extra_shifts,
	validate_weekly_schedule,
	weekly_shifts_from_rows,
)
from gigafibre_fsm.errors import InvalidInput

TZ = ZoneInfo("America/Toronto")


@pytest.mark.parametrize(
	"value, expected",
	[
		("08:00", time(8, 0)),
		("8:00:00", time(8, 0)),
		(" 17:30 ", time(17, 30)),
		("08:00:00.500000", time(8, 0, 0, 500000)),
		("23:59:59", time(23, 59, 59)),
		(time(9, 15), time(9, 15)),
		(timedelta(hours=8, minutes=30), time(8, 30)),
		(timedelta(0), time(0, 0)),
		(timedelta(hours=23, minutes=59, seconds=59), time(23, 59, 59)),
	],
)
def test_parse_time_accepts_the_forms_frappe_gives(value, expected):
	assert parse_time(value) == expected


@pytest.mark.parametrize(
	"value",
	[
		"",
		"8h",
		"24:00",
		"12:60",
		"12:00:61",
		"noon",
		"1:2",
		None,
		8,
		timedelta(hours=24),
		timedelta(seconds=-1),
		datetime(2026, 1, 1, 8, 0),
	],
)
def test_parse_time_refuses_garbage(value):
	with pytest.raises(InvalidInput):
		parse_time(value)


def test_valid_weekly_schedule_passes_and_touching_shifts_are_fine():
	validate_weekly_schedule(
		[
			WeeklyShift(0, time(8), time(12)),
			WeeklyShift(0, time(12), time(16)),
			WeeklyShift(6, time(9), time(17)),
		]
	)


def test_weekday_out_of_range():
	with pytest.raises(InvalidInput, match="out of range"):
		validate_weekly_schedule([WeeklyShift(7, time(8), time(16))])
	with pytest.raises(InvalidInput, match="out of range"):
		validate_weekly_schedule([WeeklyShift(-1, time(8), time(16))])


def test_end_not_after_start_mentions_overnight():
	with pytest.raises(InvalidInput, match="Overnight shifts are not supported") as info:
		validate_weekly_schedule([WeeklyShift(2, time(22), time(6))])
	assert info.value.params["day"] == "Wednesday"
	with pytest.raises(InvalidInput):
		validate_weekly_schedule([WeeklyShift(2, time(8), time(8))])


def test_overlapping_same_weekday_is_refused():
	with pytest.raises(InvalidInput, match="a schedule that overlaps itself") as info:
		validate_weekly_schedule([WeeklyShift(1, time(8), time(12)), WeeklyShift(1, time(11), time(15))])
	assert info.value.params["day"] == "Tuesday"
	assert info.value.message.startswith("Shifts on {day} overlap")
	# same hours on different weekdays do not overlap
	validate_weekly_schedule([WeeklyShift(1, time(8), time(12)), WeeklyShift(2, time(11), time(15))])


def test_extra_shifts_validated_per_day():
	validate_extra_shifts(
		[ExtraShift(date(2026, 3, 7), time(8), time(12)), ExtraShift(date(2026, 3, 8), time(9), time(13))]
	)
	with pytest.raises(InvalidInput, match="overlaps itself"):
		validate_extra_shifts(
			[ExtraShift(date(2026, 3, 7), time(8), time(12)), ExtraShift(date(2026, 3, 7), time(9), time(13))]
		)
	with pytest.raises(InvalidInput, match="Overnight"):
		validate_extra_shifts([ExtraShift(date(2026, 3, 7), time(20), time(2))])


def test_absence_must_end_after_start_and_be_aware():
	validate_absence(
		Absence(datetime(2026, 3, 7, 8, tzinfo=TZ), datetime(2026, 3, 7, 9, tzinfo=TZ), "dentist")
	)
	with pytest.raises(InvalidInput, match="not after its start"):
		validate_absence(Absence(datetime(2026, 3, 7, 9, tzinfo=TZ), datetime(2026, 3, 7, 9, tzinfo=TZ)))
	with pytest.raises(InvalidInput, match="time zone"):
		validate_absence(Absence(datetime(2026, 3, 7, 8), datetime(2026, 3, 7, 9)))


def test_weekly_shifts_from_rows_accepts_stored_forms():
	shifts = weekly_shifts_from_rows(
		[
			{"weekday": 0, "start": "08:00", "end": timedelta(hours=16)},
			{"weekday": "Tuesday", "start": time(8), "end": "12:00:00"},
			{"weekday": "mercredi", "start": "8:00", "end": "16:00"},
			{"weekday": "4", "start": "8:00", "end": "16:00"},
		]
	)
	assert [s.weekday for s in shifts] == [0, 1, 2, 4]
	assert shifts[0].end == time(16)
	with pytest.raises(InvalidInput):
		weekly_shifts_from_rows([{"weekday": "Funday", "start": "8:00", "end": "16:00"}])
	with pytest.raises(InvalidInput, match="overlaps itself"):
		weekly_shifts_from_rows(
			[
				{"weekday": 0, "start": "8:00", "end": "16:00"},
				{"weekday": "monday", "start": "15:00", "end": "17:00"},
			]
		)
