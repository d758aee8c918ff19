"""When a technician is free: shifts minus absences minus booked jobs (and the travel around them).

All arithmetic is done on UTC instants: subtracting two aware datetimes that share a tzinfo
gives the *wall-clock* difference in Python, which is wrong across a DST change.
"""

import bisect
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gigafibre_fsm.errors import InvalidInput, _

from .model import Absence, BookedJob, ExtraShift, WeeklyShift, require_aware

DEFAULT_TZ = "America/Toronto"
UTC = timezone.utc  # datetime.UTC is 3.11+

Interval = tuple[datetime, datetime]
Travel = Callable[[tuple[float, float], tuple[float, float]], timedelta]


def get_zone(tz) -> ZoneInfo:
	"""A ZoneInfo from an IANA name (or a ZoneInfo, returned as is)."""
	if isinstance(tz, ZoneInfo):
		return tz
	try:
		return ZoneInfo(str(tz))
	except (ZoneInfoNotFoundError, ValueError):
		raise InvalidInput(_("Unknown time zone: {tz}"), tz=str(tz))


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
	"""The UTC instant when the wall clock in `zone` first reads `at` on `day`.

	A shift covers the moments whose wall-clock reading lies in [start, end). So a wall time
	inside the spring-forward gap (02:30 on the March change, which never shows on a clock)
	maps to the end of the gap (03:00 EDT), and a time repeated in November (01:30) to its
	first occurrence (EDT).
	"""
	wall = datetime.combine(day, at, tzinfo=zone)
	instant = wall.astimezone(UTC)
	if instant.astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
		return instant
	# In a gap: fold=1 reads it with the offset after the change, fold=0 with the one before;
	# the change happens between the two readings. Find it to the second.
	low, high = wall.replace(fold=1).astimezone(UTC), instant
	if low > high:
		low, high = high, low
	after = high.astimezone(zone).utcoffset()
	while (high - low) > timedelta(seconds=1):
		middle = low + (high - low) / 2
		if middle.astimezone(zone).utcoffset() == after:
			high = middle
		else:
			low = middle
	return high.replace(microsecond=0)


def _merge(intervals: list[Interval]) -> list[Interval]:
	merged: list[list[datetime]] = []
	for start, end in sorted(intervals):
		if end <= start:
			continue
		if merged and start <= merged[-1][1]:
			if end > merged[-1][1]:
				merged[-1][1] = end
		else:
			merged.append([start, end])
	return [(s, e) for s, e in merged]


def subtract(intervals: list[Interval], blocks: list[Interval]) -> list[Interval]:
	"""`intervals` minus the union of `blocks`; both in any aware tz, result merged and sorted."""
	blocks = _merge(blocks)
	result: list[Interval] = []
	index = 0
	for start, end in _merge(intervals):
		# blocks are sorted; skip those that end before this interval starts
		while index < len(blocks) and blocks[index][1] <= start:
			index += 1
		cursor = start
		j = index
		while j < len(blocks) and blocks[j][0] < end:
			block_start, block_end = blocks[j]
			if block_start > cursor:
				result.append((cursor, block_start))
			cursor = max(cursor, block_end)
			if cursor >= end:
				break
			j += 1
		if cursor < end:
			result.append((cursor, end))
	return result


def _days(start: date, end: date):
	if end < start:
		raise InvalidInput(
			_("The period ends on {end}, before it starts on {start}"),
			start=start.isoformat(),
			end=end.isoformat(),
		)
	day = start
	while day <= end:
		yield day
		day += timedelta(days=1)


def working_intervals(
	weekly: list[WeeklyShift], extra: list[ExtraShift], start: date, end: date, tz=DEFAULT_TZ
) -> list[Interval]:
	"""Shift time from local day `start` to local day `end` inclusive, as merged UTC intervals."""
	zone = get_zone(tz)
	by_weekday: dict[int, list[WeeklyShift]] = {}
	for shift in weekly:
		by_weekday.setdefault(shift.weekday, []).append(shift)
	by_day: dict[date, list[ExtraShift]] = {}
	for shift in extra:
		by_day.setdefault(shift.day, []).append(shift)
	intervals = []
	for day in _days(start, end):
		for shift in (*by_weekday.get(day.weekday(), ()), *by_day.get(day, ())):
			intervals.append((local_instant(day, shift.start, zone), local_instant(day, shift.end, zone)))
	return _merge(intervals)


def booked_blocks(booked: list[BookedJob], tz=DEFAULT_TZ, travel: Travel | None = None) -> list[Interval]:
	"""The time each booked job takes away, travel included, as UTC intervals.

	A job blocks from (its start - travel from the previous booked job) to (its end + travel to
	the next booked job). "Previous" and "next" are neighbours in time on the same local day:
	overnight the technician goes home, so yesterday's last job says nothing about today.
	The travel between two jobs is thus blocked on both sides — conservative on purpose: a job
	slipped into that gap has to travel from the one and to the other.
	"""
	zone = get_zone(tz)
	jobs = []
	for job in booked:
		require_aware(job.start, _("Start"))
		require_aware(job.end, _("End"))
		jobs.append(job)
	jobs.sort(key=lambda j: (j.start.astimezone(UTC), j.end.astimezone(UTC)))
	blocks = []
	for i, job in enumerate(jobs):
		start, end = job.start.astimezone(UTC), job.end.astimezone(UTC)
		if travel is not None and job.location is not None:
			day = job.start.astimezone(zone).date()
			if i > 0:
				previous = jobs[i - 1]
				if previous.location is not None and previous.end.astimezone(zone).date() == day:
					start -= travel(previous.location, job.location)
			if i + 1 < len(jobs):
				following = jobs[i + 1]
				if following.location is not None and following.start.astimezone(zone).date() == day:
					end += travel(job.location, following.location)
		blocks.append((start, end))
	return blocks


def free_intervals(
	weekly: list[WeeklyShift],
	extra: list[ExtraShift],
	absences: list[Absence],
	booked: list[BookedJob],
	start: date,
	end: date,
	tz=DEFAULT_TZ,
	travel: Travel | None = None,
) -> list[Interval]:
	"""When the technician is free from local day `start` to local day `end`, both inclusive.

	Weekly schedule + extra shifts - absences - booked jobs (with the travel to and from each,
	see `booked_blocks`). Returns sorted, merged (start, end) pairs of aware datetimes in `tz`.
	Compute durations with `.astimezone(UTC)` or `timestamp()`: Python subtracts two datetimes
	that share a tzinfo by wall clock, which is off by an hour across a DST change.
	"""
	zone = get_zone(tz)
	blocks = []
	for absence in absences:
		require_aware(absence.start, _("Start"))
		require_aware(absence.end, _("End"))
		blocks.append((absence.start.astimezone(UTC), absence.end.astimezone(UTC)))
	blocks.extend(booked_blocks(booked, zone, travel))
	free = subtract(working_intervals(weekly, extra, start, end, zone), blocks)
	return [(s.astimezone(zone), e.astimezone(zone)) for s, e in free]


def is_free(
	weekly: list[WeeklyShift],
	extra: list[ExtraShift],
	absences: list[Absence],
	booked: list[BookedJob],
	slot_start: datetime,
	slot_end: datetime,
	tz=DEFAULT_TZ,
	travel: Travel | None = None,
) -> bool:
	"""True if the whole slot lies within one free interval (see `free_intervals`)."""
	zone = get_zone(tz)
	require_aware(slot_start, _("Slot start"))
	require_aware(slot_end, _("Slot end"))
	if slot_end <= slot_start:
		raise InvalidInput(
			_("The slot ends at {end}, which is not after its start {start}"),
			start=slot_start.isoformat(),
			end=slot_end.isoformat(),
		)
	first = slot_start.astimezone(zone).date()
	last = slot_end.astimezone(zone).date()
	for free_start, free_end in free_intervals(weekly, extra, absences, booked, first, last, zone, travel):
		if free_start <= slot_start and slot_end <= free_end:
			return True
	return False


def contains(intervals: list[Interval], slot_start: datetime, slot_end: datetime) -> bool:
	"""True if [slot_start, slot_end] lies within one of the sorted, merged `intervals`."""
	starts = [s for s, _e in intervals]
	index = bisect.bisect_right(starts, slot_start) - 1
	return index >= 0 and slot_end <= intervals[index][1]
