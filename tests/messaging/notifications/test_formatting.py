from datetime import datetime
from zoneinfo import ZoneInfo

from gigafibre_fsm.messaging import notifications as n

MONTREAL = ZoneInfo("America/Toronto")
UTC = ZoneInfo("UTC")


def test_french_appointment_as_the_oqlf_writes_it():
	start = datetime(2026, 12, 15, 13, 30, tzinfo=MONTREAL)
	assert n.format_appointment(start, "fr") == "mardi 15 décembre à 13 h 30"
	assert (
		n.format_appointment(datetime(2026, 12, 1, 9, 0, tzinfo=MONTREAL), "fr") == "mardi 1er décembre à 9 h"
	)


def test_english_appointment():
	start = datetime(2026, 12, 15, 13, 30, tzinfo=MONTREAL)
	assert n.format_appointment(start, "en") == "Tuesday, December 15 at 1:30 PM"
	assert n.format_time(datetime(2026, 12, 15, 0, 5, tzinfo=MONTREAL), "en") == "12:05 AM"
	assert n.format_time(datetime(2026, 12, 15, 12, 0, tzinfo=MONTREAL), "en") == "12:00 PM"


def test_an_arrival_window():
	start = datetime(2026, 12, 15, 8, 0, tzinfo=MONTREAL)
	end = datetime(2026, 12, 15, 12, 0, tzinfo=MONTREAL)
	assert n.format_appointment(start, "fr", window_end=end) == "mardi 15 décembre entre 8 h et 12 h"
	assert n.format_appointment(start, "en", window_end=end) == (
		"Tuesday, December 15 between 8:00 AM and 12:00 PM"
	)


def test_times_are_shown_in_the_customers_zone():
	# 18:30 UTC on 15 December is 13:30 in Montréal (EST, UTC-5); in July (EDT) 14:30
	assert n.format_time(datetime(2026, 12, 15, 18, 30, tzinfo=UTC), "fr", MONTREAL) == "13 h 30"
	assert n.format_time(datetime(2026, 7, 15, 18, 30, tzinfo=UTC), "fr", MONTREAL) == "14 h 30"
	assert n.format_date(datetime(2026, 12, 16, 3, 0, tzinfo=UTC), "en", MONTREAL) == "Tuesday, December 15"


def test_amounts_in_both_languages():
	assert n.format_amount(1234.5, "CAD", "fr") == "1 234,50 $"
	assert n.format_amount(1234.5, "CAD", "en") == "$1,234.50"
	assert n.format_amount("89.955", "CAD", "en") == "$89.96"
	assert n.format_amount(-5, "CAD", "fr") == "-5,00 $"
	assert n.format_amount(10, "USD", "en") == "10.00 USD"
	assert n.format_amount(None, "", "fr") == "0,00 $"
