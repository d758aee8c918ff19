"""Who can take this one job now, best first, and why the others cannot.

Each TechnicianProfile precomputes sorted arrays (epoch seconds) of its booked jobs and free
intervals at construction, so a query costs O(log n) per technician with `bisect` instead of
rescanning every booked job: the dispatcher asks this on every drag, it must answer at once.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from gigafibre_fsm.dispatch.work_schedule import BookedJob
from gigafibre_fsm.errors import InvalidInput, _

UTC = timezone.utc
Location = tuple[float, float]
Travel = Callable[[Location, Location], timedelta]


@dataclass(frozen=True)
class RequiredTag:
	"""A skill the job asks for: `tag` at `level` (1-5). Not `required` = preferred only."""

	tag: str
	level: int = 1
	required: bool = True


@dataclass(frozen=True)
class JobRequest:
	"""The job to staff: its tags, its slot (aware datetimes) and where it is."""

	name: str
	tags: tuple[RequiredTag, ...] | list[RequiredTag]
	start: datetime
	end: datetime
	location: Location | None = None


def _ts(value: datetime) -> float:
	return value.timestamp()


@dataclass(frozen=True)
class TechnicianProfile:
	"""A technician as the ranking sees them.

	`free`: the technician's free intervals [(start, end)] (e.g. from
	`work_schedule.free_intervals`), or a callable `free(start, end) -> bool`, or None to skip
	the check (the caller has already filtered). `booked`: their booked jobs around the slot
	(typically that day); used for overlap, travel from the previous job, and the day's workload.
	"""

	name: str
	skills: dict[str, int]
	home: Location | None = None
	active: bool = True
	free: list | Callable[[datetime, datetime], bool] | None = None
	booked: list[BookedJob] | tuple[BookedJob, ...] = ()

	# precomputed for bisect; epoch seconds are cheaper to compare than aware datetimes
	_by_start: tuple = field(init=False, repr=False, compare=False)
	_starts: tuple = field(init=False, repr=False, compare=False)
	_max_end_upto: tuple = field(init=False, repr=False, compare=False)
	_minutes_upto: tuple = field(init=False, repr=False, compare=False)
	_by_end: tuple = field(init=False, repr=False, compare=False)
	_ends: tuple = field(init=False, repr=False, compare=False)
	_free_starts: tuple = field(init=False, repr=False, compare=False)
	_free_ends: tuple = field(init=False, repr=False, compare=False)

	def __post_init__(self):
		by_start = tuple(sorted(self.booked, key=lambda b: (_ts(b.start), _ts(b.end))))
		starts, max_end, minutes = [], [], [0.0]
		running = float("-inf")
		for job in by_start:
			starts.append(_ts(job.start))
			running = max(running, _ts(job.end))
			max_end.append(running)
			minutes.append(minutes[-1] + (_ts(job.end) - _ts(job.start)) / 60)
		by_end = tuple(sorted(self.booked, key=lambda b: (_ts(b.end), _ts(b.start))))
		set_ = object.__setattr__
		set_(self, "_by_start", by_start)
		set_(self, "_starts", tuple(starts))
		set_(self, "_max_end_upto", tuple(max_end))
		set_(self, "_minutes_upto", tuple(minutes))
		set_(self, "_by_end", by_end)
		set_(self, "_ends", tuple(_ts(b.end) for b in by_end))
		free_starts, free_ends = (), ()
		if self.free is not None and not callable(self.free):
			merged: list[list[float]] = []
			for start, end in sorted((_ts(s), _ts(e)) for s, e in self.free):
				if merged and start <= merged[-1][1]:
					merged[-1][1] = max(merged[-1][1], end)
				else:
					merged.append([start, end])
			free_starts = tuple(s for s, _e in merged)
			free_ends = tuple(e for _s, e in merged)
		set_(self, "_free_starts", free_starts)
		set_(self, "_free_ends", free_ends)

	# -- queries, O(log n) each ---------------------------------------------------------------

	def is_free(self, start: datetime, end: datetime) -> bool:
		"""True if [start, end] lies within the technician's free time (see `free`)."""
		return self._is_free(start, end, _ts(start), _ts(end))

	def _is_free(self, start: datetime, end: datetime, s: float, e: float) -> bool:
		if self.free is None:
			return True
		if callable(self.free):
			return bool(self.free(start, end))
		i = bisect_right(self._free_starts, s) - 1
		return i >= 0 and e <= self._free_ends[i]

	def overlapping_job(self, start: datetime, end: datetime) -> BookedJob | None:
		"""A booked job overlapping [start, end), if any."""
		return self._overlapping(_ts(start), _ts(end))

	def _overlapping(self, s: float, e: float) -> BookedJob | None:
		i = bisect_left(self._starts, e)  # jobs [0, i) start before the slot ends
		if i == 0 or self._max_end_upto[i - 1] <= s:
			return None
		for job in reversed(self._by_start[:i]):
			if _ts(job.end) > s:
				return job
		return None  # pragma: no cover - max_end says one exists

	def previous_job(self, start: datetime) -> BookedJob | None:
		"""The booked job that ends last at or before `start`."""
		return self._previous(_ts(start))

	def _previous(self, s: float) -> BookedJob | None:
		i = bisect_right(self._ends, s)
		return self._by_end[i - 1] if i else None

	def next_job(self, end: datetime) -> BookedJob | None:
		"""The booked job that starts first at or after `end`."""
		return self._next(_ts(end))

	def _next(self, e: float) -> BookedJob | None:
		i = bisect_left(self._starts, e)
		return self._by_start[i] if i < len(self._by_start) else None

	def booked_minutes(self, day_start: datetime, day_end: datetime) -> float:
		"""Minutes of booked jobs starting within [day_start, day_end)."""
		return self._minutes_between(_ts(day_start), _ts(day_end))

	def _minutes_between(self, start: float, end: float) -> float:
		lo = bisect_left(self._starts, start)
		hi = bisect_left(self._starts, end)
		return self._minutes_upto[hi] - self._minutes_upto[lo]


# -- exclusion reasons: typed, with translatable templates -------------------------------------


class Reason:
	"""Codes of why a technician cannot take the job (stable; the UI may switch on them)."""

	INACTIVE = "inactive"
	MISSING_TAG = "missing_tag"
	LEVEL_TOO_LOW = "level_too_low"
	NOT_FREE = "not_free"
	ALREADY_BOOKED = "already_booked"
	NO_START_LOCATION = "no_start_location"
	CANNOT_ARRIVE_IN_TIME = "cannot_arrive_in_time"
	CANNOT_REACH_NEXT_JOB = "cannot_reach_next_job"


@dataclass(frozen=True)
class Exclusion:
	"""Why one technician was left out: a code, an English template marked for translation,
	and its named parameters (the shell translates the template, then formats it)."""

	code: str
	message: str
	params: dict = field(default_factory=dict)

	@property
	def text(self) -> str:
		"""The untranslated message, formatted (for logs and tests)."""
		return self.message.format(**self.params)


@dataclass(frozen=True)
class Candidate:
	"""A technician who can take the job, with the parts of their score (lower is better)."""

	technician: str
	skill_surplus: int
	travel_from_previous: timedelta
	workload_minutes: int
	preferred_matched: int
	travel_from: str | None  # "previous_job", "home", or None when the job has no location
	previous_job: str | None = None

	@property
	def score(self) -> tuple:
		"""The sort key: surplus skill, travel (whole minutes), workload, preferred tags, name."""
		return (
			self.skill_surplus,
			int(self.travel_from_previous.total_seconds() // 60),
			self.workload_minutes,
			-self.preferred_matched,
			self.technician,
		)


@dataclass(frozen=True)
class Ranking:
	ranked: list[Candidate]
	excluded: dict[str, Exclusion]

	@property
	def best(self) -> Candidate | None:
		return self.ranked[0] if self.ranked else None


def _check_job(job: JobRequest) -> None:
	for what, value in ((_("Start"), job.start), (_("End"), job.end)):
		if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
			raise InvalidInput(
				_("{what} must be a date and time with a time zone, got {value}"), what=what, value=str(value)
			)
	if job.end <= job.start:
		raise InvalidInput(
			_("Job {job} ends at {end}, which is not after its start {start}"),
			job=job.name,
			start=job.start.isoformat(),
			end=job.end.isoformat(),
		)
	for tag in job.tags:
		if isinstance(tag.level, bool) or not isinstance(tag.level, int) or not 1 <= tag.level <= 5:
			raise InvalidInput(
				_("Tag {tag} asks for level {level}: levels go from 1 to 5"),
				tag=tag.tag,
				level=str(tag.level),
			)


def _local_day_bounds(moment: datetime) -> tuple[datetime, datetime]:
	zone = moment.tzinfo
	day = moment.date()
	start = datetime.combine(day, time(0), tzinfo=zone)
	end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
	return start, end


def _fmt(value: datetime, zone) -> str:
	return value.astimezone(zone).strftime("%H:%M")


@dataclass(frozen=True)
class _Query:
	"""What every technician's assessment needs, computed once per query."""

	job: JobRequest
	required: list
	preferred: list
	start: float
	end: float
	day_start: float
	day_end: float
	start_text: str
	end_text: str


def _assess(tech: TechnicianProfile, q: _Query, travel):
	"""A Candidate, or an Exclusion: the first rule the technician fails."""
	job = q.job
	if not tech.active:
		return Exclusion(Reason.INACTIVE, _("{technician} is not active"), {"technician": tech.name})
	surplus = 0
	skills = tech.skills
	for tag in q.required:
		level = skills.get(tag.tag)
		if level is None:
			return Exclusion(
				Reason.MISSING_TAG,
				_("{technician} lacks the skill {tag}"),
				{"technician": tech.name, "tag": tag.tag},
			)
		if level < tag.level:
			return Exclusion(
				Reason.LEVEL_TOO_LOW,
				_("{technician} has {tag} at level {level}, below the required {required}"),
				{"technician": tech.name, "tag": tag.tag, "level": level, "required": tag.level},
			)
		surplus += level - tag.level
	zone = job.start.tzinfo
	if not tech._is_free(job.start, job.end, q.start, q.end):
		return Exclusion(
			Reason.NOT_FREE,
			_("{technician} is not free from {start} to {end}"),
			{"technician": tech.name, "start": q.start_text, "end": q.end_text},
		)
	clash = tech._overlapping(q.start, q.end)
	if clash is not None:
		return Exclusion(
			Reason.ALREADY_BOOKED,
			_("{technician} is already booked on {job} from {start} to {end}"),
			{
				"technician": tech.name,
				"job": clash.job,
				"start": _fmt(clash.start, zone),
				"end": _fmt(clash.end, zone),
			},
		)

	previous = tech._previous(q.start)
	if previous is not None and _ts(previous.end) < q.day_start:
		previous = None  # yesterday's last job: the technician went home overnight
	following = tech._next(q.end)
	if following is not None and _ts(following.start) >= q.day_end:
		following = None

	travel_time = timedelta(0)
	travel_from = None
	if job.location is not None and travel is not None:
		if previous is not None and previous.location is not None:
			origin, travel_from = previous.location, "previous_job"
		elif tech.home is not None:
			origin, travel_from = tech.home, "home"
		else:
			return Exclusion(
				Reason.NO_START_LOCATION,
				_("{technician} has no home base and no previous job location to travel from"),
				{"technician": tech.name},
			)
		travel_time = travel(origin, job.location)
		if travel_from == "previous_job" and _ts(previous.end) + travel_time.total_seconds() > q.start:
			return Exclusion(
				Reason.CANNOT_ARRIVE_IN_TIME,
				_("{technician} cannot arrive in time: {minutes} min of travel after {job} ends at {end}"),
				{
					"technician": tech.name,
					"minutes": round(travel_time.total_seconds() / 60),
					"job": previous.job,
					"end": _fmt(previous.end, zone),
				},
			)
		if following is not None and following.location is not None:
			onward = travel(job.location, following.location)
			if q.end + onward.total_seconds() > _ts(following.start):
				return Exclusion(
					Reason.CANNOT_REACH_NEXT_JOB,
					_("{technician} could not reach the next job {job} at {start}: {minutes} min of travel"),
					{
						"technician": tech.name,
						"job": following.job,
						"start": _fmt(following.start, zone),
						"minutes": round(onward.total_seconds() / 60),
					},
				)

	workload = round(tech._minutes_between(q.day_start, q.day_end))
	preferred_matched = sum(1 for tag in q.preferred if skills.get(tag.tag, 0) >= tag.level)
	return Candidate(
		tech.name,
		surplus,
		travel_time,
		workload,
		preferred_matched,
		travel_from,
		previous.job if previous is not None and travel_from == "previous_job" else None,
	)


def rank_technicians(
	job: JobRequest, technicians: Iterable[TechnicianProfile], travel: Travel | None = None
) -> Ranking:
	"""Rank who can take `job`, best first, and say why each other technician cannot.

	Eligible: active; every required tag at or above its level; free for the whole slot and not
	already booked then; able to get there after the previous job of the day and on to the next.
	Order: (1) least skill surplus over the required tags, so experts stay free for the jobs
	that need them; (2) travel from the previous job of the day, else from home, in whole
	minutes; (3) minutes already booked that day; (4) more preferred (non-required) tags;
	(5) name, so the order is deterministic. `travel(a, b) -> timedelta`; None ignores travel.
	"""
	_check_job(job)
	day_start, day_end = _local_day_bounds(job.start)
	zone = job.start.tzinfo
	q = _Query(
		job,
		[t for t in job.tags if t.required],
		[t for t in job.tags if not t.required],
		_ts(job.start),
		_ts(job.end),
		_ts(day_start),
		_ts(day_end),
		_fmt(job.start, zone),
		_fmt(job.end, zone),
	)
	ranked, excluded = [], {}
	for tech in technicians:
		result = _assess(tech, q, travel)
		if isinstance(result, Candidate):
			ranked.append(result)
		else:
			excluded[tech.name] = result
	ranked.sort(key=lambda c: c.score)
	return Ranking(ranked, excluded)
