"""Validation and normalisation of the planner's input, before any solving.

Everything that can never be planned raises InvalidInput here, with the culprit named; a job
that is merely impossible today (nobody skilled, out of reach) is not an error: it becomes an
unassigned job with its reason later on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gigafibre_fsm.errors import InvalidInput, _

from .model import (
	PRIORITY_NAMES,
	STATUS_IN_PROGRESS,
	STATUSES,
	UNDER_WAY,
	PlanJob,
	PlanTechnician,
	TimeValue,
)


@dataclass
class Tech:
	index: int
	name: str
	home: tuple[float, float]
	start: int  # seconds after the origin
	end: int
	skills: dict[str, int]
	lunch: tuple[int, int, int] | None  # earliest start, latest start, duration (seconds)
	max_jobs: int | None
	tz: ZoneInfo
	under_way: int | None = None  # index of the job this technician is on


@dataclass
class Job:
	index: int
	name: str
	location: tuple[float, float]
	duration: int
	early: int
	late: int
	skills: dict[str, int]
	priority: int
	locked_tech: str | None
	needs_assistant: bool
	status: str
	source: PlanJob
	fixed_start: int | None = None  # for under-way jobs


@dataclass
class Problem:
	origin: datetime
	techs: list[Tech]
	jobs: list[Job]
	horizon: int


def _zone(name: str, owner: str) -> ZoneInfo:
	try:
		return ZoneInfo(name)
	except (ZoneInfoNotFoundError, ValueError):
		raise InvalidInput(_("{owner}: unknown time zone {zone}"), owner=owner, zone=name)


def _as_datetime(value: TimeValue, day: date, tz: ZoneInfo, owner: str, field_name: str) -> datetime:
	if isinstance(value, datetime):
		if value.tzinfo is None or value.utcoffset() is None:
			raise InvalidInput(
				_("{field} of {owner} must carry a time zone ({value})"),
				field=field_name,
				owner=owner,
				value=value.isoformat(),
			)
		return value
	if isinstance(value, bool) or not isinstance(value, int | float):
		raise InvalidInput(
			_("{field} of {owner} must be a date-time or minutes after midnight (got {value})"),
			field=field_name,
			owner=owner,
			value=repr(value),
		)
	return datetime.combine(day, time(0), tzinfo=tz) + timedelta(minutes=value)


def _check_point(point, owner: str, is_job: bool) -> tuple[float, float]:
	try:
		lat, lon = float(point[0]), float(point[1])
		ok = math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180
	except (TypeError, ValueError, IndexError):
		ok = False
	if not ok:
		if is_job:
			raise InvalidInput(
				_(
					"Job {job} has an invalid location {point}: latitude must be within ±90 and longitude within ±180"
				),
				job=owner,
				point=repr(point),
			)
		raise InvalidInput(
			_(
				"Technician {technician} has an invalid home base {point}: latitude must be within ±90 and longitude within ±180"
			),
			technician=owner,
			point=repr(point),
		)
	return lat, lon


def _check_skills(skills: dict, owner: str, is_job: bool) -> dict[str, int]:
	out = {}
	for tag, level in (skills or {}).items():
		if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
			if is_job:
				raise InvalidInput(
					_("Job {job} requires an invalid level {level} for {tag}: levels go from 1 to 5"),
					job=owner,
					level=repr(level),
					tag=tag,
				)
			raise InvalidInput(
				_("Technician {technician} has an invalid level {level} for {tag}: levels go from 1 to 5"),
				technician=owner,
				level=repr(level),
				tag=tag,
			)
		out[str(tag)] = level
	return out


# Field names quoted in messages, marked for translation (the shell translates them as params).
FIELD_LABELS = {
	"shift_start": _("shift start"),
	"shift_end": _("shift end"),
	"lunch_earliest": _("lunch earliest start"),
	"lunch_latest": _("lunch latest end"),
	"earliest_start": _("earliest start"),
	"latest_start": _("latest start"),
	"locked_start": _("locked start"),
}


def _check_name(name: str, seen: set[str], is_job: bool) -> None:
	"""Every technician and job has a name, given once."""
	if not name:
		raise InvalidInput(_("A job has no name") if is_job else _("A technician has no name"))
	if name in seen:
		if is_job:
			raise InvalidInput(_("Job {job} is listed twice"), job=name)
		raise InvalidInput(_("Technician {technician} is listed twice"), technician=name)
	seen.add(name)


def _place(point, owner: str, is_job: bool) -> tuple[float, float]:
	"""A job's location or a technician's home base: present and valid."""
	if point is None or point == ():
		if is_job:
			raise InvalidInput(_("Job {job} has no location"), job=owner)
		raise InvalidInput(_("Technician {technician} has no home base"), technician=owner)
	return _check_point(point, owner, is_job)


@dataclass
class _Clock:
	"""Reads the time fields of one technician or job as aware datetimes."""

	day: date
	tz: ZoneInfo
	owner: str

	def __call__(self, value: TimeValue, field_key: str) -> datetime:
		return _as_datetime(value, self.day, self.tz, self.owner, FIELD_LABELS[field_key])

	def optional(self, value: TimeValue | None, field_key: str) -> datetime | None:
		return None if value is None else self(value, field_key)


@dataclass
class _Shift:
	"""A technician checked, its times still as datetimes (the origin is not known yet)."""

	source: PlanTechnician
	home: tuple[float, float]
	tz: ZoneInfo
	start: datetime
	end: datetime
	skills: dict[str, int]
	lunch: tuple[datetime, datetime, int] | None  # earliest start, latest end, minutes


def _technician(t: PlanTechnician, clock: _Clock) -> _Shift:
	"""Check one technician: home base, zone, shift, lunch, maximum number of jobs, skills."""
	home = _place(t.home, t.name, False)
	tz = _zone(t.timezone, t.name)
	start, end = clock(t.shift_start, "shift_start"), clock(t.shift_end, "shift_end")
	if end <= start:
		raise InvalidInput(
			_("Technician {technician}'s shift ends ({end}) before it starts ({start})"),
			technician=t.name,
			end=end.isoformat(),
			start=start.isoformat(),
		)
	lunch = None
	if t.lunch is not None:
		le, ll = clock(t.lunch.earliest, "lunch_earliest"), clock(t.lunch.latest, "lunch_latest")
		if t.lunch.duration_min <= 0 or le + timedelta(minutes=t.lunch.duration_min) > ll:
			raise InvalidInput(
				_(
					"Technician {technician}'s lunch break of {minutes} minutes does not fit between {earliest} and {latest}"
				),
				technician=t.name,
				minutes=t.lunch.duration_min,
				earliest=le.isoformat(),
				latest=ll.isoformat(),
			)
		lunch = (le, ll, t.lunch.duration_min)
	if t.max_jobs is not None and (not isinstance(t.max_jobs, int) or t.max_jobs < 0):
		raise InvalidInput(
			_("Technician {technician} has an invalid maximum number of jobs {value}"),
			technician=t.name,
			value=repr(t.max_jobs),
		)
	return _Shift(t, home, tz, start, end, _check_skills(t.skills, t.name, False), lunch)


def _job(j: PlanJob, index: int, clock: _Clock, secs, horizon: int) -> tuple[Job, datetime | None]:
	"""Check one job and convert it (times in seconds after the origin); also its locked start."""
	location = _place(j.location, j.name, True)
	if isinstance(j.duration_min, bool) or not isinstance(j.duration_min, int | float) or j.duration_min <= 0:
		raise InvalidInput(
			_("Job {job} must last more than 0 minutes (got {minutes})"),
			job=j.name,
			minutes=repr(j.duration_min),
		)
	if j.status not in STATUSES:
		raise InvalidInput(
			_("Job {job} has an unknown status {status} (use {allowed})"),
			job=j.name,
			status=repr(j.status),
			allowed=", ".join(STATUSES),
		)
	priority = PRIORITY_NAMES.get(j.priority, j.priority) if isinstance(j.priority, str) else j.priority
	if isinstance(priority, bool) or priority not in (1, 2, 3, 4):
		raise InvalidInput(
			_("Job {job} has an invalid priority {priority}: use 1 (low) to 4 (urgent)"),
			job=j.name,
			priority=repr(j.priority),
		)
	early = clock.optional(j.earliest_start, "earliest_start")
	late = clock.optional(j.latest_start, "latest_start")
	if early is not None and late is not None and late < early:
		raise InvalidInput(
			_(
				"Job {job} has an impossible window: its latest start {latest} is before its earliest start {earliest}"
			),
			job=j.name,
			latest=late.isoformat(),
			earliest=early.isoformat(),
		)
	locked = clock.optional(j.locked_start, "locked_start")
	if (
		locked is not None
		and j.status not in UNDER_WAY
		and ((early is not None and locked < early) or (late is not None and locked > late))
	):
		raise InvalidInput(
			_("Job {job} is locked to start at {start}, outside its window"),
			job=j.name,
			start=locked.isoformat(),
		)
	skills = _check_skills(j.skills, j.name, True)
	e = secs(early) if early is not None else 0
	l = secs(late) if late is not None else horizon
	if locked is not None:
		e = l = secs(locked)
	job = Job(
		index=index,
		name=j.name,
		location=location,
		duration=round(j.duration_min * 60),
		early=e,
		late=l,
		skills=skills,
		priority=priority,
		locked_tech=j.locked_technician or None,
		needs_assistant=bool(j.needs_assistant),
		status=j.status,
		source=j,
	)
	return job, locked


def _under_way(job: Job, locked: datetime | None, by_name: dict[str, Tech], jobs: list[Job], secs) -> None:
	"""A job en route or in progress stays with its technician: check that it can, and tie them."""
	if not job.locked_tech:
		raise InvalidInput(
			_("Job {job} is {status} but no technician is assigned to it"),
			job=job.name,
			status=job.status,
		)
	tech = by_name.get(job.locked_tech)
	if tech is None:
		raise InvalidInput(
			_("Job {job} is under way with {technician}, who is not in the plan"),
			job=job.name,
			technician=job.locked_tech,
		)
	if tech.under_way is not None:
		raise InvalidInput(
			_("Technician {technician} has two jobs under way ({first}, {second})"),
			technician=tech.name,
			first=jobs[tech.under_way].name,
			second=job.name,
		)
	if job.status == STATUS_IN_PROGRESS:
		if locked is None:
			raise InvalidInput(_("Job {job} is in progress but has no start time"), job=job.name)
		job.fixed_start = secs(locked)
	else:  # en route: the planner resolves when it gets there (it needs travel; from home: the only position known)
		job.fixed_start = None
	tech.under_way = job.index


def prepare(
	technicians: list[PlanTechnician],
	jobs: list[PlanJob],
	day: date | None,
	timezone: str,
	now: datetime | None,
) -> Problem:
	"""Check every input and convert times to seconds after the earliest shift start."""
	plan_tz = _zone(timezone, timezone)
	day = day or date.today()
	seen: set[str] = set()
	shifts = []
	for t in technicians:
		_check_name(t.name, seen, False)
		shifts.append(_technician(t, _Clock(day, plan_tz, t.name)))

	origin = min((s.start for s in shifts), default=datetime.combine(day, time(0), tzinfo=plan_tz))
	horizon_dt = max((s.end for s in shifts), default=origin + timedelta(days=1))

	def secs(dt: datetime) -> int:
		return round((dt - origin).total_seconds())

	techs = []
	for i, s in enumerate(shifts):
		lunch_s = None
		if s.lunch:
			dur = s.lunch[2] * 60
			lunch_s = (secs(s.lunch[0]), secs(s.lunch[1]) - dur, dur)
		techs.append(
			Tech(
				i,
				s.source.name,
				s.home,
				secs(s.start),
				secs(s.end),
				s.skills,
				lunch_s,
				s.source.max_jobs,
				s.tz,
			)
		)
	by_name = {t.name: t for t in techs}

	seen = set()
	out_jobs: list[Job] = []
	for j in jobs:
		_check_name(j.name, seen, True)
		job, locked = _job(j, len(out_jobs), _Clock(day, plan_tz, j.name), secs, secs(horizon_dt))
		if job.status in UNDER_WAY:
			_under_way(job, locked, by_name, out_jobs, secs)
		out_jobs.append(job)
	return Problem(origin=origin, techs=techs, jobs=out_jobs, horizon=secs(horizon_dt))
