"""Recurring jobs as documents: one job per occurrence, keyed by the occurrence's local date.

The shell keeps one Dispatch Job per occurrence. This module decides, from the series and the
jobs that already exist, which jobs to create, move or delete over a horizon, so that running
it twice (or on two workers) changes nothing the second time. A job moved or resized on its own
("this one") is an override of its occurrence: it is read back as one and kept where it is.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

from gigafibre_fsm.errors import InvalidInput, _

from .rules import build_rrule, parse_parts, require_aware_dtstart, validate_rrule
from .series import Occurrence, OccurrenceOverride, RecurringSeries, expand, expand_series, validate_series

UTC = timezone.utc
# A job occurs once on its day, at its start time: the day is the occurrence's key.
_SUB_DAILY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")


def validate_job_rule(rule: str, dtstart: datetime) -> str:
	"""`validate_rrule`, plus what a recurring job needs: at most one occurrence a day (no
	BYHOUR/BYMINUTE/BYSECOND), and `dtstart` is itself an occurrence (RFC 5545 counts DTSTART as
	the first instance; dateutil does not unless the rule matches it)."""
	normalised = validate_rrule(rule, dtstart)
	parts = parse_parts(normalised)
	for key in _SUB_DAILY_PARTS:
		if key in parts:
			raise InvalidInput(
				_(
					"A repeating job happens at most once a day, at its start time: remove {part} from the rule"
				),
				part=key,
			)
	instant = dtstart.astimezone(UTC)
	if not build_rrule(normalised, dtstart).between(instant, instant, inc=True):
		raise InvalidInput(
			_("The first job's date {date} is not one of the days of its repeat rule {rule}"),
			date=dtstart.date().isoformat(),
			rule=normalised,
		)
	return normalised


def occurrence_start(series: RecurringSeries, day: date) -> datetime | None:
	"""The original start of the series' occurrence on local `day` (None if it has none)."""
	zone = series.dtstart.tzinfo
	low = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
	rr = build_rrule(validate_rrule(series.rule, series.dtstart), series.dtstart)
	for when in rr.between(low - timedelta(hours=3), low + timedelta(days=1, hours=3), inc=True):
		local = when.astimezone(UTC).astimezone(zone)
		if local.date() == day:
			return local
	return None


@dataclass(frozen=True)
class ExistingJob:
	"""A job of the series as it is: its occurrence's day (the key), where it is now, and
	whether it may still be moved or deleted (not started, not done, not cancelled)."""

	occurrence_date: date
	start: datetime
	duration: timedelta
	editable: bool = True


@dataclass(frozen=True)
class SyncPlan:
	"""What to do to the jobs: create these occurrences, move these jobs (by occurrence day) to
	these occurrences, delete the jobs of these days (their occurrence is gone)."""

	create: list[Occurrence] = field(default_factory=list)
	move: list[tuple[date, Occurrence]] = field(default_factory=list)
	delete: list[date] = field(default_factory=list)

	@property
	def empty(self) -> bool:
		return not (self.create or self.move or self.delete)


def with_job_overrides(
	series: RecurringSeries, jobs: Iterable[ExistingJob], follow: Iterable[date] = ()
) -> RecurringSeries:
	"""The series with an override for every job that is not where its occurrence is.

	A job moved or resized on its own is kept there by later edits of the series; the days in
	`follow` are not read as overrides (the job being edited for "all" or "this and following"
	follows the series). Jobs whose day is no occurrence of the rule are ignored.
	"""
	require_aware_dtstart(series.dtstart)
	follow = set(follow)
	overrides = {key.astimezone(UTC): value for key, value in series.overrides.items()}
	for job in jobs:
		if job.occurrence_date in follow:
			continue
		original = occurrence_start(series, job.occurrence_date)
		if original is None:
			continue
		require_aware_dtstart(job.start)
		moved = job.start.astimezone(UTC) != original.astimezone(UTC)
		resized = job.duration != series.duration
		if moved or resized:
			overrides[original.astimezone(UTC)] = OccurrenceOverride(
				job.start if moved else None, job.duration if resized else None
			)
	zone = series.dtstart.tzinfo
	return replace(series, overrides={k.astimezone(zone): v for k, v in sorted(overrides.items())})


def reconcile(
	series: RecurringSeries,
	horizon_start: datetime,
	horizon_end: datetime,
	jobs: Iterable[ExistingJob],
) -> SyncPlan:
	"""The changes that make the jobs match the series over [horizon_start, horizon_end).

	`jobs`: the series' existing jobs whose occurrence day is on or after horizon_start's local
	day. An occurrence without a job is created (exceptions are never created); an editable job
	not where its occurrence is, is moved; an editable job whose day is no longer an occurrence
	(the rule changed, the day was skipped) inside the horizon is deleted. Jobs under way, done
	or cancelled are never touched, and a day has at most one job.
	"""
	zone = series.dtstart.tzinfo
	by_day: dict[date, ExistingJob] = {}
	for job in jobs:
		by_day.setdefault(job.occurrence_date, job)
	first_day = horizon_start.astimezone(zone).date()
	plan = SyncPlan()
	occurring: set[date] = set()
	for occ in expand_series(series, horizon_start, horizon_end):
		day = occ.original_start.astimezone(zone).date()
		if day < first_day:
			continue  # moved into the horizon from an earlier day: that job is not ours to make
		occurring.add(day)
		job = by_day.get(day)
		if job is None:
			plan.create.append(occ)
		elif job.editable and (
			job.start.astimezone(UTC) != occ.start.astimezone(UTC) or job.duration != occ.duration
		):
			plan.move.append((day, occ))
	# the occurrence days in the horizon, moved or not, minus the exceptions
	slots = {
		o.original_start.astimezone(zone).date()
		for o in expand(
			series.rule,
			series.dtstart,
			horizon_start,
			horizon_end,
			series.exdates,
			{},
			series.duration,
		)
	}
	last_day = horizon_end.astimezone(zone).date()
	for day, job in sorted(by_day.items()):
		if day in slots or day in occurring or not job.editable or not (first_day <= day < last_day):
			continue
		plan.delete.append(day)
	return plan


def series_from_values(
	rule: str,
	start: datetime,
	duration_minutes: int,
	skipped: Iterable[date] = (),
	overrides: Mapping | None = None,
) -> RecurringSeries:
	"""A validated RecurringSeries from a job series' stored values (aware `start`)."""
	rule = validate_job_rule(rule, start)
	if duration_minutes is None or int(duration_minutes) < 0:
		raise InvalidInput(
			_("A job's duration must be zero or more, got {duration}"), duration=str(duration_minutes)
		)
	return validate_series(
		RecurringSeries(
			rule, start, timedelta(minutes=int(duration_minutes)), tuple(skipped), dict(overrides or {})
		)
	)


def parse_skipped_dates(text: str | None) -> list[date]:
	"""Skipped dates from text, one YYYY-MM-DD a line (blank lines ignored), sorted, unique."""
	days = set()
	for line in (text or "").splitlines():
		value = line.strip()
		if not value:
			continue
		try:
			days.add(date.fromisoformat(value))
		except ValueError:
			raise InvalidInput(_("Skipped date {value} is not a date (expected YYYY-MM-DD)"), value=value)
	return sorted(days)


def format_skipped_dates(days: Iterable) -> str:
	"""Skipped dates (dates, or aware datetimes: their local day) as text, one a line."""
	result = set()
	for value in days:
		result.add(value.date() if isinstance(value, datetime) else value)
	return "\n".join(d.isoformat() for d in sorted(result))
