"""The engine's fleet-first solve on a tiny instance whose smallest fleet is known."""

import numpy as np
import pyvrp

from gigafibre_fsm.dispatch.day_planner import engine


def tiny(vehicles=6):
	# a depot and six clients of demand 5 on a line; capacity 10: at least three vehicles
	xs = [0, 10, 11, 20, 21, 30, 31]
	d = np.array([[abs(a - b) for b in xs] for a in xs], dtype=np.int64)
	clients = [pyvrp.Client(location=i, delivery=[5], tw_early=0, tw_late=1000) for i in range(1, 7)]
	vt = pyvrp.VehicleType(num_available=vehicles, capacity=[10], tw_early=0, tw_late=1000)
	locations = [pyvrp.Location(x, 0) for x in xs]
	return pyvrp.ProblemData(locations, clients, [pyvrp.Depot(0)], [vt], [d], [d])


def test_vehicle_fixed_cost_is_every_client_on_a_round_trip():
	assert engine.vehicle_fixed_cost(tiny()) == 2 * (10 + 11 + 20 + 21 + 30 + 31)


def test_solve_vrptw_finds_the_smallest_fleet_then_the_shortest_routes():
	solution, seconds = engine.solve_vrptw(tiny(), time_limit_s=0.3, seed=1)
	assert solution.is_feasible()
	assert solution.num_routes() == 3
	assert solution.distance() == 2 * (11 + 21 + 31)  # pairs of neighbours, out and back
	assert seconds < 2
