"""Recurring jobs: expanding a series into occurrences, and editing one, following, or all."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone

from gigafibre_fsm.errors import InvalidInput, _

from .rules import build_rrule, format_parts, format_until, parse_parts, require_aware_dtstart, validate_rrule

UTC = timezone.utc

# Expansion is bounded by the horizon; this cap stops a daily rule over a century horizon.
MAX_OCCURRENCES = 5000


@dataclass(frozen=True)
class OccurrenceOverride:
	"""One occurrence moved (new start) and/or resized (new duration); None keeps the series'."""

	start: datetime | None = None
	duration: timedelta | None = None


@dataclass(frozen=True)
class Occurrence:
	"""One occurrence. `original_start` is its slot in the rule (its RECURRENCE-ID)."""

	start: datetime
	end: datetime
	original_start: datetime
	overridden: bool = False

	@property
	def duration(self) -> timedelta:
		return self.end.astimezone(UTC) - self.start.astimezone(UTC)


@dataclass(frozen=True)
class RecurringSeries:
	"""A recurring job: RRULE anchored at aware `dtstart`, each occurrence lasting `duration`.

	`exdates` are cancelled occurrences and `overrides` moved/resized ones, both keyed by the
	occurrence's original start.
	"""

	rule: str
	dtstart: datetime
	duration: timedelta
	exdates: tuple[datetime, ...] = ()
	overrides: Mapping[datetime, OccurrenceOverride] = field(default_factory=dict)


def _utc(value: datetime) -> datetime:
	return value.astimezone(UTC)


def _real_local(value: datetime, zone) -> datetime:
	"""Normalise to `zone` through UTC, so a wall time in the spring gap becomes a real one."""
	return value.astimezone(UTC).astimezone(zone)


def _check_horizon(horizon_start: datetime, horizon_end: datetime) -> None:
	for name, value in ((_("Period start"), horizon_start), (_("Period end"), horizon_end)):
		if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
			raise InvalidInput(
				_("{what} must be a date and time with a time zone, got {value}"), what=name, value=str(value)
			)
	if horizon_end <= horizon_start:
		raise InvalidInput(
			_("The period ends at {end}, which is not after its start {start}"),
			start=horizon_start.isoformat(),
			end=horizon_end.isoformat(),
		)


def _check_duration(duration: timedelta) -> None:
	if not isinstance(duration, timedelta) or duration < timedelta(0):
		raise InvalidInput(_("A job's duration must be zero or more, got {duration}"), duration=str(duration))


def _is_occurrence(rr, when: datetime) -> bool:
	# Bounds in UTC: Python compares two datetimes sharing a tzinfo by wall clock, which would
	# miss an occurrence in the spring gap (02:30 generated, 03:30 EDT stored).
	return bool(rr.between(_utc(when), _utc(when), inc=True))


def _exdate_filter(exdates: Iterable) -> tuple[set[datetime], set[date]]:
	instants, days = set(), set()
	for value in exdates:
		if isinstance(value, datetime):
			if value.tzinfo is None or value.utcoffset() is None:
				raise InvalidInput(
					_("{what} must be a date and time with a time zone, got {value}"),
					what=_("Exception date"),
					value=str(value),
				)
			instants.add(_utc(value))
		elif isinstance(value, date):
			days.add(value)
		else:
			raise InvalidInput(
				_("An exception date must be a date or a date and time, got {value}"), value=str(value)
			)
	return instants, days


def _override_value(value) -> OccurrenceOverride:
	if isinstance(value, OccurrenceOverride):
		return value
	if isinstance(value, Mapping):
		return _override_from_changes(value)
	raise InvalidInput(
		_("An occurrence change must be a start and/or a duration, got {value}"), value=str(value)
	)


def expand(
	rule: str,
	dtstart: datetime,
	horizon_start: datetime,
	horizon_end: datetime,
	exdates: Iterable = (),
	overrides: Mapping | None = None,
	duration: timedelta = timedelta(0),
) -> list[Occurrence]:
	"""The occurrences that overlap [horizon_start, horizon_end), sorted by start.

	`exdates`: aware datetimes (an occurrence's original start) or dates (every occurrence on
	that local day) to skip. `overrides`: {original start: OccurrenceOverride or a mapping with
	"start"/"duration"}; a moved occurrence shows where it was moved to, even from outside the
	horizon. Occurrences keep their local wall time across DST (09:00 stays 09:00); a wall time
	that does not exist (02:30 on the spring change) is shifted forward by the gap (03:30).
	Zero-duration occurrences are included when they start within the horizon.
	"""
	require_aware_dtstart(dtstart)
	_check_horizon(horizon_start, horizon_end)
	_check_duration(duration)
	normalised = validate_rrule(rule, dtstart)
	rr = build_rrule(normalised, dtstart)
	zone = dtstart.tzinfo
	ex_instants, ex_days = _exdate_filter(exdates)
	by_original = {_utc(key): _override_value(value) for key, value in (overrides or {}).items()}

	longest = max([duration, *(o.duration for o in by_original.values() if o.duration is not None)])
	originals: dict[datetime, datetime] = {}
	low, high = _utc(horizon_start) - longest, _utc(horizon_end)
	for count, when in enumerate(rr.xafter(low, inc=True)):
		if _utc(when) > high:
			break
		if count >= MAX_OCCURRENCES:
			raise InvalidInput(
				_("More than {limit} occurrences between {start} and {end}: choose a shorter period"),
				limit=MAX_OCCURRENCES,
				start=horizon_start.isoformat(),
				end=horizon_end.isoformat(),
			)
		originals[_utc(when)] = when
	for key in by_original:
		# an occurrence moved here from outside the window still shows here
		if key not in originals and _is_occurrence(rr, key):
			originals[key] = key.astimezone(zone)

	result = []
	for key, when in originals.items():
		original = _real_local(when, zone)
		if key in ex_instants or original.date() in ex_days:
			continue
		change = by_original.get(key)
		start = original
		length = duration
		if change is not None:
			if change.start is not None:
				start = change.start
			if change.duration is not None:
				length = change.duration
		end = _real_local(_utc(start) + length, start.tzinfo)
		hs, he = _utc(horizon_start), _utc(horizon_end)
		if _utc(start) < he and (_utc(end) > hs or _utc(start) >= hs):
			result.append(Occurrence(start, end, original, change is not None))
	result.sort(key=lambda o: (_utc(o.start), _utc(o.original_start)))
	return result


def expand_series(
	series: RecurringSeries, horizon_start: datetime, horizon_end: datetime
) -> list[Occurrence]:
	"""`expand` for a RecurringSeries."""
	return expand(
		series.rule,
		series.dtstart,
		horizon_start,
		horizon_end,
		series.exdates,
		series.overrides,
		series.duration,
	)


def validate_series(series: RecurringSeries) -> RecurringSeries:
	"""The series with its rule normalised; raises InvalidInput if anything is wrong."""
	require_aware_dtstart(series.dtstart)
	_check_duration(series.duration)
	_exdate_filter(series.exdates)
	overrides = {key: _override_value(value) for key, value in series.overrides.items()}
	return replace(series, rule=validate_rrule(series.rule, series.dtstart), overrides=overrides)


# -- edits -------------------------------------------------------------------------------------

_OCCURRENCE_CHANGES = ("start", "duration", "cancelled")
_SERIES_CHANGES = ("rule", "dtstart", "duration")


def _check_keys(changes: Mapping, allowed: tuple[str, ...]) -> None:
	if not isinstance(changes, Mapping):
		raise InvalidInput(_("Changes must be given as field: value pairs, got {value}"), value=str(changes))
	for key in changes:
		if key not in allowed:
			raise InvalidInput(
				_("Unknown change {key}: only {allowed} can be changed here"),
				key=str(key),
				allowed=", ".join(allowed),
			)


def _override_from_changes(changes: Mapping) -> OccurrenceOverride:
	_check_keys(changes, ("start", "duration"))
	start, duration = changes.get("start"), changes.get("duration")
	if start is not None:
		require_aware_dtstart(start)
	if duration is not None:
		_check_duration(duration)
	return OccurrenceOverride(start, duration)


def _find_original(series: RecurringSeries, occurrence_start: datetime):
	require_aware_dtstart(occurrence_start)
	rr = build_rrule(validate_rrule(series.rule, series.dtstart), series.dtstart)
	zone = series.dtstart.tzinfo
	found = rr.between(_utc(occurrence_start), _utc(occurrence_start), inc=True)
	if not found:
		raise InvalidInput(
			_("The repeating job has no occurrence starting at {start}"), start=occurrence_start.isoformat()
		)
	return rr, _real_local(found[0], zone)


def edit_occurrence(series: RecurringSeries, occurrence_start: datetime, changes) -> RecurringSeries:
	"""Change one occurrence ("only this one"); returns a new series.

	`occurrence_start` is the occurrence's original start. `changes`: {"start": aware datetime,
	"duration": timedelta} to move/resize it, or {"cancelled": True} to drop it (an EXDATE).
	Moving it back to its original start and duration removes the override.
	"""
	if isinstance(changes, OccurrenceOverride):
		changes = {"start": changes.start, "duration": changes.duration}
	_check_keys(changes, _OCCURRENCE_CHANGES)
	_rr, original = _find_original(series, occurrence_start)
	key = _utc(original)
	overrides = {_utc(k): _override_value(v) for k, v in series.overrides.items()}
	if changes.get("cancelled"):
		overrides.pop(key, None)
		exdates = tuple(series.exdates)
		if key not in {_utc(d) for d in exdates if isinstance(d, datetime)}:
			exdates = (*exdates, original)
		return replace(series, exdates=exdates, overrides=_keyed_local(overrides, original.tzinfo))
	change = _override_from_changes({k: v for k, v in changes.items() if k != "cancelled"})
	previous = overrides.get(key, OccurrenceOverride())
	merged = OccurrenceOverride(
		change.start if change.start is not None else previous.start,
		change.duration if change.duration is not None else previous.duration,
	)
	same_start = merged.start is None or _utc(merged.start) == key
	same_duration = merged.duration is None or merged.duration == series.duration
	if same_start and same_duration:
		overrides.pop(key, None)
	else:
		overrides[key] = merged
	return replace(series, overrides=_keyed_local(overrides, original.tzinfo))


def _keyed_local(overrides: Mapping[datetime, OccurrenceOverride], zone) -> dict:
	return {key.astimezone(zone): value for key, value in sorted(overrides.items())}


def _shift_wall(value: datetime, old: datetime, new: datetime, zone) -> datetime:
	"""Move `value` by the local wall-clock change from `old` to `new` (keeps 09:00 -> 10:00)."""
	wall_delta = new.astimezone(zone).replace(tzinfo=None) - old.astimezone(zone).replace(tzinfo=None)
	shifted = value.astimezone(zone).replace(tzinfo=None) + wall_delta
	return _real_local(shifted.replace(tzinfo=zone), zone)


def _retarget(series: RecurringSeries, rule: str, dtstart: datetime, duration: timedelta) -> RecurringSeries:
	"""Series with new rule/start/duration; exceptions follow a moved start, and those that no
	longer match an occurrence are dropped (they would silently do nothing)."""
	require_aware_dtstart(dtstart)
	_check_duration(duration)
	zone = dtstart.tzinfo
	rule = validate_rrule(rule, dtstart)
	rr = build_rrule(rule, dtstart)
	moved = _utc(dtstart) != _utc(series.dtstart)

	def follow(key: datetime) -> datetime:
		return _shift_wall(key, series.dtstart, dtstart, zone) if moved else _real_local(key, zone)

	exdates = []
	for value in series.exdates:
		if isinstance(value, datetime):
			value = follow(value)
			if _is_occurrence(rr, value):
				exdates.append(value)
		else:
			exdates.append(value)
	overrides = {}
	for key, value in series.overrides.items():
		key = follow(key)
		if _is_occurrence(rr, key):
			overrides[key] = _override_value(value)
	return RecurringSeries(rule, dtstart, duration, tuple(exdates), overrides)


def edit_series(series: RecurringSeries, changes: Mapping) -> RecurringSeries:
	"""Change every occurrence ("all"): `changes` may set "rule", "dtstart" and "duration".

	Cancelled and moved occurrences stay cancelled/moved: when the start moves (09:00 -> 10:00
	local), their keys move with it; those that no longer match the new rule are dropped.
	"""
	_check_keys(changes, _SERIES_CHANGES)
	return _retarget(
		series,
		changes.get("rule", series.rule),
		changes.get("dtstart", series.dtstart),
		changes.get("duration", series.duration),
	)


def split_series(
	series: RecurringSeries, occurrence_start: datetime, changes: Mapping
) -> tuple[RecurringSeries | None, RecurringSeries]:
	"""Change "this and following": returns (the old series ended before it, the new series).

	The old series gets UNTIL one second before `occurrence_start` (COUNT is replaced by that
	UNTIL), keeping the exceptions before the split; it is None when nothing remains of it (the
	split is at the first occurrence: delete the old series). The new series starts at the
	occurrence (with COUNT reduced by the occurrences already past), takes the exceptions from
	the split on, and then `changes` ("rule", "dtstart", "duration") are applied to it as in
	`edit_series`.
	"""
	_check_keys(changes, _SERIES_CHANGES)
	rr, original = _find_original(series, occurrence_start)
	zone = series.dtstart.tzinfo
	split = _utc(original)
	parts = parse_parts(validate_rrule(series.rule, series.dtstart))

	before_count = 0
	for when in rr:
		if _utc(when) >= split:
			break
		before_count += 1

	old = None
	if before_count:
		old_parts = dict(parts)
		old_parts.pop("COUNT", None)
		old_parts["UNTIL"] = format_until(original - timedelta(seconds=1))
		old = RecurringSeries(
			format_parts(old_parts),
			series.dtstart,
			series.duration,
			tuple(d for d in series.exdates if not isinstance(d, datetime) or _utc(d) < split),
			{k: v for k, v in series.overrides.items() if _utc(k) < split},
		)
		# date exdates apply to whole local days; keep each on the side its day falls
		old = replace(
			old, exdates=tuple(d for d in old.exdates if isinstance(d, datetime) or d < original.date())
		)

	new_parts = dict(parts)
	if "COUNT" in new_parts:
		new_parts["COUNT"] = str(int(new_parts["COUNT"]) - before_count)
	new = RecurringSeries(
		format_parts(new_parts),
		original.astimezone(zone),
		series.duration,
		tuple(
			d
			for d in series.exdates
			if (isinstance(d, datetime) and _utc(d) >= split)
			or (not isinstance(d, datetime) and d >= original.date())
		),
		{k: v for k, v in series.overrides.items() if _utc(k) >= split},
	)
	if changes:
		new = edit_series(new, changes)
	return old, new
