"""What the day planner takes and what it returns (plain dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gigafibre_fsm.errors import _

Point = tuple[float, float]
TimeValue = datetime | int
"""An aware datetime, or minutes after midnight of the plan's day (in the plan's time zone)."""

PRIORITY_LOW, PRIORITY_NORMAL, PRIORITY_HIGH, PRIORITY_URGENT = 1, 2, 3, 4
PRIORITY_NAMES = {"low": 1, "normal": 2, "medium": 2, "high": 3, "urgent": 4}

STATUS_SCHEDULED = "scheduled"
STATUS_EN_ROUTE = "en_route"
STATUS_IN_PROGRESS = "in_progress"
UNDER_WAY = (STATUS_EN_ROUTE, STATUS_IN_PROGRESS)
STATUSES = (STATUS_SCHEDULED, *UNDER_WAY)


@dataclass
class LunchBreak:
	"""A break of `duration_min` minutes taken entirely between `earliest` and `latest`."""

	earliest: TimeValue
	latest: TimeValue
	duration_min: int = 30


@dataclass
class PlanTechnician:
	"""A technician working the plan's day.

	The shift starts and ends at `home` (the home base); `skills` maps a tag to a level 1-5.
	"""

	name: str
	home: Point | None
	shift_start: TimeValue
	shift_end: TimeValue
	skills: dict[str, int] = field(default_factory=dict)
	lunch: LunchBreak | None = None
	max_jobs: int | None = None
	timezone: str = "America/Toronto"


@dataclass
class PlanJob:
	"""A job to place in the day.

	`earliest_start`/`latest_start` bound when the work may begin (the appointment window);
	`skills` are the tags and minimum levels the lead technician must hold (hard constraint).
	`needs_assistant` asks for a second technician on site at the same time. A job whose
	`status` is en route or in progress stays with `locked_technician` as it is.
	"""

	name: str
	location: Point | None
	duration_min: int
	earliest_start: TimeValue | None = None
	latest_start: TimeValue | None = None
	skills: dict[str, int] = field(default_factory=dict)
	priority: int = PRIORITY_NORMAL
	locked_technician: str | None = None
	locked_start: TimeValue | None = None
	needs_assistant: bool = False
	status: str = STATUS_SCHEDULED
	kind: str = ""
	title: str = ""


# -- output

KIND_JOB, KIND_ASSIST, KIND_LUNCH = "job", "assist", "lunch"


@dataclass
class PlannedStop:
	"""One stop of a route. `arrival` is the ETA; work runs from `start` to `end`."""

	job: str  # the job's name; for a lunch break, "lunch"
	kind: str  # job, assist (second technician of a two-person job) or lunch
	location: Point | None
	arrival: datetime
	start: datetime
	end: datetime
	travel_s: int  # driving time of the leg that ends here
	travel_m: int
	wait_s: int
	kept: bool = False  # under way when the plan was made: kept as it was


@dataclass
class TechnicianRoute:
	technician: str
	depart: datetime
	return_home: datetime
	stops: list[PlannedStop] = field(default_factory=list)
	travel_s: int = 0  # including the drive home
	travel_m: int = 0

	@property
	def jobs(self) -> list[PlannedStop]:
		return [s for s in self.stops if s.kind != KIND_LUNCH]

	@property
	def work_s(self) -> int:
		return sum(int((s.end - s.start).total_seconds()) for s in self.jobs)


@dataclass
class UnassignedJob:
	"""Why a job is not in the plan: a stable `code` and a translatable message."""

	job: str
	code: str
	message: str
	params: dict = field(default_factory=dict)

	@property
	def text(self) -> str:
		return self.message.format(**self.params)


@dataclass
class DayPlan:
	routes: dict[str, TechnicianRoute]
	unassigned: dict[str, UnassignedJob]
	solver: str = "pyvrp"
	solve_seconds: float = 0.0

	@property
	def travel_s(self) -> int:
		return sum(r.travel_s for r in self.routes.values())

	@property
	def travel_m(self) -> int:
		return sum(r.travel_m for r in self.routes.values())

	def assigned(self) -> dict[str, list[tuple[str, PlannedStop]]]:
		"""job name -> [(technician, stop)] (two entries for a two-technician job)."""
		out: dict[str, list[tuple[str, PlannedStop]]] = {}
		for tech, route in self.routes.items():
			for stop in route.jobs:
				out.setdefault(stop.job, []).append((tech, stop))
		return out


# Reasons a job is left out (code -> message template).
REASONS = {
	"locked_absent": _("Locked to {technician}, who is not working in this plan"),
	"no_skill": _("No technician working today has the required skills ({skills})"),
	"no_assistant_skill": _("No second technician working today can assist ({skills})"),
	"out_of_reach": _(
		"No skilled technician can reach it within its window and be home by the end of the shift"
	),
	"capacity": _(
		"No room left in the skilled technicians' day (jobs of higher priority or closer by filled it)"
	),
	"no_assistant": _("No second technician could be on site at the same time"),
	"repair": _("Dropped to keep lunch breaks, pairs and appointment windows exact"),
	"max_jobs": _("The skilled technicians already have their maximum number of jobs"),
}


def minutes(td: timedelta) -> float:
	return td.total_seconds() / 60
