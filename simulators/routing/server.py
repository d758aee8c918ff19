"""An HTTP server on 127.0.0.1 that speaks OSRM's `table` or Mapbox's matrix protocol."""

from __future__ import annotations

import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit


def _metres(a, b):
	lat1, lon1, lat2, lon2 = map(math.radians, (a[1], a[0], b[1], b[0]))
	h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
	return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h))) * 1.4


class RoutingDouble:
	"""`with RoutingDouble("osrm") as double: OsrmTravel(double.base_url)`.

	flavour: "osrm" or "mapbox". `max_coordinates` mimics the service's limit (OSRM's
	`--max-table-size`, Mapbox's 25). Set `fail_with = (status, code)` to make it refuse,
	`unreachable = {index}` to answer null for a coordinate's row and column.
	"""

	def __init__(self, flavour: str = "osrm", max_coordinates: int | None = None, token: str = "pk.test"):
		assert flavour in ("osrm", "mapbox")
		self.flavour = flavour
		self.max_coordinates = max_coordinates or (100 if flavour == "osrm" else 25)
		self.token = token
		self.requests: list[dict] = []
		self.fail_with: tuple[int, str] | None = None
		self.unreachable: set[int] = set()
		self.speed_ms = 50 / 3.6

	# -- server lifecycle
	def __enter__(self):
		double = self

		class Handler(BaseHTTPRequestHandler):
			def log_message(self, *args):
				pass

			def do_GET(self):
				status, body = double._answer(self.path)
				payload = json.dumps(body).encode()
				self.send_response(status)
				self.send_header("Content-Type", "application/json")
				self.send_header("Content-Length", str(len(payload)))
				self.end_headers()
				self.wfile.write(payload)

		self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
		self._thread.start()
		return self

	def __exit__(self, *exc):
		self._server.shutdown()
		self._server.server_close()
		self._thread.join(5)

	@property
	def base_url(self) -> str:
		return f"http://127.0.0.1:{self._server.server_address[1]}"

	# -- protocol
	def _error(self, status, code, message):
		return status, {"code": code, "message": message}

	def _answer(self, raw_path: str):
		url = urlsplit(raw_path)
		query = {k: v[-1] for k, v in parse_qs(url.query).items()}
		prefix = "/table/v1/driving/" if self.flavour == "osrm" else "/directions-matrix/v1/mapbox/driving/"
		path = unquote(url.path)
		self.requests.append({"path": path, "query": query})
		if self.fail_with:
			return self._error(self.fail_with[0], self.fail_with[1], "Simulated failure")
		if self.flavour == "mapbox" and query.get("access_token") != self.token:
			return 401, {"message": "Not Authorized - Invalid Token"}
		if not path.startswith(prefix):
			return self._error(400, "InvalidUrl", "URL string malformed close to position 1")
		try:
			coords = [tuple(float(x) for x in pair.split(",")) for pair in path[len(prefix) :].split(";")]
		except ValueError:
			return self._error(400, "InvalidQuery", "Query string malformed")
		for lon, lat in coords:
			# longitude first: a latitude of ~-73 would show the order is swapped
			if not (-180 <= lon <= 180 and -90 <= lat <= 90) or (
				len(coords) < 2 and self.flavour == "mapbox"
			):
				return self._error(400, "InvalidInput", "Coordinate is invalid")
		if len(coords) > self.max_coordinates:
			return self._error(
				400,
				"TooManyCoordinates" if self.flavour == "osrm" else "InvalidInput",
				"Too many coordinates",
			)
		annotations = query.get("annotations", "duration").split(",")
		if not set(annotations) <= {"duration", "distance"}:
			return self._error(400, "InvalidOptions", "Options are invalid")
		try:
			sources = (
				[int(i) for i in query["sources"].split(";")] if "sources" in query else range(len(coords))
			)
			dests = (
				[int(i) for i in query["destinations"].split(";")]
				if "destinations" in query
				else range(len(coords))
			)
		except ValueError:
			return self._error(400, "InvalidOptions", "Options are invalid")
		if any(not 0 <= i < len(coords) for i in [*sources, *dests]):
			return self._error(400, "InvalidOptions", "Options are invalid")

		def cell(i, j, kind):
			if i in self.unreachable or j in self.unreachable:
				return None if i != j else 0.0
			m = _metres(coords[i], coords[j])
			return round(m, 1) if kind == "distance" else round(m / self.speed_ms, 1)

		body = {
			"code": "Ok",
			"sources": [{"location": list(coords[i]), "name": "", "distance": 0.0} for i in sources],
			"destinations": [{"location": list(coords[j]), "name": "", "distance": 0.0} for j in dests],
		}
		if "duration" in annotations:
			body["durations"] = [[cell(i, j, "duration") for j in dests] for i in sources]
		if "distance" in annotations:
			body["distances"] = [[cell(i, j, "distance") for j in dests] for i in sources]
		return 200, body
