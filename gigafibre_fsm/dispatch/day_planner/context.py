"""What every part of the planner reads: the prepared day, its travel matrices, who is free when.

`PlanContext` holds the data; the decisions are in the modules named after them (`windows`,
`skills`, `lunches`, `pairs`, `objective`, `routing`, `repair`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gigafibre_fsm.dispatch.travel_time import TravelTimeProvider, distance_matrix

from .model import REASONS, UnassignedJob
from .prepare import Job, Problem, Tech

# A route as the planner handles it: (kind, index) per visit, kind KIND_JOB / KIND_ASSIST (index of
# the job) or KIND_LUNCH (index of the technician).
Visit = tuple[str, int]


@dataclass
class PlanContext:
	"""The day being planned.

	Locations in `D` (seconds) and `M` (metres, when the provider knows distances) are the
	technicians' homes (0..T-1) then the jobs (T + job index). `start_loc`/`avail` say where and
	when each technician is free to start planned work (see `windows.free_from`).
	"""

	problem: Problem
	D: np.ndarray
	M: np.ndarray | None
	start_loc: dict[int, int]
	avail: dict[int, int]
	now_s: int | None
	unassigned: dict[str, UnassignedJob] = field(default_factory=dict)

	@classmethod
	def of(cls, problem: Problem, travel: TravelTimeProvider, now_s: int | None) -> PlanContext:
		"""The context of `problem`: travel matrices, then when and where each technician is free."""
		from . import lunches, windows

		points = [t.home for t in problem.techs] + [j.location for j in problem.jobs]
		D = np.asarray(travel.matrix(points), dtype=np.int64).reshape(len(points), len(points))
		dist = distance_matrix(travel, points)
		M = np.asarray(dist, dtype=np.int64).reshape(D.shape) if dist is not None else None
		start_loc, avail = windows.free_from(problem, D, now_s)
		lunches.drop_past_lunches(problem.techs, avail)
		return cls(problem, D, M, start_loc, avail, now_s)

	@property
	def T(self) -> int:
		return len(self.problem.techs)

	@property
	def techs(self) -> list[Tech]:
		return self.problem.techs

	@property
	def jobs(self) -> list[Job]:
		return self.problem.jobs

	def loc(self, job: Job) -> int:
		"""The job's row in the travel matrices."""
		return self.T + job.index

	def leave(self, job: Job, code: str, **params) -> None:
		"""Leave `job` out of the plan, for the reason `code` (model.REASONS)."""
		self.unassigned[job.name] = UnassignedJob(job.name, code, REASONS[code], params)
