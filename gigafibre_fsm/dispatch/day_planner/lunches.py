"""Lunch breaks: whether a technician still has one to take, where it goes in a route, and the
spot the second round's model prices it at.

A lunch is taken wherever the technician is; no matrix can know where that is. Round 1 has no
lunch (shifts shortened by it); round 2 gets a lunch visit at a spot, the stop before the place
where the lunch fits best in round 1's route, which makes the drive after it exact (see
`routing.build`). `repair.finalise` then times it exactly.
"""

from __future__ import annotations

from . import windows
from .context import Visit
from .model import KIND_LUNCH
from .objective import route_cost
from .prepare import Tech


def drop_past_lunches(techs: list[Tech], avail: dict[int, int]) -> None:
	"""No break to plan when the job under way (or `now`) runs past the lunch window."""
	for t in techs:
		if t.lunch and avail[t.index] > t.lunch[1]:
			t.lunch = None


def has_lunch(route: list[Visit]) -> bool:
	"""Whether the route already holds its technician's lunch."""
	return any(k == KIND_LUNCH for k, _ in route)


def with_lunch(ctx, t: Tech, route: list[Visit], release: dict) -> list[Visit]:
	"""`route` with the technician's lunch at the place that keeps it on time with least driving."""
	best = None
	for pos in range(len(route) + 1):
		trial = [*route[:pos], (KIND_LUNCH, t.index), *route[pos:]]
		cost = route_cost(windows.simulate(ctx, t, trial, release))
		if best is None or cost < best[0]:
			best = (cost, trial)
	return best[1]


def ensure_lunch(ctx, routes: dict[int, list[Visit]]) -> None:
	"""Every technician with work gets a lunch break, at its best place in the route."""
	for ti, route in routes.items():
		t = ctx.techs[ti]
		if not t.lunch or has_lunch(route) or not route:
			continue
		routes[ti] = with_lunch(ctx, t, route, {})


def lunch_spots(ctx, first: dict[int, list[Visit]]) -> tuple[dict[int, int], dict[int, list[Visit]]]:
	"""(technician -> lunch spot, technician -> route with its lunch) from round 1's routes.

	The spot is the location of the stop before the lunch's best place (where the technician is
	free when there is none).
	"""
	lunch_at, routes = {}, {}
	for t in ctx.techs:
		route = first.get(t.index, [])
		if t.lunch:
			route = with_lunch(ctx, t, route, {})
			k = route.index((KIND_LUNCH, t.index))
			lunch_at[t.index] = ctx.T + route[k - 1][1] if k else ctx.start_loc[t.index]
		routes[t.index] = route
	return lunch_at, routes


def required(ctx, t: Tech) -> bool:
	"""Whether the lunch visit must be made: whenever the technician is free before its latest
	start (the usual case); an optional lunch with a huge prize misleads the search."""
	return ctx.avail[t.index] <= t.lunch[1]
