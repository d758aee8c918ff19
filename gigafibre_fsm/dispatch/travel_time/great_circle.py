"""The default provider: needs nothing but coordinates."""

from __future__ import annotations

import math
from collections.abc import Sequence

from gigafibre_fsm.errors import InvalidInput, _

from .protocol import Point

EARTH_RADIUS_M = 6_371_008.8


def great_circle_m(a: Point, b: Point) -> float:
	"""Haversine distance in metres between two (lat, lon) points."""
	lat1, lon1 = math.radians(a[0]), math.radians(a[1])
	lat2, lon2 = math.radians(b[0]), math.radians(b[1])
	h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
	return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


class GreatCircleTravel:
	"""Great-circle distance times a road factor, driven at a constant speed.

	Roads are never straight: 1.3 is the usual detour factor for a street network, and
	40 km/h an average urban/suburban speed including lights. Good enough to order a day's
	visits; a road-network provider (OSRM, Mapbox) gives better ETAs on highways and bridges.
	"""

	def __init__(self, road_factor: float = 1.3, speed_kmh: float = 40.0):
		if road_factor < 1.0:
			raise InvalidInput(_("The road factor must be at least 1 (got {value})"), value=road_factor)
		if speed_kmh <= 0:
			raise InvalidInput(_("The speed must be positive (got {value} km/h)"), value=speed_kmh)
		self.road_factor = road_factor
		self.speed_kmh = speed_kmh

	def distances(self, points: Sequence[Point]) -> list[list[int]]:
		"""Estimated road metres between every pair of points."""
		n = len(points)
		out = [[0] * n for _ in range(n)]
		for i in range(n):
			for j in range(i + 1, n):
				d = round(great_circle_m(points[i], points[j]) * self.road_factor)
				out[i][j] = out[j][i] = d
		return out

	def matrix(self, points: Sequence[Point]) -> list[list[int]]:
		"""Driving seconds between every pair of points."""
		metres_per_s = self.speed_kmh / 3.6
		return [[round(d / metres_per_s) for d in row] for row in self.distances(points)]
