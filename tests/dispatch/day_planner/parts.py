"""Small exact days for the tests of each part of the planner: points on a line, 10 minutes of
driving per step, so every expected time can be worked out by hand."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from gigafibre_fsm.dispatch.day_planner import PlanJob, PlanTechnician
from gigafibre_fsm.dispatch.day_planner.context import PlanContext
from gigafibre_fsm.dispatch.day_planner.prepare import prepare

DAY = date(2025, 6, 10)
TZ = ZoneInfo("America/Toronto")
STEP = 600  # seconds of driving between neighbouring points


def at(h, m=0):
	return datetime(2025, 6, 10, h, m, tzinfo=TZ)


def P(x: int) -> tuple[float, float]:
	"""The point `x` steps east of the origin."""
	return (45.5, -73.6 + 0.01 * x)


class LineTravel:
	"""Driving time = STEP per 0.01° of longitude (a test double of a travel-time provider)."""

	def matrix(self, points):
		return [[round(abs(a[1] - b[1]) * 100) * STEP for b in points] for a in points]


def tech(name, x=0, start=8, end=17, skills=None, **kw):
	return PlanTechnician(name, P(x), at(start), at(end), skills or {}, **kw)


def job(name, x, minutes=30, early=8, late=16, skills=None, **kw):
	return PlanJob(name, P(x), minutes, at(early), at(late), skills or {}, **kw)


def context(techs, jobs, now=None) -> PlanContext:
	problem = prepare(techs, jobs, DAY, "America/Toronto", now)
	now_s = round((now - problem.origin).total_seconds()) if now is not None else None
	return PlanContext.of(problem, LineTravel(), now_s)


def hours(h, m=0) -> int:
	"""Seconds after 8:00 (the origin of these days: the earliest shift start)."""
	return (h - 8) * 3600 + m * 60
