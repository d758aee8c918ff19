from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.messaging import notifications as n

MONTREAL = ZoneInfo("America/Toronto")
UTC = ZoneInfo("UTC")
NIGHT = (time(21, 0), time(8, 0))


def at(day, hour, minute=0, zone=MONTREAL):
	return datetime(2026, 12, day, hour, minute, tzinfo=zone)


@pytest.mark.parametrize(
	"moment, until",
	[
		(at(15, 21, 0), at(16, 8, 0)),  # the start is quiet
		(at(15, 23, 59), at(16, 8, 0)),
		(at(16, 0, 0), at(16, 8, 0)),
		(at(16, 7, 59), at(16, 8, 0)),
	],
)
def test_a_night_window_defers_to_its_morning(moment, until):
	assert n.quiet_until(moment, *NIGHT, MONTREAL) == until
	assert n.send_at(n.APPOINTMENT_MOVED, moment, *NIGHT, MONTREAL) == until


@pytest.mark.parametrize("moment", [at(15, 8, 0), at(15, 12, 0), at(15, 20, 59)])
def test_daytime_sends_now(moment):
	assert n.quiet_until(moment, *NIGHT, MONTREAL) is None
	assert n.send_at(n.JOB_DONE, moment, *NIGHT, MONTREAL) == moment


@pytest.mark.parametrize("event", [n.OUTAGE_ON_YOUR_LINE, n.OUTAGE_RESOLVED, n.SIGN_IN_CODE])
def test_outages_and_sign_in_codes_ignore_quiet_hours(event):
	assert n.send_at(event, at(16, 2, 0), *NIGHT, MONTREAL) == at(16, 2, 0)


@pytest.mark.parametrize(
	"event",
	[e for e in n.EVENTS if e not in (n.OUTAGE_ON_YOUR_LINE, n.OUTAGE_RESOLVED, n.SIGN_IN_CODE)],
)
def test_every_other_event_waits(event):
	assert n.send_at(event, at(16, 2, 0), *NIGHT, MONTREAL) == at(16, 8, 0)


def test_the_window_is_in_the_operators_zone_whatever_the_moments():
	# 02:30 UTC on 16 December is 21:30 on the 15th in Montréal: quiet until 08:00 there (13:00 UTC)
	moment = datetime(2026, 12, 16, 2, 30, tzinfo=UTC)
	until = n.quiet_until(moment, *NIGHT, MONTREAL)
	assert until == datetime(2026, 12, 16, 13, 0, tzinfo=UTC)
	assert until.tzinfo == UTC


def test_a_same_day_window():
	window = (time(0, 0), time(6, 30))
	assert n.quiet_until(at(15, 3), *window, MONTREAL) == at(15, 6, 30)
	assert n.quiet_until(at(15, 23), *window, MONTREAL) is None


@pytest.mark.parametrize("window", [(None, time(8)), (time(21), None), (time(8), time(8)), (None, None)])
def test_no_window_means_no_quiet_hours(window):
	assert n.send_at(n.JOB_DONE, at(16, 2), *window, MONTREAL) == at(16, 2)


def test_the_morning_after_the_clocks_change():
	# 8 March 2026, 02:00 EST becomes 03:00 EDT: 08:00 that morning is 12:00 UTC, not 13:00
	moment = datetime(2026, 3, 8, 1, 30, tzinfo=MONTREAL)
	assert n.quiet_until(moment, *NIGHT, MONTREAL).astimezone(UTC) == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


def test_a_naive_moment_is_refused():
	with pytest.raises(InvalidInput):
		n.quiet_until(datetime(2026, 12, 15, 22, 0), *NIGHT, MONTREAL)


@pytest.mark.parametrize(
	"value, parsed",
	[
		("21:00", time(21, 0)),
		("08:00:00", time(8, 0)),
		("7:05:00.000000", time(7, 5)),
		(timedelta(hours=21, minutes=30), time(21, 30)),  # MariaDB's TIME through Frappe
		(time(8, 0), time(8, 0)),
		("", None),
		(None, None),
	],
)
def test_settings_times_are_read_however_the_database_returns_them(value, parsed):
	assert n.parse_wall_time(value) == parsed


@pytest.mark.parametrize("value", ["nine", "25:00", "8"])
def test_a_bad_time_is_refused(value):
	with pytest.raises(InvalidInput):
		n.parse_wall_time(value)
