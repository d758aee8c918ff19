from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from gigafibre_fsm.dispatch.recurrence import validate_rrule
from gigafibre_fsm.errors import InvalidInput

TZ = ZoneInfo("America/Toronto")
START = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


@pytest.mark.parametrize(
	"rule, expected",
	[
		("FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=WEEKLY;BYDAY=MO,WE"),
		("RRULE:FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=WEEKLY;BYDAY=MO,WE"),
		("rrule:freq=weekly;byday=mo", "FREQ=WEEKLY;BYDAY=MO"),
		(" BYDAY=MO;FREQ=WEEKLY;INTERVAL=2; ", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
		("FREQ=MONTHLY;BYDAY=1TU;COUNT=6", "FREQ=MONTHLY;COUNT=6;BYDAY=1TU"),
		("FREQ=DAILY", "FREQ=DAILY"),  # unbounded is allowed
		("FREQ=YEARLY;UNTIL=20301231T235959Z", "FREQ=YEARLY;UNTIL=20301231T235959Z"),
	],
)
def test_valid_rules_are_normalised(rule, expected):
	assert validate_rrule(rule) == expected
	assert validate_rrule(rule, START) == expected


@pytest.mark.parametrize(
	"rule",
	[
		"",
		"WEEKLY",
		"BYDAY=MO",
		"FREQ=FORTNIGHTLY",
		"FREQ=WEEKLY;BYDAY=XX",
		"FREQ=WEEKLY;FOO=1",
		"FREQ=WEEKLY;FREQ=DAILY",
		"FREQ=DAILY;INTERVAL=0",  # would loop forever in dateutil
		"FREQ=DAILY;COUNT=0",
		"FREQ=DAILY;COUNT=-1",
		"FREQ=DAILY;COUNT=3;UNTIL=20261231T000000Z",
		"FREQ=DAILY;UNTIL=tomorrow",
		"FREQ=DAILY;BYHOUR=25",
		"DTSTART:20260302T090000\nRRULE:FREQ=DAILY",
		None,
	],
)
def test_malformed_rules_are_refused(rule):
	with pytest.raises(InvalidInput):
		validate_rrule(rule, START)


@pytest.mark.parametrize("freq", ["SECONDLY", "MINUTELY", "HOURLY"])
def test_sub_daily_frequencies_are_refused_with_a_reason(freq):
	with pytest.raises(InvalidInput, match="at most daily") as info:
		validate_rrule(f"FREQ={freq};COUNT=3")
	assert info.value.params == {"freq": freq}


def test_until_is_normalised_to_utc_in_the_series_zone():
	# a date alone means through that local day: 23:59:59 EST = 04:59:59Z next day
	assert validate_rrule("FREQ=WEEKLY;UNTIL=20261231", START) == "FREQ=WEEKLY;UNTIL=20270101T045959Z"
	# a floating time is local (EDT in July)
	assert validate_rrule("FREQ=WEEKLY;UNTIL=20260701T090000", START) == "FREQ=WEEKLY;UNTIL=20260701T130000Z"


def test_rule_that_never_occurs_is_refused():
	with pytest.raises(InvalidInput, match="never occurs"):
		validate_rrule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", START)
	with pytest.raises(InvalidInput, match="never occurs"):
		validate_rrule("FREQ=DAILY;UNTIL=20200101T000000Z", START)


@pytest.mark.parametrize(
	"rule",
	[
		# dateutil alone would search these until year 9999 (seconds of CPU each)
		"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
		"FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31",
		"FREQ=DAILY;BYMONTH=1;BYYEARDAY=366",
		"FREQ=MONTHLY;BYDAY=5MO;BYMONTHDAY=1",
	],
)
def test_impossible_day_filters_are_refused(rule):
	with pytest.raises(InvalidInput, match="never occurs"):
		validate_rrule(rule, START)


@pytest.mark.parametrize(
	"rule",
	[
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",  # rare (2044) but possible
		"FREQ=DAILY;BYYEARDAY=-1",
		"FREQ=MONTHLY;BYDAY=-1FR",
		"FREQ=MONTHLY;BYDAY=5MO",
		"FREQ=MONTHLY;BYMONTHDAY=31",
		"FREQ=YEARLY;BYDAY=20MO",
		"FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
	],
)
def test_rare_but_possible_rules_are_accepted(rule):
	validate_rrule(rule, START)


def test_naive_start_is_refused():
	with pytest.raises(InvalidInput, match="time zone"):
		validate_rrule("FREQ=DAILY", datetime(2026, 3, 2, 9))
