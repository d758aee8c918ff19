"""Plain values describing a technician's working time, and their validation."""

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from gigafibre_fsm.errors import InvalidInput, _

# Marked for translation so that the shell can translate the weekday it puts in a message.
WEEKDAY_NAMES = (
	_("Monday"),
	_("Tuesday"),
	_("Wednesday"),
	_("Thursday"),
	_("Friday"),
	_("Saturday"),
	_("Sunday"),
)


@dataclass(frozen=True)
class WeeklyShift:
	"""A shift that repeats every week: `weekday` 0 = Monday ... 6 = Sunday, local wall times."""

	weekday: int
	start: time
	end: time


@dataclass(frozen=True)
class ExtraShift:
	"""A one-off shift on a given local day (overtime, a Saturday on call)."""

	day: date
	start: time
	end: time


@dataclass(frozen=True)
class Absence:
	"""Time off, in aware datetimes (vacation, sick leave, training)."""

	start: datetime
	end: datetime
	reason: str = ""


@dataclass(frozen=True)
class BookedJob:
	"""A job already on the technician's calendar; `location` is (latitude, longitude)."""

	job: str
	start: datetime
	end: datetime
	location: tuple[float, float] | None = None


_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*$")


def parse_time(value) -> time:
	"""A wall-clock time from "08:00", "8:00:00", "08:00:00.000000", a `time`, or a `timedelta`.

	Frappe returns Time fields as `timedelta` on MariaDB (seconds since midnight), as `time`
	on PostgreSQL, and as a string from JSON; all three must give the same answer.
	"""
	if isinstance(value, datetime):
		# a datetime is also a date; taking its time silently would hide a caller's mistake
		raise InvalidInput(_("Expected a time of day, got a date and time: {value}"), value=str(value))
	if isinstance(value, time):
		if value.tzinfo is not None:
			raise InvalidInput(
				_("A shift time must be a local wall time without time zone: {value}"), value=str(value)
			)
		return value
	if isinstance(value, timedelta):
		if value < timedelta(0) or value >= timedelta(days=1):
			raise InvalidInput(_("Time {value} is not within a day (00:00 to 23:59:59)"), value=str(value))
		seconds = int(value.total_seconds())
		return time(seconds // 3600, seconds % 3600 // 60, seconds % 60, value.microseconds)
	if isinstance(value, str):
		match = _TIME_RE.match(value)
		if match:
			hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
			micro = int((match[4] or "0").ljust(6, "0"))
			if hour < 24 and minute < 60 and second < 60:
				return time(hour, minute, second, micro)
	raise InvalidInput(_("Not a time of day: {value} (expected HH:MM or HH:MM:SS)"), value=str(value))


def _weekday_name(weekday: int) -> str:
	return WEEKDAY_NAMES[weekday]


def _check_times(start, end, where: str):
	if not isinstance(start, time) or not isinstance(end, time):
		raise InvalidInput(_("Shift on {day} needs a start and an end time"), day=where)
	if end <= start:
		raise InvalidInput(
			_(
				"Shift on {day} ends at {end}, which is not after its start {start}. Overnight shifts "
				"are not supported: split the shift at midnight into two shifts"
			),
			day=where,
			start=start.strftime("%H:%M"),
			end=end.strftime("%H:%M"),
		)


def _check_no_overlap(shifts_by_day: dict, label) -> None:
	for key, shifts in shifts_by_day.items():
		shifts = sorted(shifts, key=lambda s: (s.start, s.end))
		for previous, current in itertools.pairwise(shifts):
			if current.start < previous.end:
				raise InvalidInput(
					_(
						"Shifts on {day} overlap ({first} and {second}): a schedule that overlaps itself "
						"is not allowed"
					),
					day=label(key),
					first=f"{previous.start:%H:%M}-{previous.end:%H:%M}",
					second=f"{current.start:%H:%M}-{current.end:%H:%M}",
				)


def validate_weekly_schedule(shifts: list[WeeklyShift]) -> None:
	"""Raise InvalidInput unless every weekly shift is well formed and no weekday overlaps itself.

	Two shifts on the same weekday may touch (08:00-12:00 and 12:00-16:00) but not overlap.
	"""
	by_day: dict[int, list[WeeklyShift]] = {}
	for shift in shifts:
		if (
			isinstance(shift.weekday, bool)
			or not isinstance(shift.weekday, int)
			or not 0 <= shift.weekday <= 6
		):
			raise InvalidInput(
				_("Weekday {weekday} is out of range: use 0 (Monday) to 6 (Sunday)"),
				weekday=str(shift.weekday),
			)
		_check_times(shift.start, shift.end, _weekday_name(shift.weekday))
		by_day.setdefault(shift.weekday, []).append(shift)
	_check_no_overlap(by_day, _weekday_name)


def validate_extra_shifts(shifts: list[ExtraShift]) -> None:
	"""Raise InvalidInput unless every extra shift is well formed and no day overlaps itself."""
	by_day: dict[date, list[ExtraShift]] = {}
	for shift in shifts:
		if not isinstance(shift.day, date) or isinstance(shift.day, datetime):
			raise InvalidInput(_("Extra shift needs a day (a date), got {value}"), value=str(shift.day))
		_check_times(shift.start, shift.end, shift.day.isoformat())
		by_day.setdefault(shift.day, []).append(shift)
	_check_no_overlap(by_day, date.isoformat)


def require_aware(value: datetime, what: str) -> None:
	"""Raise InvalidInput if `value` is not a time-zone aware datetime."""
	if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
		raise InvalidInput(
			_("{what} must be a date and time with a time zone, got {value}"), what=what, value=str(value)
		)


def validate_absence(absence: Absence) -> None:
	"""Raise InvalidInput unless the absence has aware bounds and ends after it starts."""
	require_aware(absence.start, _("Start"))
	require_aware(absence.end, _("End"))
	if absence.end <= absence.start:
		raise InvalidInput(
			_("Absence ends at {end}, which is not after its start {start}"),
			start=absence.start.isoformat(),
			end=absence.end.isoformat(),
		)


_WEEKDAY_KEYS = {name.lower(): index for index, name in enumerate(WEEKDAY_NAMES)}
_WEEKDAY_KEYS.update({name[:3].lower(): index for index, name in enumerate(WEEKDAY_NAMES)})
_WEEKDAY_KEYS.update(
	{
		name: index
		for index, name in enumerate(
			("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
		)
	}
)


def weekly_shifts_from_rows(rows) -> list[WeeklyShift]:
	"""Weekly shifts from stored rows (child table rows or the seed's weekly_schedule JSON).

	Each row is a mapping with `weekday` (0-6, or a day name in English or French) and
	`start`/`end` in any form `parse_time` accepts. The result is validated.
	"""
	shifts = []
	for row in rows:
		weekday = row.get("weekday")
		if isinstance(weekday, str):
			key = weekday.strip().lower()
			if key.isdigit():
				weekday = int(key)
			elif key in _WEEKDAY_KEYS:
				weekday = _WEEKDAY_KEYS[key]
			else:
				raise InvalidInput(
					_("Weekday {weekday} is out of range: use 0 (Monday) to 6 (Sunday)"), weekday=weekday
				)
		shifts.append(WeeklyShift(weekday, parse_time(row.get("start")), parse_time(row.get("end"))))
	validate_weekly_schedule(shifts)
	return shifts
