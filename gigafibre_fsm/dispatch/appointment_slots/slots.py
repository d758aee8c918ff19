"""Which arrival windows can be offered to a customer, and who would take each.

A slot is an arrival window on a day (08:00-10:00): the technician arrives inside it. A window
is offered when at least one technician could start the job at one of its start times (every
`step` minutes from the window's opening, as long as the job starts before it closes) — with
the skills the job needs, free for the whole job, and able to get there from the previous job
and on to the next. That is the same rule the dispatcher's "best technician" applies
(`best_technician.rank_technicians`), so an offered slot is one the board can staff.

Holds count as booked time: while one customer pays for a slot, its technician is not offered
to the next customer for the same time. A hold past its expiry no longer counts.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from gigafibre_fsm.dispatch.best_technician import (
	JobRequest,
	RequiredTag,
	TechnicianProfile,
	rank_technicians,
)
from gigafibre_fsm.dispatch.best_technician.ranking import Travel
from gigafibre_fsm.dispatch.work_schedule import BookedJob
from gigafibre_fsm.errors import InvalidInput, _

_WINDOW_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class ArrivalWindow:
	"""When the technician may arrive, in local wall-clock time."""

	start: time
	end: time

	@property
	def label(self) -> str:
		return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class SlotRequest:
	"""What is to be booked: its skills, its length, where, and how far ahead to look.

	`earliest`: the first moment a slot may start (now plus the booking notice), aware."""

	tags: tuple[RequiredTag, ...]
	duration: timedelta
	location: tuple[float, float] | None
	earliest: datetime
	step: timedelta = timedelta(minutes=30)


@dataclass(frozen=True)
class TechnicianDay:
	"""One technician's day as the offer sees it: skills, home, free intervals, booked jobs."""

	name: str
	skills: dict[str, int]
	home: tuple[float, float] | None
	free: list
	booked: list[BookedJob] = field(default_factory=list)


@dataclass(frozen=True)
class Hold:
	"""A slot kept for someone until `expires_at`: it blocks `technician` from `start` to `end`."""

	name: str
	technician: str
	start: datetime
	end: datetime
	expires_at: datetime
	location: tuple[float, float] | None = None


@dataclass(frozen=True)
class Slot:
	"""An offerable window: its bounds, and for the first start that works, who could take it
	(best first). Customers are shown the window only, never the technicians."""

	day: date
	window: ArrivalWindow
	start: datetime
	end: datetime
	job_start: datetime
	technicians: tuple[str, ...]

	@property
	def key(self) -> str:
		"""A stable identifier the page sends back to hold this slot."""
		return f"{self.day.isoformat()}T{self.window.label}"


def arrival_windows_from_text(text: str) -> list[ArrivalWindow]:
	"""Windows from settings text: one `HH:MM-HH:MM` per line or comma-separated, in order."""
	windows = []
	for part in re.split(r"[\n,;]+", text or ""):
		if not part.strip():
			continue
		m = _WINDOW_RE.match(part)
		if not m:
			raise InvalidInput(
				_("Arrival window {window} is not written as HH:MM-HH:MM"), window=part.strip()
			)
		h1, m1, h2, m2 = (int(g) for g in m.groups())
		if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
			raise InvalidInput(_("Arrival window {window} is not a time of day"), window=part.strip())
		start, end = time(h1, m1), time(h2, m2)
		if end <= start:
			raise InvalidInput(_("Arrival window {window} ends before it starts"), window=part.strip())
		windows.append(ArrivalWindow(start, end))
	if not windows:
		raise InvalidInput(_("No arrival window is set"))
	return sorted(windows, key=lambda w: w.start)


def _active(holds: Iterable[Hold], now: datetime, ignore: str | None) -> list[Hold]:
	return [h for h in holds if h.expires_at > now and h.name != ignore]


def _profiles(technicians: Iterable[TechnicianDay], holds: list[Hold]) -> list[TechnicianProfile]:
	held: dict[str, list[BookedJob]] = {}
	for h in holds:
		held.setdefault(h.technician, []).append(BookedJob(f"hold:{h.name}", h.start, h.end, h.location))
	return [
		TechnicianProfile(
			name=t.name,
			skills=t.skills,
			home=t.home,
			active=True,
			free=t.free,
			booked=[*t.booked, *held.get(t.name, [])],
		)
		for t in technicians
	]


def _job_starts(day: date, window: ArrivalWindow, zone, step: timedelta):
	start = datetime.combine(day, window.start, tzinfo=zone)
	close = datetime.combine(day, window.end, tzinfo=zone)
	moment = start
	while moment < close:
		yield moment
		moment += step


def _check_request(request: SlotRequest) -> None:
	if request.earliest.tzinfo is None or request.earliest.utcoffset() is None:
		raise InvalidInput(
			_("{what} must be a date and time with a time zone, got {value}"),
			what="earliest",
			value=str(request.earliest),
		)
	if request.duration <= timedelta(0):
		raise InvalidInput(_("An appointment must last more than zero minutes"))
	if request.step <= timedelta(0):
		raise InvalidInput(_("The step between start times must be more than zero minutes"))


def offer_slots(
	request: SlotRequest,
	days: dict[date, list[TechnicianDay]],
	windows: list[ArrivalWindow],
	holds: Iterable[Hold] = (),
	now: datetime | None = None,
	travel: Travel | None = None,
	ignore_hold: str | None = None,
) -> list[Slot]:
	"""The windows of `days` that a technician can take, in time order.

	`days` maps each local day to its technicians (their free time and booked jobs that day).
	`holds` still running at `now` block their technician; `ignore_hold` is the caller's own
	hold (moving one's own hold must not be blocked by itself)."""
	_check_request(request)
	now = now or request.earliest
	zone = request.earliest.tzinfo
	running = _active(holds, now, ignore_hold)
	offered = []
	for day in sorted(days):
		profiles = _profiles(days[day], running)
		for window in windows:
			for job_start in _job_starts(day, window, zone, request.step):
				if job_start < request.earliest:
					continue
				ranking = rank_technicians(
					JobRequest(
						"appointment", request.tags, job_start, job_start + request.duration, request.location
					),
					profiles,
					travel,
				)
				if ranking.ranked:
					offered.append(
						Slot(
							day,
							window,
							datetime.combine(day, window.start, tzinfo=zone),
							datetime.combine(day, window.end, tzinfo=zone),
							job_start,
							tuple(c.technician for c in ranking.ranked),
						)
					)
					break
	return offered


def best_technician_for(
	request: SlotRequest,
	day: date,
	window: ArrivalWindow,
	technicians: list[TechnicianDay],
	holds: Iterable[Hold] = (),
	now: datetime | None = None,
	travel: Travel | None = None,
	ignore_hold: str | None = None,
) -> Slot | None:
	"""The slot `window` on `day` if someone can still take it (with who, best first), else None.

	Called again, under a lock, at the moment of holding or booking: between the offer and the
	click, another customer may have taken the last technician."""
	slots = offer_slots(request, {day: technicians}, [window], holds, now, travel, ignore_hold)
	return slots[0] if slots else None
