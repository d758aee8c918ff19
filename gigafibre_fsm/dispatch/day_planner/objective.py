"""What the planner optimises: prizes for the jobs it plans, prohibitive costs for what it must
never do, and the cost of a timed route (used after solving to compare placements)."""

from __future__ import annotations

from .prepare import Job

BIG = 10**9  # an edge no technician may take: far above any prize
PRIZE = {1: 30_000, 2: 100_000, 3: 400_000, 4: 1_600_000}  # seconds of driving worth a job
LUNCH_PRIZE = 100_000_000
LOAD_UNIT = 1000  # one job's load: PyVRP's bounded load penalty then outweighs any prize


def job_prize(job: Job) -> int:
	"""Seconds of driving the job is worth: its priority's prize (at least high when locked to a
	technician) plus its duration, so that when the day is full the cheapest jobs go first."""
	weight = PRIZE[job.priority]
	if job.locked_tech:
		weight = max(weight, PRIZE[3])
	return weight + job.duration


def route_cost(sim: dict) -> tuple[int, int]:
	"""(late visits + overtime, seconds of driving including home) of a timed route."""
	late = 0 if sim["late_at"] is None else 1
	return (late + (1 if sim["overtime"] else 0), sum(s[6] for s in sim["stops"]) + sim["home_leg"])


def travel_of(ctx, ti: int, sim: dict | None) -> int:
	"""Seconds of driving of technician `ti`'s timed route (from where it is free and home when empty)."""
	return route_cost(sim)[1] if sim else int(ctx.D[ctx.start_loc[ti], ti])
