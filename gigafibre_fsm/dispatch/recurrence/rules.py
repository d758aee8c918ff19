"""Parsing and validating RFC 5545 RRULE strings for recurring jobs."""

import re
from datetime import date, datetime, time, timedelta, timezone

from dateutil.rrule import rrule, rrulestr

from gigafibre_fsm.errors import InvalidInput, _

UTC = timezone.utc

# RFC 5545 order; the normalised rule lists its parts in this order.
_KNOWN_PARTS = (
	"FREQ",
	"UNTIL",
	"COUNT",
	"INTERVAL",
	"BYSECOND",
	"BYMINUTE",
	"BYHOUR",
	"BYDAY",
	"BYMONTHDAY",
	"BYYEARDAY",
	"BYWEEKNO",
	"BYMONTH",
	"BYSETPOS",
	"WKST",
)
_ALLOWED_FREQ = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_REFUSED_FREQ = ("SECONDLY", "MINUTELY", "HOURLY")
_UNTIL_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$")


def _invalid(rule: str, detail: str) -> InvalidInput:
	return InvalidInput(_("Malformed repeat rule {rule}: {detail}"), rule=rule, detail=detail)


def parse_parts(rule: str) -> dict[str, str]:
	"""The rule's parts as an ordered dict {"FREQ": "WEEKLY", ...}, syntax-checked only."""
	if not isinstance(rule, str) or not rule.strip():
		raise InvalidInput(_("A repeat rule is required, for example FREQ=WEEKLY;BYDAY=MO"))
	text = rule.strip()
	if text.upper().startswith("RRULE:"):
		text = text[len("RRULE:") :]
	if "\n" in text or "\r" in text or ":" in text:
		raise _invalid(rule, "one RRULE value expected (no DTSTART or other lines)")
	parts: dict[str, str] = {}
	for piece in text.split(";"):
		piece = piece.strip()
		if not piece:
			continue
		key, sep, value = piece.partition("=")
		key, value = key.strip().upper(), value.strip().upper()
		if not sep or not value:
			raise _invalid(rule, f"'{piece}' is not NAME=VALUE")
		if key not in _KNOWN_PARTS:
			raise _invalid(rule, f"unknown part {key}")
		if key in parts:
			raise _invalid(rule, f"{key} given twice")
		parts[key] = value
	freq = parts.get("FREQ")
	if freq is None:
		raise _invalid(rule, "FREQ is missing")
	if freq in _REFUSED_FREQ:
		raise InvalidInput(
			_(
				"FREQ={freq} is not allowed for jobs: a job takes hours on site plus travel, so it can "
				"repeat at most daily (use DAILY, WEEKLY, MONTHLY or YEARLY)"
			),
			freq=freq,
		)
	if freq not in _ALLOWED_FREQ:
		raise _invalid(rule, f"unknown FREQ {freq}")
	for key in ("COUNT", "INTERVAL"):
		if key in parts and (not parts[key].isdigit() or int(parts[key]) < 1):
			raise _invalid(rule, f"{key} must be a whole number of at least 1")
	if "COUNT" in parts and "UNTIL" in parts:
		raise InvalidInput(_("A repeat rule cannot have both COUNT and UNTIL: {rule}"), rule=rule)
	if "UNTIL" in parts and not _UNTIL_RE.match(parts["UNTIL"]):
		raise _invalid(rule, "UNTIL must look like 20261231 or 20261231T235959Z")
	return parts


def format_parts(parts: dict[str, str]) -> str:
	"""The parts back into an RRULE value, in RFC order, without the "RRULE:" prefix."""
	return ";".join(f"{key}={parts[key]}" for key in _KNOWN_PARTS if key in parts)


def format_until(instant: datetime) -> str:
	"""An aware datetime as an RRULE UNTIL in UTC (RFC 5545 requires UTC with a zoned DTSTART)."""
	return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _normalise_until(value: str, dtstart: datetime) -> str:
	"""UNTIL in UTC. A date alone means "through that local day"; a floating time is local."""
	match = _UNTIL_RE.match(value)
	year, month, day = int(match[1]), int(match[2]), int(match[3])
	try:
		if match[4] is None:
			local = datetime.combine(date(year, month, day), time(23, 59, 59), tzinfo=dtstart.tzinfo)
		else:
			local = datetime(year, month, day, int(match[4]), int(match[5]), int(match[6]))
			local = local.replace(tzinfo=UTC if match[7] else dtstart.tzinfo)
	except ValueError as error:
		raise InvalidInput(_("Malformed repeat rule {rule}: {detail}"), rule=value, detail=str(error))
	return format_until(local)


def require_aware_dtstart(dtstart: datetime) -> None:
	"""Raise InvalidInput unless dtstart is a time-zone aware datetime."""
	if not isinstance(dtstart, datetime) or dtstart.tzinfo is None or dtstart.utcoffset() is None:
		raise InvalidInput(
			_("The start of a repeating job must be a date and time with a time zone, got {value}"),
			value=str(dtstart),
		)


def build_rrule(rule: str, dtstart: datetime) -> rrule:
	"""A dateutil rrule for a normalised `rule` anchored at aware `dtstart`."""
	try:
		result = rrulestr("RRULE:" + rule, dtstart=dtstart)
	except (ValueError, TypeError, OverflowError) as error:
		raise _invalid(rule, str(error))
	return result


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The Gregorian calendar's weekdays and leap years repeat every 28 years within a century.
_SCAN_DAYS = 28 * 366 + 7


def _ints(value: str | None) -> set[int] | None:
	return None if value is None else {int(v) for v in value.split(",")}


def _some_day_matches(parts: dict[str, str], first: date) -> bool:
	"""False if no day in the next 28 years passes the rule's day filters; True otherwise.

	dateutil looks for an occurrence of an impossible rule (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30)
	all the way to year 9999, which takes seconds of CPU even with UNTIL. This scan is a
	superset of dateutil's filters (it ignores BYWEEKNO, BYSETPOS and BYDAY ordinals outside a
	month) so it never refuses a possible rule; it stops at the first matching day.
	"""
	months = _ints(parts.get("BYMONTH"))
	monthdays = _ints(parts.get("BYMONTHDAY"))
	yeardays = _ints(parts.get("BYYEARDAY"))
	weekdays: set[int] | None = None
	ordinals: list[tuple[int, int]] = []  # (n, weekday) for "nth weekday of the month"
	monthly_ordinals = parts["FREQ"] == "MONTHLY" or (parts["FREQ"] == "YEARLY" and months is not None)
	if "BYDAY" in parts:
		weekdays = set()
		for token in parts["BYDAY"].split(","):
			weekday = _WEEKDAYS.index(token[-2:])
			number = int(token[:-2]) if token[:-2] not in ("", "+", "-") else 0
			if number and monthly_ordinals:
				ordinals.append((number, weekday))
			else:
				weekdays.add(weekday)
	day = first
	for _step in range(_SCAN_DAYS):
		if months is not None and day.month not in months:
			day += timedelta(days=1)
			continue
		month_length = (date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)).day
		year_length = 366 if (date(day.year, 12, 31).timetuple().tm_yday == 366) else 365
		ok = True
		if monthdays is not None:
			ok = day.day in monthdays or (day.day - month_length - 1) in monthdays
		if ok and yeardays is not None:
			yday = day.timetuple().tm_yday
			ok = yday in yeardays or (yday - year_length - 1) in yeardays
		if ok and (weekdays is not None or ordinals):
			wd = day.weekday()
			nth, nth_from_end = (day.day - 1) // 7 + 1, -((month_length - day.day) // 7 + 1)
			ok = (weekdays is not None and wd in weekdays) or any(
				w == wd and n in (nth, nth_from_end) for n, w in ordinals
			)
		if ok:
			return True
		day += timedelta(days=1)
	return False


def validate_rrule(rule: str, dtstart: datetime | None = None) -> str:
	"""Check `rule` and return it normalised: upper case, RFC part order, no "RRULE:" prefix.

	Accepts the rule with or without a leading "RRULE:". Refuses malformed rules, COUNT with
	UNTIL, INTERVAL/COUNT below 1, and sub-daily frequencies (a job does not repeat every
	hour). An unbounded rule is fine: expansion is always bounded by a horizon.
	With `dtstart` (aware), a date-only or floating UNTIL is converted to UTC in dtstart's zone
	(a date alone means through the end of that local day), and a rule that never occurs is
	refused.
	"""
	parts = parse_parts(rule)
	if dtstart is not None:
		require_aware_dtstart(dtstart)
		if "UNTIL" in parts:
			parts["UNTIL"] = _normalise_until(parts["UNTIL"], dtstart)
		normalised = format_parts(parts)
		rr = build_rrule(normalised, dtstart)
		if not _some_day_matches(parts, dtstart.date()) or rr.after(dtstart, inc=True) is None:
			raise InvalidInput(_("The repeat rule {rule} never occurs after its start"), rule=normalised)
		return normalised
	normalised = format_parts(parts)
	# Without a start, check the syntax against a start of the same kind as UNTIL (dateutil
	# refuses a UTC UNTIL with a floating start and the reverse).
	until = parts.get("UNTIL", "")
	anchor = datetime(2000, 1, 3, 9, 0, tzinfo=UTC if until.endswith("Z") else None)
	if until and "T" not in until:
		anchor = anchor.replace(tzinfo=None)
	try:
		rrulestr("RRULE:" + normalised, dtstart=anchor)
	except (ValueError, TypeError, OverflowError) as error:
		raise _invalid(rule, str(error))
	return normalised
