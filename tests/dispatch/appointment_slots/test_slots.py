from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from gigafibre_fsm.dispatch.appointment_slots import (
	ArrivalWindow,
	Hold,
	SlotRequest,
	TechnicianDay,
	arrival_windows_from_text,
	best_technician_for,
	offer_slots,
)
from gigafibre_fsm.dispatch.best_technician import RequiredTag
from gigafibre_fsm.dispatch.work_schedule import BookedJob
from gigafibre_fsm.errors import InvalidInput

TZ = ZoneInfo("America/Toronto")
DAY = date(2026, 3, 3)
HOME = (45.50, -73.60)


def at(hh, mm=0, day=DAY):
	return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


def travel(a, b):
	# 10 minutes per 0.1 degree: predictable
	return timedelta(minutes=round(100 * (abs(a[0] - b[0]) + abs(a[1] - b[1]))))


WINDOWS = arrival_windows_from_text("08:00-10:00\n10:00-12:00\n13:00-15:00\n15:00-17:00")
FIBRE = (RequiredTag("fibre", 2),)


def tech(name, skills=None, free=None, booked=(), day=DAY):
	return TechnicianDay(
		name,
		{"fibre": 3} if skills is None else skills,
		HOME,
		free or [(at(8, day=day), at(17, day=day))],
		list(booked),
	)


def request(earliest=None, minutes=120, tags=FIBRE):
	return SlotRequest(tags, timedelta(minutes=minutes), HOME, earliest or at(0))


def labels(slots):
	return [s.window.label for s in slots]


def test_windows_are_read_from_settings_text_and_sorted():
	windows = arrival_windows_from_text("13:00-15:00, 08:00 - 10:00; 10:00–12:00")
	assert [w.label for w in windows] == ["08:00-10:00", "10:00-12:00", "13:00-15:00"]


@pytest.mark.parametrize("text", ["", "8h-10h", "10:00-09:00", "25:00-26:00"])
def test_a_badly_written_window_is_refused(text):
	with pytest.raises(InvalidInput):
		arrival_windows_from_text(text)


def test_a_free_qualified_technician_makes_every_window_offerable():
	slots = offer_slots(request(), {DAY: [tech("T1")]}, WINDOWS, travel=travel)
	assert labels(slots) == ["08:00-10:00", "10:00-12:00", "13:00-15:00", "15:00-17:00"]
	assert all(s.technicians == ("T1",) for s in slots)
	assert slots[0].key == "2026-03-03T08:00-10:00"


def test_a_window_is_offered_only_if_the_whole_job_fits_in_the_shift():
	# a 3-hour job arriving 15:00 at the earliest ends at 18:00, after the 17:00 end of shift
	slots = offer_slots(request(minutes=180), {DAY: [tech("T1")]}, WINDOWS, travel=travel)
	assert "15:00-17:00" not in labels(slots)
	assert "13:00-15:00" in labels(slots)


def test_a_technician_without_the_skill_offers_nothing():
	slots = offer_slots(request(), {DAY: [tech("T1", skills={"copper": 5})]}, WINDOWS, travel=travel)
	assert slots == []


def test_booked_jobs_block_their_time_and_the_travel_after_them():
	booked = [BookedJob("JOB-1", at(8), at(11, 30), (45.55, -73.60))]  # 5 minutes away
	slots = offer_slots(request(), {DAY: [tech("T1", booked=booked)]}, WINDOWS, travel=travel)
	# starts at 10:00, 10:30, 11:00 overlap the job; 11:30 leaves no time to drive: the window is gone
	assert labels(slots) == ["13:00-15:00", "15:00-17:00"]
	assert slots[0].job_start == at(13)


def test_a_later_start_inside_the_window_is_used_when_the_opening_is_taken():
	booked = [BookedJob("JOB-1", at(8), at(9), HOME)]
	slots = offer_slots(request(minutes=60), {DAY: [tech("T1", booked=booked)]}, WINDOWS, travel=travel)
	assert slots[0].window.label == "08:00-10:00"
	assert slots[0].job_start == at(9)


def test_the_booking_notice_hides_slots_too_soon():
	slots = offer_slots(request(earliest=at(11)), {DAY: [tech("T1")]}, WINDOWS, travel=travel)
	assert labels(slots) == ["10:00-12:00", "13:00-15:00", "15:00-17:00"]
	assert slots[0].job_start == at(11)


def test_a_running_hold_blocks_its_technician_and_an_expired_one_does_not():
	hold = Hold("H1", "T1", at(8), at(10), expires_at=at(7, 15))
	days = {DAY: [tech("T1")]}
	held = offer_slots(request(), days, WINDOWS, [hold], now=at(7), travel=travel)
	assert "08:00-10:00" not in labels(held)
	expired = offer_slots(request(), days, WINDOWS, [hold], now=at(7, 16), travel=travel)
	assert "08:00-10:00" in labels(expired)


def test_ones_own_hold_does_not_block_oneself():
	hold = Hold("H1", "T1", at(8), at(10), expires_at=at(7, 15))
	slots = offer_slots(
		request(), {DAY: [tech("T1")]}, WINDOWS, [hold], now=at(7), travel=travel, ignore_hold="H1"
	)
	assert "08:00-10:00" in labels(slots)


def test_the_last_technician_held_by_someone_else_means_the_slot_is_gone():
	window = ArrivalWindow(time(8), time(10))
	two = [tech("T1"), tech("T2")]
	first = best_technician_for(request(), DAY, window, two, now=at(7), travel=travel)
	assert first is not None and set(first.technicians) == {"T1", "T2"}
	holds = [Hold("H1", "T1", at(8), at(10), at(7, 15))]
	second = best_technician_for(request(), DAY, window, two, holds, now=at(7), travel=travel)
	assert second.technicians == ("T2",)
	holds.append(Hold("H2", "T2", at(8), at(10), at(7, 15)))
	assert best_technician_for(request(), DAY, window, two, holds, now=at(7), travel=travel) is None


def test_several_days_are_offered_in_order():
	day2 = DAY + timedelta(days=1)
	days = {day2: [tech("T1", day=day2)], DAY: [tech("T1", free=[(at(13), at(17))])]}
	slots = offer_slots(request(), days, WINDOWS, travel=travel)
	assert [(s.day, s.window.label) for s in slots][:3] == [
		(DAY, "13:00-15:00"),
		(DAY, "15:00-17:00"),
		(day2, "08:00-10:00"),
	]


def test_a_naive_earliest_or_an_empty_duration_is_refused():
	with pytest.raises(InvalidInput):
		offer_slots(SlotRequest(FIBRE, timedelta(minutes=60), HOME, datetime(2026, 3, 3)), {}, WINDOWS)
	with pytest.raises(InvalidInput):
		offer_slots(request(minutes=0), {}, WINDOWS)
