"""plan_day: assign and sequence a day's jobs across technicians."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, Route, Solution, VehicleType

from gigafibre_fsm.dispatch.travel_time import GreatCircleTravel, TravelTimeProvider, distance_matrix

from . import engine
from .model import (
	KIND_ASSIST,
	KIND_JOB,
	KIND_LUNCH,
	REASONS,
	STATUS_IN_PROGRESS,
	UNDER_WAY,
	DayPlan,
	PlanJob,
	PlannedStop,
	PlanTechnician,
	TechnicianRoute,
	UnassignedJob,
)
from .prepare import Job, Problem, Tech, prepare

BIG = 10**9  # an edge no technician may take: far above any prize
PRIZE = {1: 30_000, 2: 100_000, 3: 400_000, 4: 1_600_000}  # seconds of driving worth a job
LUNCH_PRIZE = 100_000_000
LOAD_UNIT = 1000
FIRST_ROUND = 0.6  # share of the solver time before lunches are pinned where they fell


def _skills_text(skills: dict[str, int]) -> str:
	return ", ".join(f"{tag} ≥ {level}" for tag, level in sorted(skills.items())) or "-"


def can_lead(tech: Tech, job: Job) -> bool:
	"""Hard constraint: the lead technician holds every required tag at the required level."""
	if job.locked_tech and job.locked_tech != tech.name:
		return False
	return all(tech.skills.get(tag, 0) >= level for tag, level in job.skills.items())


def can_assist(tech: Tech, job: Job) -> bool:
	"""The second technician of a two-person job holds every required tag (any level)."""
	return all(tech.skills.get(tag, 0) >= 1 for tag in job.skills)


class _Planner:
	def __init__(self, problem: Problem, travel: TravelTimeProvider, expert_bias_s: int, now_s: int | None):
		self.p = problem
		self.T = len(problem.techs)
		points = [t.home for t in problem.techs] + [j.location for j in problem.jobs]
		self.D = np.asarray(travel.matrix(points), dtype=np.int64).reshape(len(points), len(points))
		dist = distance_matrix(travel, points)
		self.M = np.asarray(dist, dtype=np.int64).reshape(self.D.shape) if dist is not None else None
		self.expert_bias_s = expert_bias_s
		self.unassigned: dict[str, UnassignedJob] = {}
		# where and when each technician is free to start planned work
		self.start_loc: dict[int, int] = {}
		self.avail: dict[int, int] = {}
		for t in problem.techs:
			self.start_loc[t.index] = t.index
			self.avail[t.index] = max(t.start, now_s) if now_s is not None else t.start
			if t.under_way is not None:
				job = problem.jobs[t.under_way]
				if job.status != STATUS_IN_PROGRESS:  # en route from home (the only position known)
					job.fixed_start = self.avail[t.index] + int(self.D[t.index, self.loc(job)])
				self.start_loc[t.index] = self.loc(job)
				self.avail[t.index] = max(self.avail[t.index], job.fixed_start + job.duration)
			if t.lunch and self.avail[t.index] > t.lunch[1]:
				t.lunch = None  # the job under way (or `now`) runs past the lunch window: no break to plan
		self.now_s = now_s

	def loc(self, job: Job) -> int:
		return self.T + job.index

	def leave(self, job: Job, code: str, **params):
		self.unassigned[job.name] = UnassignedJob(job.name, code, REASONS[code], params)

	# -- before solving: what can never be done today
	def screen(self) -> list[Job]:
		plannable = []
		techs = self.p.techs
		for job in self.p.jobs:
			if job.status in UNDER_WAY:
				continue
			if job.locked_tech and job.locked_tech not in {t.name for t in techs}:
				self.leave(job, "locked_absent", technician=job.locked_tech)
				continue
			leads = [t for t in techs if can_lead(t, job)]
			if not leads:
				self.leave(job, "no_skill", skills=_skills_text(job.skills))
				continue
			if job.needs_assistant:
				helpers = [t for t in techs if can_assist(t, job)]
				if not any(h is not l for h in helpers for l in leads):
					self.leave(job, "no_assistant_skill", skills=", ".join(sorted(job.skills)) or "-")
					continue
			early = max(job.early, self.now_s) if self.now_s is not None else job.early
			if not any(self._reachable(t, job, early) for t in leads):
				self.leave(job, "out_of_reach")
				continue
			job.early = early
			plannable.append(job)
		return plannable

	def _reachable(self, t: Tech, job: Job, early: int) -> bool:
		arrive = self.avail[t.index] + int(self.D[self.start_loc[t.index], self.loc(job)])
		start = max(arrive, early)
		return start <= job.late and start + job.duration + int(self.D[self.loc(job), t.index]) <= t.end

	# -- the routing model
	def build(
		self,
		jobs: list[Job],
		lunch_at: dict[int, int] | None = None,
		pinned: dict[int, int] | None = None,
		with_lunch: bool = True,
	) -> tuple[ProblemData, list[tuple[str, int]]]:
		"""The PyVRP instance.

		Lunch is taken where the technician is; a matrix cannot know where that is, so each lunch
		is a visit to a spot, `lunch_at` (technician -> location index, home by default): the
		detour X -> spot -> Y is never shorter than X -> Y (an upper bound the solver cannot
		exploit) and exact when the spot is the stop before lunch, which is where the planner's
		second round puts it. Without `with_lunch`, shifts are shortened by the lunch instead.
		`pinned` (job -> start) fixes both visits of a two-technician job to one common start.
		"""
		pinned = pinned or {}
		T = self.T
		techs = self.p.techs
		n_base = T + len(self.p.jobs)
		items: list[tuple[str, int]] = []  # client index -> (kind, job index or technician index)
		for job in jobs:
			items.append((KIND_JOB, job.index))
		for job in jobs:
			if job.needs_assistant:
				items.append((KIND_ASSIST, job.index))
		for t in techs:
			if t.lunch and with_lunch:
				items.append((KIND_LUNCH, t.index))
		# locations: homes, jobs (as in the travel matrix), then one per assistant visit and lunch
		loc_of = []
		for kind, ref in items:
			loc_of.append(self.T + ref if kind == KIND_JOB else None)
		extra = [i for i, (kind, _) in enumerate(items) if kind != KIND_JOB]
		for k, i in enumerate(extra):
			loc_of[i] = n_base + k
		N = n_base + len(extra)
		lunch_at = lunch_at or {}
		base_src = list(range(n_base)) + [
			self.T + items[i][1]
			if items[i][0] == KIND_ASSIST
			else lunch_at.get(items[i][1], self.start_loc[items[i][1]])
			for i in extra
		]
		src = np.asarray(base_src)
		true = self.D[np.ix_(src, src)]
		dur = true.copy()
		lunch_locs = [loc_of[i] for i in extra if items[i][0] == KIND_LUNCH]
		for i in extra:
			kind, ref = items[i]
			l = loc_of[i]
			if kind == KIND_ASSIST:
				# the two visits of a pair may not be made by one technician back to back
				dur[l, self.T + ref] = dur[self.T + ref, l] = BIG
		dur[lunch_locs, :] = BIG
		dur[:, lunch_locs] = BIG
		np.fill_diagonal(dur, 0)

		use_load = any(t.max_jobs is not None for t in techs)
		clients = []
		for (kind, ref), l in zip(items, loc_of, strict=True):
			# one job weighs LOAD_UNIT so that PyVRP's bounded load penalty outweighs any prize
			load = ([0] if kind == KIND_LUNCH else [LOAD_UNIT]) if use_load else []
			if kind == KIND_LUNCH:
				e, late, d = techs[ref].lunch
				clients.append(
					Client(
						l,
						delivery=load,
						service_duration=d,
						tw_early=max(0, e),
						tw_late=max(0, late),
						prize=LUNCH_PRIZE,
						# required whenever the technician is free before its latest start (the
						# usual case): an optional lunch with a huge prize misleads the search
						required=self.avail[ref] <= late,
						name=f"lunch:{techs[ref].name}",
					)
				)
				continue
			job = self.p.jobs[ref]
			weight = PRIZE[job.priority]
			if job.locked_tech:
				weight = max(weight, PRIZE[3])
			clients.append(
				Client(
					l,
					delivery=load,
					service_duration=job.duration,
					tw_early=max(0, pinned.get(ref, job.early)),
					tw_late=max(0, pinned.get(ref, job.late)),
					prize=weight + job.duration,
					required=False,
					name=f"{kind}:{job.name}",
				)
			)

		# one routing profile per technician: the skills (and the lunch) are hard constraints,
		# expressed as edges no one else can take
		depots, vtypes, dists, durs = [], [], [], []
		locations = [Location(0, 0) for _ in range(N)]
		for t in techs:
			home_depot = len(depots)
			depots.append(Depot(t.index))
			start_depot = home_depot
			if self.start_loc[t.index] != t.index:
				start_depot = len(depots)
				depots.append(Depot(self.start_loc[t.index]))
			pdur = dur.copy()
			banned = []
			if t.lunch and with_lunch:
				# the technician's own lunch spot (see the docstring); finalise() times it exactly
				own = loc_of[items.index((KIND_LUNCH, t.index))]
				pdur[:, own] = true[:, own]
				pdur[own, :] = true[own, :]
				banned = [l for l in lunch_locs if l != own]
			bias = np.zeros(N, dtype=np.int64)
			for (kind, ref), l in zip(items, loc_of, strict=True):
				if kind == KIND_JOB:
					job = self.p.jobs[ref]
					if not can_lead(t, job):
						banned.append(l)
					elif self.expert_bias_s:
						# prefer the lowest adequate level: keep experts for the jobs that need them
						bias[l] = self.expert_bias_s * sum(t.skills[g] - v for g, v in job.skills.items())
				elif kind == KIND_ASSIST and not can_assist(t, self.p.jobs[ref]):
					banned.append(l)
			pdur[banned, :] = BIG
			pdur[:, banned] = BIG
			np.fill_diagonal(pdur, 0)
			pdist = pdur + bias[np.newaxis, :]
			np.fill_diagonal(pdist, 0)
			durs.append(pdur)
			dists.append(pdist)
			cap = [LOAD_UNIT * (t.max_jobs if t.max_jobs is not None else len(items))] if use_load else []
			vtypes.append(
				VehicleType(
					1,
					capacity=cap,
					start_depot=start_depot,
					end_depot=home_depot,
					tw_early=self.avail[t.index],
					# a technician whose day is over (re-planning late, a job running past the
					# shift) gets an empty window rather than an impossible one
					tw_late=max(
						self.avail[t.index], t.end - (t.lunch[2] if t.lunch and not with_lunch else 0)
					),
					profile=t.index,
					name=t.name,
				)
			)
		data = ProblemData(locations, clients, depots, vtypes, dists, durs)
		return data, items

	# -- after solving: exact times, pairs synchronised, lunch with real travel
	def simulate(self, t: Tech, route: list[tuple[str, int]], release: dict) -> dict:
		pos, clock = self.start_loc[t.index], self.avail[t.index]
		stops, late_at = [], None
		for k, (kind, ref) in enumerate(route):
			if kind == KIND_LUNCH:
				e, latest, d = t.lunch
				start = max(clock, e)
				stops.append((kind, ref, None, clock, start, start + d, 0))
				if start > latest and late_at is None:
					late_at = k
				clock = start + d
				continue
			job = self.p.jobs[ref]
			leg = int(self.D[pos, self.loc(job)])
			arrive = clock + leg
			start = max(arrive, job.early, release.get((kind, ref), 0))
			stops.append((kind, ref, pos, arrive, start, start + job.duration, leg))
			if start > job.late and late_at is None:
				late_at = k
			pos, clock = self.loc(job), start + job.duration
		home_leg = int(self.D[pos, t.index])
		back = clock + home_leg
		return {
			"stops": stops,
			"late_at": late_at,
			"overtime": back > t.end,
			"back": back,
			"home_leg": home_leg,
		}

	def routes_of(self, solution, items) -> dict[int, list[tuple[str, int]]]:
		return {
			r.vehicle_type(): [items[a.idx] for a in r.schedule() if a.is_client()] for r in solution.routes()
		}

	def pair_starts(self, routes: dict[int, list[tuple[str, int]]]) -> dict[int, int]:
		"""Common starts of the two-technician jobs that two different technicians can start together."""
		techs = self.p.techs
		where = {}
		for ti, route in routes.items():
			for kind, ref in route:
				if kind != KIND_LUNCH:
					where[(kind, ref)] = ti
		release: dict = {}
		starts: dict = {}
		for _sync in range(40):
			starts = {}
			for ti, r in routes.items():
				for kind, ref, *rest in self.simulate(techs[ti], r, release)["stops"]:
					starts[(kind, ref)] = rest[2]
			moved = False
			for (kind, ref), st in starts.items():
				if kind == KIND_ASSIST and (KIND_JOB, ref) in starts and starts[(KIND_JOB, ref)] != st:
					release[(KIND_JOB, ref)] = release[(KIND_ASSIST, ref)] = max(st, starts[(KIND_JOB, ref)])
					moved = True
			if not moved:
				break
		return {
			ref: st
			for (kind, ref), st in starts.items()
			if kind == KIND_ASSIST
			and starts.get((KIND_JOB, ref)) == st
			and where.get((KIND_JOB, ref)) != where.get((KIND_ASSIST, ref))
			and self.p.jobs[ref].early <= st <= self.p.jobs[ref].late
		}

	def _cost(self, sim) -> tuple:
		late = 0 if sim["late_at"] is None else 1
		return (late + (1 if sim["overtime"] else 0), sum(s[6] for s in sim["stops"]) + sim["home_leg"])

	def ensure_lunch(self, routes: dict[int, list[tuple[str, int]]]):
		"""Every technician with work gets a lunch break, at its best place in the route."""
		for ti, route in routes.items():
			t = self.p.techs[ti]
			if not t.lunch or any(k == KIND_LUNCH for k, _ in route) or not route:
				continue
			routes[ti] = self._with_lunch(t, route, {})

	def _with_lunch(self, t: Tech, route: list[tuple[str, int]], release: dict) -> list[tuple[str, int]]:
		"""`route` with the technician's lunch at the place that keeps it on time with least driving."""
		best = None
		for pos in range(len(route) + 1):
			trial = [*route[:pos], (KIND_LUNCH, t.index), *route[pos:]]
			cost = self._cost(self.simulate(t, trial, release))
			if best is None or cost < best[0]:
				best = (cost, trial)
		return best[1]

	def reinsert(self, routes: dict[int, list[tuple[str, int]]], sims: dict[int, dict]) -> dict[int, dict]:
		"""Put left-out one-person jobs back where they fit exactly, most important first."""
		techs = self.p.techs
		release = {}
		for sim in sims.values():
			for kind, ref, _frm, _arr, start, _end, _leg in sim["stops"]:
				if self.p.jobs[ref].needs_assistant if kind != KIND_LUNCH else False:
					release[(kind, ref)] = start
		counts = {ti: sum(1 for k, _ in r if k != KIND_LUNCH) for ti, r in routes.items()}
		candidates = [
			j
			for j in self.p.jobs
			if j.name in self.unassigned
			and self.unassigned[j.name].code in ("capacity", "repair")
			and not j.needs_assistant
		]
		candidates.sort(key=lambda j: (-j.priority, j.late))
		for job in candidates:
			best = None
			for t in techs:
				if not can_lead(t, job):
					continue
				if t.max_jobs is not None and counts.get(t.index, 0) >= t.max_jobs:
					continue
				route = routes.get(t.index, [])
				base = sims.get(t.index)
				base_travel = self._cost(base)[1] if base else int(self.D[self.start_loc[t.index], t.index])
				for pos in range(len(route) + 1):
					trial = [*route[:pos], (KIND_JOB, job.index), *route[pos:]]
					if t.lunch and not any(k == KIND_LUNCH for k, _ in trial):
						trial = self._with_lunch(t, trial, release)
					sim = self.simulate(t, trial, release)
					if sim["late_at"] is not None or sim["overtime"]:
						continue
					if any(s[4] != release[(s[0], s[1])] for s in sim["stops"] if (s[0], s[1]) in release):
						continue  # would move a two-technician job off its common start
					extra = self._cost(sim)[1] - base_travel
					if best is None or extra < best[0]:
						best = (extra, t.index, trial, sim)
			if best is not None:
				_, ti, trial, sim = best
				routes[ti] = trial
				sims[ti] = sim
				counts[ti] = counts.get(ti, 0) + 1
				del self.unassigned[job.name]
		self._reinsert_pairs(routes, sims, release, counts)
		return sims

	def _placements(self, t: Tech, route, item, release):
		"""(trial route, simulation) for every position of `item` in `route` that is on time."""
		for pos in range(len(route) + 1):
			trial = [*route[:pos], item, *route[pos:]]
			if t.lunch and not any(k == KIND_LUNCH for k, _ in trial):
				trial = self._with_lunch(t, trial, release)
			sim = self.simulate(t, trial, release)
			if sim["late_at"] is None and not sim["overtime"]:
				yield trial, sim

	def _reinsert_pairs(self, routes, sims, release, counts, width: int = 6):
		"""Put left-out two-technician jobs back: a lead and a helper among the `width` nearest
		who can both start at one common time without moving anything already synchronised."""
		techs = self.p.techs
		candidates = [
			j
			for j in self.p.jobs
			if j.needs_assistant
			and j.name in self.unassigned
			and self.unassigned[j.name].code in ("capacity", "repair", "no_assistant")
		]
		candidates.sort(key=lambda j: (-j.priority, j.late))

		def travel(ti):
			sim = sims.get(ti)
			return self._cost(sim)[1] if sim else int(self.D[self.start_loc[ti], ti])

		def room(t):
			return t.max_jobs is None or counts.get(t.index, 0) < t.max_jobs

		def nearest(pool, job):
			return sorted(pool, key=lambda t: self.D[self.start_loc[t.index], self.loc(job)])[:width]

		for job in candidates:
			key_j, key_a = (KIND_JOB, job.index), (KIND_ASSIST, job.index)
			leads = nearest([t for t in techs if can_lead(t, job) and room(t)], job)
			helpers = nearest([t for t in techs if can_assist(t, job) and room(t)], job)
			best = None
			for lead in leads:
				lead_options = list(self._placements(lead, routes.get(lead.index, []), key_j, release))
				for helper in helpers:
					if helper is lead:
						continue
					helper_options = list(
						self._placements(helper, routes.get(helper.index, []), key_a, release)
					)
					base = travel(lead.index) + travel(helper.index)
					for trial_l, sim_l in lead_options:
						start_l = next(s[4] for s in sim_l["stops"] if (s[0], s[1]) == key_j)
						for trial_h, sim_h in helper_options:
							start_h = next(s[4] for s in sim_h["stops"] if (s[0], s[1]) == key_a)
							both = dict(release)
							both[key_j] = both[key_a] = max(start_l, start_h)
							sl = self.simulate(lead, trial_l, both)
							sh = self.simulate(helper, trial_h, both)
							if any(x["late_at"] is not None or x["overtime"] for x in (sl, sh)):
								continue
							if any(
								st[4] != both[(st[0], st[1])]
								for x in (sl, sh)
								for st in x["stops"]
								if (st[0], st[1]) in both
							):
								continue  # off the common start, or moves another pair
							extra = self._cost(sl)[1] + self._cost(sh)[1] - base
							if best is None or extra < best[0]:
								best = (
									extra,
									lead.index,
									trial_l,
									sl,
									helper.index,
									trial_h,
									sh,
									both[key_j],
								)
			if best is not None:
				_, li, trial_l, sl, hi, trial_h, sh, start = best
				routes[li], sims[li], routes[hi], sims[hi] = trial_l, sl, trial_h, sh
				release[key_j] = release[key_a] = start
				counts[li] = counts.get(li, 0) + 1
				counts[hi] = counts.get(hi, 0) + 1
				del self.unassigned[job.name]

	def finalise(self, routes: dict[int, list[tuple[str, int]]]) -> dict[int, dict]:
		techs = self.p.techs
		for ti, route in routes.items():
			cap = techs[ti].max_jobs
			leads = [r for k, r in route if k != KIND_LUNCH]
			if cap is not None and len(leads) > cap:
				# the least important first, then the latest in the day
				extra = sorted(reversed(leads), key=lambda r: self.p.jobs[r].priority)[: len(leads) - cap]
				for r in extra:
					self.leave(self.p.jobs[r], "max_jobs")
				for tj in routes:
					routes[tj] = [(k, r) for k, r in routes[tj] if k == KIND_LUNCH or r not in extra]
		self.ensure_lunch(routes)
		for _round in range(len(self.p.jobs) + 5):
			release: dict = {}
			for _sync in range(40):
				sims = {ti: self.simulate(techs[ti], r, release) for ti, r in routes.items()}
				starts = {}
				for sim in sims.values():
					for kind, ref, *_rest in sim["stops"]:
						starts[(kind, ref)] = _rest[2]
				moved = False
				for (kind, ref), s in starts.items():
					if kind == KIND_ASSIST:
						lead = starts[(KIND_JOB, ref)]
						if lead != s:
							release[(KIND_JOB, ref)] = release[(KIND_ASSIST, ref)] = max(lead, s)
							moved = True
				if not moved:
					break
			victims = set()
			for ti, sim in sims.items():
				route = routes[ti]
				if sim["late_at"] is not None and route[sim["late_at"]][0] != KIND_LUNCH:
					victims.add(route[sim["late_at"]][1])
				elif sim["late_at"] is not None or sim["overtime"]:
					jobs_here = [ref for kind, ref in route if kind != KIND_LUNCH]
					if jobs_here:
						# the least important job, the latest of them in the day
						victims.add(min(reversed(jobs_here), key=lambda r: self.p.jobs[r].priority))
			if moved and not victims:
				# pairs that could not be brought together: give up the most distant one
				gaps = [
					(abs(starts[(KIND_JOB, ref)] - starts[(KIND_ASSIST, ref)]), ref)
					for (kind, ref) in starts
					if kind == KIND_ASSIST
				]
				victims.add(max(gaps)[1])
				for v in victims:
					self.leave(self.p.jobs[v], "no_assistant")
			elif not victims:
				return sims
			else:
				for v in victims:
					self.leave(self.p.jobs[v], "repair")
			for ti in routes:
				routes[ti] = [(k, r) for k, r in routes[ti] if k == KIND_LUNCH or r not in victims]
		return sims  # pragma: no cover - bounded by the number of jobs

	def to_plan(self, routes, sims, solve_seconds) -> DayPlan:
		origin = self.p.origin
		out: dict[str, TechnicianRoute] = {}
		for t in self.p.techs:
			tz = t.tz

			def at(s: int, tz=tz) -> datetime:
				return (origin + timedelta(seconds=int(s))).astimezone(tz)

			stops: list[PlannedStop] = []
			travel_s = travel_m = 0
			depart = self.avail[t.index]
			if t.under_way is not None:
				job = self.p.jobs[t.under_way]
				leg = 0
				if job.status != STATUS_IN_PROGRESS:
					leg = int(self.D[t.index, self.loc(job)])
				metres = int(self.M[t.index, self.loc(job)]) if self.M is not None and leg else 0
				stops.append(
					PlannedStop(
						job.name,
						KIND_JOB,
						job.location,
						at(job.fixed_start),
						at(job.fixed_start),
						at(job.fixed_start + job.duration),
						leg,
						metres,
						0,
						kept=True,
					)
				)
				travel_s += leg
				travel_m += metres
				depart = job.fixed_start - leg
			sim = sims.get(t.index)
			if sim is None:
				if not stops:
					continue
				back_leg = int(self.D[self.start_loc[t.index], t.index])
				sim = {"stops": [], "back": self.avail[t.index] + back_leg, "home_leg": back_leg}
			first_job = True
			for kind, ref, frm, arrive, start, end, leg in sim["stops"]:
				if kind == KIND_LUNCH:
					stops.append(
						PlannedStop("lunch", KIND_LUNCH, None, at(start), at(start), at(end), 0, 0, 0)
					)
					continue
				job = self.p.jobs[ref]
				metres = int(self.M[frm, self.loc(job)]) if self.M is not None else 0
				wait = start - arrive
				if first_job and not stops and t.under_way is None:
					# leave home just in time rather than wait on the doorstep
					depart, arrive, wait = depart + wait, start, 0
				first_job = False
				stops.append(
					PlannedStop(
						job.name, kind, job.location, at(arrive), at(start), at(end), leg, metres, wait
					)
				)
				travel_s += leg
				travel_m += metres
			if not any(s.kind != KIND_LUNCH for s in stops):
				continue  # a technician with nothing to do stays home (no route)
			last = [s for s in sim["stops"] if s[0] != KIND_LUNCH]
			last_loc = self.loc(self.p.jobs[last[-1][1]]) if last else self.start_loc[t.index]
			travel_s += sim["home_leg"]
			travel_m += int(self.M[last_loc, t.index]) if self.M is not None else 0
			out[t.name] = TechnicianRoute(t.name, at(depart), at(sim["back"]), stops, travel_s, travel_m)
		return DayPlan(out, self.unassigned, engine.SOLVER_NAME, solve_seconds)


def plan_day(
	technicians: list[PlanTechnician],
	jobs: list[PlanJob],
	travel: TravelTimeProvider | None = None,
	time_limit_s: float = 5.0,
	seed: int = 1,
	*,
	day: date | None = None,
	timezone: str = "America/Toronto",
	now: datetime | None = None,
	expert_bias_s: int = 30,
) -> DayPlan:
	"""Assign and sequence a day's jobs across technicians.

	Skills (tag and level), shifts from and back to each home base, appointment windows,
	locked technician or start time, lunch breaks and two-technician jobs are hard
	constraints; priorities decide which jobs are left out when the day is full. Jobs en route
	or in progress stay as they are, first on their technician's route. Times given as
	minutes are minutes after midnight of `day` in `timezone`; `now` (re-planning) keeps
	planned work from starting earlier.

	Raises InvalidInput on input that can never be planned (before solving); a job nobody can
	do today is returned in `unassigned` with its reason.
	"""
	problem = prepare(technicians, jobs, day, timezone, now)
	now_s = round((now - problem.origin).total_seconds()) if now is not None else None
	planner = _Planner(problem, travel or GreatCircleTravel(), expert_bias_s, now_s)
	plannable = planner.screen()
	routes: dict[int, list[tuple[str, int]]] = {}
	spent = 0.0
	if plannable and problem.techs:
		started = time.perf_counter()
		# first round: no lunch (shifts shortened by it instead), which no matrix could price right
		data, items = planner.build(plannable, with_lunch=False)
		solution, _spent = engine.solve(data, time_limit_s * FIRST_ROUND, seed)
		if any(t.lunch for t in problem.techs) or any(k == KIND_ASSIST for k, _ in items):
			# second round: each lunch at the stop where it fits best in the first round's
			# route, which makes the drive after it exact; each two-technician job pinned to the
			# common start the first round allows; warm-started from the first round's routes
			first = planner.routes_of(solution, items)
			lunch_at, with_lunch = {}, {}
			for t in problem.techs:
				route = first.get(t.index, [])
				if t.lunch:
					route = planner._with_lunch(t, route, {})
					k = route.index((KIND_LUNCH, t.index))
					lunch_at[t.index] = planner.T + route[k - 1][1] if k else planner.start_loc[t.index]
				with_lunch[t.index] = route
			pinned = planner.pair_starts(with_lunch)
			data, items = planner.build(plannable, lunch_at, pinned)
			client = {item: i for i, item in enumerate(items)}
			warm = Solution(
				data, [Route(data, [client[x] for x in r], ti) for ti, r in with_lunch.items() if r]
			)
			remaining = time_limit_s - (time.perf_counter() - started)
			solution, _spent = engine.solve(data, max(0.05, remaining), seed, warm)
		spent = time.perf_counter() - started
		served = set()
		for route in solution.routes():
			visits = [items[a.idx] for a in route.schedule() if a.is_client()]
			routes[route.vehicle_type()] = visits
			served.update((k, r) for k, r in visits if k != KIND_LUNCH)
		by_tech = {}
		for ti, visits in routes.items():
			for k, r in visits:
				by_tech.setdefault(r, {})[k] = ti
		for job in plannable:
			placed = by_tech.get(job.index, {})
			if KIND_JOB not in placed:
				planner.leave(job, "capacity")
			elif job.needs_assistant and (
				KIND_ASSIST not in placed or placed[KIND_ASSIST] == placed[KIND_JOB]
			):
				planner.leave(job, "no_assistant")
		# assistant visits left without their lead (or the other way round) go too
		for ti in routes:
			routes[ti] = [
				(k, r)
				for k, r in routes[ti]
				if k == KIND_LUNCH or problem.jobs[r].name not in planner.unassigned
			]
	sims = planner.finalise(routes) if routes else {}
	sims = planner.reinsert(routes, sims)
	return planner.to_plan(routes, sims, spent)
