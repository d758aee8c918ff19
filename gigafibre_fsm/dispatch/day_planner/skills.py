"""Skills: who may lead or assist on a job, which jobs nobody can do today, and the routing
profile's bans and bias that make skills a hard constraint for the solver."""

from __future__ import annotations

import numpy as np

from . import windows
from .model import KIND_ASSIST, KIND_JOB, UNDER_WAY
from .prepare import Job, Tech


def skills_text(skills: dict[str, int]) -> str:
	"""The required skills as a reason's parameter: "fibre_splicing ≥ 5, ont_install ≥ 2"."""
	return ", ".join(f"{tag} ≥ {level}" for tag, level in sorted(skills.items())) or "-"


def can_lead(tech: Tech, job: Job) -> bool:
	"""Hard constraint: the lead technician holds every required tag at the required level."""
	if job.locked_tech and job.locked_tech != tech.name:
		return False
	return all(tech.skills.get(tag, 0) >= level for tag, level in job.skills.items())


def can_assist(tech: Tech, job: Job) -> bool:
	"""The second technician of a two-person job holds every required tag (any level)."""
	return all(tech.skills.get(tag, 0) >= 1 for tag in job.skills)


def screen(ctx) -> list[Job]:
	"""The jobs worth giving the solver; the others are left out with their reason.

	Locked to someone absent, nobody skilled (or no second technician who can assist), or no
	skilled technician who can reach it in its window and be home in time. A plannable job's
	earliest start is moved to `now` when re-planning.
	"""
	plannable = []
	techs = ctx.techs
	names = {t.name for t in techs}
	for job in ctx.jobs:
		if job.status in UNDER_WAY:
			continue
		if job.locked_tech and job.locked_tech not in names:
			ctx.leave(job, "locked_absent", technician=job.locked_tech)
			continue
		leads = [t for t in techs if can_lead(t, job)]
		if not leads:
			ctx.leave(job, "no_skill", skills=skills_text(job.skills))
			continue
		if job.needs_assistant:
			helpers = [t for t in techs if can_assist(t, job)]
			if not any(h is not l for h in helpers for l in leads):
				ctx.leave(job, "no_assistant_skill", skills=", ".join(sorted(job.skills)) or "-")
				continue
		early = windows.earliest_start(job, ctx.now_s)
		if not any(windows.reachable(ctx, t, job, early) for t in leads):
			ctx.leave(job, "out_of_reach")
			continue
		job.early = early
		plannable.append(job)
	return plannable


def profile(
	t: Tech, jobs: list[Job], items: list[tuple[str, int]], loc_of: list[int], n: int, expert_bias_s: int
) -> tuple[list[int], np.ndarray]:
	"""(locations `t` may never visit, cost added on the way into each location) for `t`'s profile.

	Banned: jobs `t` may not lead, assistant visits `t` may not make. The bias prefers the lowest
	adequate level: `expert_bias_s` per level above the requirement, to keep experts free.
	"""
	banned = []
	bias = np.zeros(n, dtype=np.int64)
	for (kind, ref), l in zip(items, loc_of, strict=True):
		if kind == KIND_JOB:
			job = jobs[ref]
			if not can_lead(t, job):
				banned.append(l)
			elif expert_bias_s:
				bias[l] = expert_bias_s * sum(t.skills[g] - v for g, v in job.skills.items())
		elif kind == KIND_ASSIST and not can_assist(t, jobs[ref]):
			banned.append(l)
	return banned, bias
