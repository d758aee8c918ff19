"""Road-network providers: an OSRM server or Mapbox's Directions Matrix API."""

from __future__ import annotations

from collections.abc import Sequence

import requests

from gigafibre_fsm.errors import ExternalServiceError, _

from ._table import assemble
from .protocol import Point


def _coords(points: Sequence[Point]) -> str:
	# Both services take longitude first.
	return ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)


class _TableService:
	service = _("routing service")
	max_coordinates = 100

	def __init__(self, timeout: float):
		self.timeout = timeout
		self._cache: dict[tuple, tuple[list[list[int]], list[list[int]]]] = {}

	def _url(self, coordinates: str) -> str:  # pragma: no cover - overridden
		raise NotImplementedError

	def _params(self, sources: list[int], destinations: list[int], everything: bool) -> dict:
		params = {"annotations": "duration,distance"}
		if not everything:
			params["sources"] = ";".join(map(str, sources))
			params["destinations"] = ";".join(map(str, destinations))
		return params

	def _fetch(self, coords: list[Point], sources: list[int], destinations: list[int]):
		everything = len(sources) == len(destinations) == len(coords)
		url = self._url(_coords(coords))
		try:
			response = requests.get(
				url, params=self._params(sources, destinations, everything), timeout=self.timeout
			)
		except requests.RequestException as e:
			raise ExternalServiceError(
				_("The {service} could not be reached: {error}"), service=self.service, error=str(e)
			)
		try:
			body = response.json()
		except ValueError:
			body = {}
		if response.status_code != 200 or body.get("code") != "Ok":
			raise ExternalServiceError(
				_("The {service} refused the travel-time request (HTTP {status}, {code}: {detail})"),
				service=self.service,
				status=response.status_code,
				code=body.get("code", "?"),
				detail=body.get("message", response.text[:200]),
			)
		durations = body.get("durations")
		if not isinstance(durations, list) or len(durations) != len(sources):
			raise ExternalServiceError(
				_("The {service} answered without a duration table"), service=self.service
			)
		out = []
		for a, row in enumerate(durations):
			if len(row) != len(destinations):
				raise ExternalServiceError(
					_("The {service} answered without a duration table"), service=self.service
				)
			for b, value in enumerate(row):
				if value is None:
					raise ExternalServiceError(
						_("The {service} found no road between {origin} and {destination}"),
						service=self.service,
						origin=coords[sources[a]],
						destination=coords[destinations[b]],
					)
			out.append([round(v) for v in row])
		distances = body.get("distances")
		if isinstance(distances, list) and len(distances) == len(sources):
			distances = [[round(v or 0) for v in row] for row in distances]
		else:
			distances = None
		return out, distances

	def _tables(self, points: Sequence[Point]):
		key = tuple((round(lat, 6), round(lon, 6)) for lat, lon in points)
		if key not in self._cache:
			self._cache = {key: assemble(list(points), self.max_coordinates, self._fetch)}
		return self._cache[key]

	def matrix(self, points: Sequence[Point]) -> list[list[int]]:
		"""Driving seconds between every pair of points, from the service."""
		return self._tables(points)[0]

	def distances(self, points: Sequence[Point]) -> list[list[int]]:
		"""Driving metres between every pair of points, from the service (same calls, cached)."""
		return self._tables(points)[1]


class OsrmTravel(_TableService):
	"""An OSRM server's `table` service (`/table/v1/driving/...`).

	OSRM limits a table to `--max-table-size` coordinates (100 by default); bigger matrices
	are fetched in blocks with `sources`/`destinations`.
	"""

	service = _("OSRM server")

	def __init__(
		self, base_url: str, timeout: float = 30.0, profile: str = "driving", max_coordinates: int = 100
	):
		super().__init__(timeout)
		self.base_url = base_url.rstrip("/")
		self.profile = profile
		self.max_coordinates = max_coordinates

	def _url(self, coordinates: str) -> str:
		return f"{self.base_url}/table/v1/{self.profile}/{coordinates}"


class MapboxTravel(_TableService):
	"""Mapbox's Directions Matrix API (`/directions-matrix/v1/mapbox/driving/...`).

	The API takes at most 25 coordinates per request (10 for `driving-traffic`): bigger
	matrices are fetched in blocks.
	"""

	service = _("Mapbox Matrix API")

	def __init__(
		self,
		token: str,
		base_url: str = "https://api.mapbox.com",
		timeout: float = 30.0,
		profile: str = "mapbox/driving",
	):
		super().__init__(timeout)
		self.token = token
		self.base_url = base_url.rstrip("/")
		self.profile = profile
		self.max_coordinates = 10 if profile.endswith("driving-traffic") else 25

	def _url(self, coordinates: str) -> str:
		return f"{self.base_url}/directions-matrix/v1/{self.profile}/{coordinates}"

	def _params(self, sources, destinations, everything):
		params = super()._params(sources, destinations, everything)
		params["access_token"] = self.token
		return params
