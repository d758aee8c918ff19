"""An independent check of a plan against the hard constraints (used by tests and benchmarks)."""

from __future__ import annotations

from datetime import date, timedelta

from gigafibre_fsm.dispatch.travel_time import TravelTimeProvider

from .model import KIND_ASSIST, KIND_JOB, KIND_LUNCH, UNDER_WAY, DayPlan, PlanJob, PlanTechnician
from .prepare import prepare

SLACK = timedelta(seconds=1)


def check_plan(
	technicians: list[PlanTechnician],
	jobs: list[PlanJob],
	plan: DayPlan,
	travel: TravelTimeProvider | None = None,
	*,
	day: date | None = None,
	timezone: str = "America/Toronto",
) -> list[str]:
	"""Every broken hard constraint of `plan`, as readable lines (empty when the plan is sound).

	Checks skills and levels, appointment windows, locked technician and start, shifts from
	and back home (with `travel`, every leg's driving time too), lunch breaks, two-technician
	jobs on site together, jobs under way kept, and that each job is placed once or left out.
	"""
	problem = prepare(technicians, jobs, day, timezone, None)
	origin = problem.origin
	techs = {t.name: t for t in problem.techs}
	by_name = {j.name: j for j in problem.jobs}
	problems: list[str] = []

	def at(seconds: int):
		return origin + timedelta(seconds=seconds)

	seen: dict[str, list] = {}
	for name, route in plan.routes.items():
		tech = techs.get(name)
		if tech is None:
			problems.append(f"{name}: not a technician of the plan")
			continue
		points = [tech.home] + [s.location for s in route.jobs] + [tech.home]
		legs = None
		if travel is not None:
			m = travel.matrix(points)
			legs = [m[i][i + 1] for i in range(len(points) - 1)]
		prev_end = None
		k = 0
		lunches = [s for s in route.stops if s.kind == KIND_LUNCH]
		for stop in route.stops:
			if prev_end is not None and stop.start < prev_end - SLACK:
				problems.append(f"{name}: {stop.job} starts before the previous stop ends")
			if stop.kind == KIND_LUNCH:
				prev_end = stop.end
				continue
			job = by_name.get(stop.job)
			if job is None:
				problems.append(f"{name}: unknown job {stop.job}")
				continue
			seen.setdefault(job.name, []).append((name, stop))
			kept = job.status in UNDER_WAY
			if stop.kind == KIND_JOB and not kept:  # a job under way is a fact, not a decision
				for tag, level in job.skills.items():
					if tech.skills.get(tag, 0) < level:
						problems.append(f"{name}: lacks {tag} level {level} for {job.name}")
				if job.locked_tech and job.locked_tech != name:
					problems.append(f"{job.name}: locked to {job.locked_tech}, planned for {name}")
			elif stop.kind == KIND_ASSIST:
				for tag in job.skills:
					if tech.skills.get(tag, 0) < 1:
						problems.append(f"{name}: cannot assist on {job.name} (no {tag})")
			if not kept:
				if stop.start < at(job.early) - SLACK or stop.start > at(job.late) + SLACK:
					problems.append(f"{job.name}: starts {stop.start.isoformat()} outside its window")
				if stop.start < at(tech.start) - SLACK:
					problems.append(f"{job.name}: starts before {name}'s shift")
			if legs is not None and not kept:
				earliest = (prev_end if prev_end is not None else at(tech.start)) + timedelta(seconds=legs[k])
				if stop.start < earliest - SLACK:
					problems.append(f"{name}: cannot drive to {job.name} in time")
			k += 1
			prev_end = stop.end
		# a job under way that runs late is a fact; only planned work must end in time
		planned_work = any(not s.kept for s in route.jobs)
		late_home = route.return_home > at(tech.end) + SLACK
		if prev_end is not None and legs is not None:
			late_home = late_home or prev_end + timedelta(seconds=legs[-1]) > at(tech.end) + SLACK
		if late_home and planned_work:
			problems.append(f"{name}: home after the end of the shift")
		kept_end = max((s.end for s in route.jobs if s.kept), default=None)
		if tech.lunch and planned_work and not (kept_end and kept_end > at(tech.lunch[1])):
			e, latest, d = tech.lunch
			if len(lunches) != 1:
				problems.append(f"{name}: {len(lunches)} lunch breaks")
			elif lunches[0].start < at(e) - SLACK or lunches[0].start > at(latest) + SLACK:
				problems.append(f"{name}: lunch at {lunches[0].start.isoformat()} outside its window")
			elif (lunches[0].end - lunches[0].start).total_seconds() < d:
				problems.append(f"{name}: lunch too short")

	for job in problem.jobs:
		placed = seen.get(job.name, [])
		leads = [p for p in placed if p[1].kind == KIND_JOB]
		helpers = [p for p in placed if p[1].kind == KIND_ASSIST]
		if job.name in plan.unassigned:
			if placed:
				problems.append(f"{job.name}: both planned and unassigned")
			if job.status in UNDER_WAY:
				problems.append(f"{job.name}: under way but dropped")
			continue
		if len(leads) != 1:
			problems.append(f"{job.name}: placed {len(leads)} times")
			continue
		if job.status in UNDER_WAY:
			stop = leads[0][1]
			if leads[0][0] != job.locked_tech or not stop.kept:
				problems.append(f"{job.name}: under way but moved")
		if job.needs_assistant:
			if len(helpers) != 1:
				problems.append(f"{job.name}: needs two technicians, has {1 + len(helpers)}")
			elif helpers[0][0] == leads[0][0]:
				problems.append(f"{job.name}: lead and assistant are the same technician")
			elif abs((helpers[0][1].start - leads[0][1].start).total_seconds()) > 1:
				problems.append(f"{job.name}: the two technicians do not start together")
		elif helpers:
			problems.append(f"{job.name}: has an assistant it does not need")
	return problems
