from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from gigafibre_fsm.dispatch.ical import (
	APPOINTMENT_CONTACT,
	APPOINTMENT_SUMMARY,
	CalendarJob,
	Company,
	appointment_ics,
	technician_feed,
)
from gigafibre_fsm.errors import InvalidInput

TZ = ZoneInfo("America/Toronto")
UTC = timezone.utc
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def local(y, m, d, hh, mm=0):
	return datetime(y, m, d, hh, mm, tzinfo=TZ)


JOBS = [
	# before the March change (EST) and after it (EDT), given in UTC to prove conversion
	CalendarJob(
		"JOB-00002",
		"Réparation fibre",
		datetime(2026, 3, 9, 13, 0, tzinfo=UTC),
		datetime(2026, 3, 9, 14, 30, tzinfo=UTC),
		"123, rue Principale; Laval",
		"Client: Tremblay\nCode de porte: 1234",
		sequence=2,
		modified=datetime(2026, 2, 28, 8, 0, tzinfo=UTC),
		geo=(45.56, -73.71),
	),
	CalendarJob("JOB-00001", "Installation", local(2026, 3, 6, 9), local(2026, 3, 6, 11), "Montréal"),
	CalendarJob("JOB-00003", "Annulé", local(2026, 11, 2, 9), local(2026, 11, 2, 10), status="cancelled"),
]


def parse(data: bytes) -> Calendar:
	assert isinstance(data, bytes)
	assert b"\r\n" in data  # RFC 5545 line endings
	return Calendar.from_ical(data)


def events(cal):
	return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_feed_structure_and_fields():
	cal = parse(technician_feed("Alice", JOBS, "Alice - Gigafibre", now=NOW))
	assert str(cal["VERSION"]) == "2.0" and str(cal["METHOD"]) == "PUBLISH"
	assert str(cal["X-WR-CALNAME"]) == "Alice - Gigafibre"
	assert str(cal["X-WR-TIMEZONE"]) == "America/Toronto"
	assert str(cal["X-PUBLISHED-TTL"]) == "PT15M"
	found = events(cal)
	assert sorted(found) == ["JOB-00001@gigafibre.ca", "JOB-00002@gigafibre.ca", "JOB-00003@gigafibre.ca"]
	repair = found["JOB-00002@gigafibre.ca"]
	assert str(repair["SUMMARY"]) == "Réparation fibre"
	assert str(repair["LOCATION"]) == "123, rue Principale; Laval"
	assert str(repair["DESCRIPTION"]) == "Client: Tremblay\nCode de porte: 1234"
	assert str(repair["STATUS"]) == "CONFIRMED"
	assert int(repair["SEQUENCE"]) == 2
	assert repair.decoded("DTSTAMP") == NOW
	assert repair.decoded("LAST-MODIFIED") == datetime(2026, 2, 28, 8, 0, tzinfo=UTC)
	assert (repair["GEO"].latitude, repair["GEO"].longitude) == (45.56, -73.71)
	cancelled = found["JOB-00003@gigafibre.ca"]
	assert str(cancelled["STATUS"]) == "CANCELLED" and str(cancelled["TRANSP"]) == "TRANSPARENT"


def test_times_carry_tzid_and_stay_correct_across_dst():
	cal = parse(technician_feed("Alice", JOBS, "Alice", now=NOW))
	found = events(cal)
	before = found["JOB-00001@gigafibre.ca"]
	after = found["JOB-00002@gigafibre.ca"]
	november = found["JOB-00003@gigafibre.ca"]
	for event in (before, after, november):
		assert event["DTSTART"].params["TZID"] == "America/Toronto"
	# 13:00Z on March 9 is 09:00 EDT; March 6 09:00 is EST
	assert after.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 3, 9, 9, 0)
	assert after.decoded("DTSTART").astimezone(UTC) == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
	assert after.decoded("DTEND").astimezone(UTC) == datetime(2026, 3, 9, 14, 30, tzinfo=UTC)
	assert before.decoded("DTSTART").astimezone(UTC) == datetime(2026, 3, 6, 14, 0, tzinfo=UTC)
	assert november.decoded("DTSTART").astimezone(UTC) == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def test_vtimezone_in_the_file_gives_the_right_offsets():
	# Apple and Outlook read the VTIMEZONE itself, not the IANA name: check it on its own
	cal = parse(technician_feed("Alice", JOBS, "Alice", now=NOW))
	(vtimezone,) = cal.walk("VTIMEZONE")
	assert str(vtimezone["TZID"]) == "America/Toronto"
	tz_from_file = vtimezone.to_tz(lookup_tzid=False)  # built from the file, not zoneinfo
	for wall, offset in [
		(datetime(2026, 3, 6, 9), -5),
		(datetime(2026, 3, 9, 9), -4),
		(datetime(2026, 10, 30, 9), -4),
		(datetime(2026, 11, 2, 9), -5),
	]:
		aware = (
			wall.replace(tzinfo=tz_from_file)
			if hasattr(tz_from_file, "utcoffset")
			else tz_from_file.localize(wall)
		)
		assert aware.utcoffset() == timedelta(hours=offset), wall


def test_uid_is_stable_across_generations_and_feed_is_deterministic_for_a_given_now():
	first = technician_feed("Alice", JOBS, "Alice", now=NOW)
	second = technician_feed("Alice", list(reversed(JOBS)), "Alice", now=NOW)
	assert first == second
	later = parse(technician_feed("Alice", JOBS, "Alice", now=NOW + timedelta(hours=1)))
	assert sorted(events(later)) == sorted(events(parse(first)))


def test_empty_feed_is_valid():
	cal = parse(technician_feed("Alice", [], "Alice", now=NOW))
	assert cal.walk("VEVENT") == []


def test_bad_jobs_are_refused():
	with pytest.raises(InvalidInput):
		technician_feed(
			"A", [CalendarJob("J", "x", datetime(2026, 3, 9, 9), datetime(2026, 3, 9, 10))], "A", now=NOW
		)
	with pytest.raises(InvalidInput):
		technician_feed(
			"A", [CalendarJob("J", "x", local(2026, 3, 9, 10), local(2026, 3, 9, 9))], "A", now=NOW
		)
	with pytest.raises(InvalidInput):
		technician_feed(
			"A", [CalendarJob("J", "x", local(2026, 3, 9, 9), local(2026, 3, 9, 10), status="done")], "A"
		)
	with pytest.raises(InvalidInput):
		technician_feed("A", [], "A", tz="Nowhere/Land")


def test_customer_appointment():
	company = Company("Gigafibre", "rdv@gigafibre.ca", "514-555-0100", "https://gigafibre.ca")
	cal = parse(appointment_ics(JOBS[0], company, now=NOW))
	(event,) = cal.walk("VEVENT")
	assert str(event["UID"]) == "JOB-00002@gigafibre.ca"
	assert str(event["SUMMARY"]) == "Technician visit - Gigafibre"
	assert str(event["DESCRIPTION"]).endswith("Questions or changes: 514-555-0100\nhttps://gigafibre.ca")
	assert str(event["ORGANIZER"]) == "mailto:rdv@gigafibre.ca"
	assert event["ORGANIZER"].params["CN"] == "Gigafibre"
	assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
	assert len(cal.walk("VTIMEZONE")) == 1
	assert str(cal["METHOD"]) == "PUBLISH"


def test_customer_appointment_in_french():
	french = {
		APPOINTMENT_SUMMARY: "Visite d'un technicien - {company}",
		APPOINTMENT_CONTACT: "Questions ou changements : {phone}",
	}
	company = Company("Gigafibre", phone="514-555-0100")
	cal = parse(appointment_ics(JOBS[1], company, now=NOW, translate=french.get))
	(event,) = cal.walk("VEVENT")
	assert str(event["SUMMARY"]) == "Visite d'un technicien - Gigafibre"
	assert "Questions ou changements : 514-555-0100" in str(event["DESCRIPTION"])
	assert "ORGANIZER" not in event
