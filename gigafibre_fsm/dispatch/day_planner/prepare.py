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
	raw_techs = []
	for t in technicians:
		owner = t.name
		if not t.name:
			raise InvalidInput(_("A technician has no name"))
		if t.name in seen:
			raise InvalidInput(_("Technician {technician} is listed twice"), technician=t.name)
		seen.add(t.name)
		if t.home is None or t.home == ():
			raise InvalidInput(_("Technician {technician} has no home base"), technician=t.name)
		home = _check_point(t.home, owner, False)
		tz = _zone(t.timezone, owner)
		start = _as_datetime(t.shift_start, day, plan_tz, owner, FIELD_LABELS["shift_start"])
		end = _as_datetime(t.shift_end, day, plan_tz, owner, FIELD_LABELS["shift_end"])
		if end <= start:
			raise InvalidInput(
				_("Technician {technician}'s shift ends ({end}) before it starts ({start})"),
				technician=t.name,
				end=end.isoformat(),
				start=start.isoformat(),
			)
		lunch = None
		if t.lunch is not None:
			le = _as_datetime(t.lunch.earliest, day, plan_tz, owner, FIELD_LABELS["lunch_earliest"])
			ll = _as_datetime(t.lunch.latest, day, plan_tz, owner, FIELD_LABELS["lunch_latest"])
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
		raw_techs.append((t, home, tz, start, end, _check_skills(t.skills, owner, False), lunch))

	origin = min((r[3] for r in raw_techs), default=datetime.combine(day, time(0), tzinfo=plan_tz))
	horizon_dt = max((r[4] for r in raw_techs), default=origin + timedelta(days=1))

	def secs(dt: datetime) -> int:
		return round((dt - origin).total_seconds())

	techs = []
	for i, (t, home, tz, start, end, skills, lunch) in enumerate(raw_techs):
		lunch_s = None
		if lunch:
			dur = lunch[2] * 60
			lunch_s = (secs(lunch[0]), secs(lunch[1]) - dur, dur)
		techs.append(Tech(i, t.name, home, secs(start), secs(end), skills, lunch_s, t.max_jobs, tz))
	by_name = {t.name: t for t in techs}

	seen = set()
	out_jobs = []
	for j in jobs:
		owner = j.name
		if not j.name:
			raise InvalidInput(_("A job has no name"))
		if j.name in seen:
			raise InvalidInput(_("Job {job} is listed twice"), job=j.name)
		seen.add(j.name)
		if j.location is None or j.location == ():
			raise InvalidInput(_("Job {job} has no location"), job=j.name)
		location = _check_point(j.location, owner, True)
		if (
			isinstance(j.duration_min, bool)
			or not isinstance(j.duration_min, int | float)
			or j.duration_min <= 0
		):
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
		early = (
			_as_datetime(j.earliest_start, day, plan_tz, owner, FIELD_LABELS["earliest_start"])
			if j.earliest_start is not None
			else None
		)
		late = (
			_as_datetime(j.latest_start, day, plan_tz, owner, FIELD_LABELS["latest_start"])
			if j.latest_start is not None
			else None
		)
		if early is not None and late is not None and late < early:
			raise InvalidInput(
				_(
					"Job {job} has an impossible window: its latest start {latest} is before its earliest start {earliest}"
				),
				job=j.name,
				latest=late.isoformat(),
				earliest=early.isoformat(),
			)
		locked = None
		if j.locked_start is not None:
			locked = _as_datetime(j.locked_start, day, plan_tz, owner, FIELD_LABELS["locked_start"])
			if j.status not in UNDER_WAY and (
				(early is not None and locked < early) or (late is not None and locked > late)
			):
				raise InvalidInput(
					_("Job {job} is locked to start at {start}, outside its window"),
					job=j.name,
					start=locked.isoformat(),
				)
		skills = _check_skills(j.skills, owner, True)
		e = secs(early) if early is not None else 0
		l = secs(late) if late is not None else secs(horizon_dt)
		if locked is not None:
			e = l = secs(locked)
		job = Job(
			index=len(out_jobs),
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
		if j.status in UNDER_WAY:
			if not j.locked_technician:
				raise InvalidInput(
					_("Job {job} is {status} but no technician is assigned to it"),
					job=j.name,
					status=j.status,
				)
			tech = by_name.get(j.locked_technician)
			if tech is None:
				raise InvalidInput(
					_("Job {job} is under way with {technician}, who is not in the plan"),
					job=j.name,
					technician=j.locked_technician,
				)
			if tech.under_way is not None:
				raise InvalidInput(
					_("Technician {technician} has two jobs under way ({first}, {second})"),
					technician=tech.name,
					first=out_jobs[tech.under_way].name,
					second=j.name,
				)
			if j.status == STATUS_IN_PROGRESS:
				if locked is None:
					raise InvalidInput(_("Job {job} is in progress but has no start time"), job=j.name)
				job.fixed_start = secs(locked)
			else:  # en route: the technician is driving there now (from home: the only position known)
				job.fixed_start = None
			tech.under_way = job.index
		out_jobs.append(job)

	# En-route jobs start once the technician gets there: the planner resolves that (it needs travel).
	return Problem(origin=origin, techs=techs, jobs=out_jobs, horizon=secs(horizon_dt))
