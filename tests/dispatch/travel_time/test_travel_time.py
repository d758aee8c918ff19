import pytest

from gigafibre_fsm.dispatch.travel_time import (
	GreatCircleTravel,
	MapboxTravel,
	OsrmTravel,
	TravelTimeProvider,
	great_circle_m,
)
from gigafibre_fsm.errors import ExternalServiceError, InvalidInput
from simulators.routing import RoutingDouble

MONTREAL = (45.5019, -73.5674)
LAVAL = (45.6066, -73.7124)
ST_JEROME = (45.7804, -74.0036)


def _grid(n):
	return [(45.4 + 0.01 * (i % 7), -73.9 + 0.013 * (i // 7)) for i in range(n)]


def test_great_circle_distance_is_right():
	# Montréal to Saint-Jérôme is about 46 km as the crow flies
	assert 44_000 < great_circle_m(MONTREAL, ST_JEROME) < 48_000


def test_great_circle_matrix_applies_road_factor_and_speed():
	travel = GreatCircleTravel(road_factor=1.3, speed_kmh=40)
	m = travel.matrix([MONTREAL, LAVAL, ST_JEROME])
	assert isinstance(travel, TravelTimeProvider)
	assert m[0][0] == m[1][1] == 0
	assert m[0][1] == m[1][0]
	expected = great_circle_m(MONTREAL, LAVAL) * 1.3 / (40 / 3.6)
	assert abs(m[0][1] - expected) <= 1
	assert m[0][2] > m[0][1]


def test_great_circle_refuses_nonsense_settings():
	with pytest.raises(InvalidInput):
		GreatCircleTravel(road_factor=0.5)
	with pytest.raises(InvalidInput):
		GreatCircleTravel(speed_kmh=0)


def test_osrm_table_request_and_answer():
	with RoutingDouble("osrm") as double:
		travel = OsrmTravel(double.base_url, timeout=5)
		points = [MONTREAL, LAVAL, ST_JEROME]
		m = travel.matrix(points)
		assert len(double.requests) == 1
		request = double.requests[0]
		# longitude first, six decimals, semicolon separated
		assert (
			request["path"]
			== "/table/v1/driving/-73.567400,45.501900;-73.712400,45.606600;-74.003600,45.780400"
		)
		assert request["query"]["annotations"] == "duration,distance"
		assert m[0][0] == 0 and m[0][1] > 0 and m[0][2] > m[0][1]
		# distances come from the same call (cached)
		d = travel.distances(points)
		assert len(double.requests) == 1
		assert d[0][2] > 40_000


def test_osrm_matrix_is_assembled_in_blocks_over_the_table_limit():
	points = _grid(23)
	with RoutingDouble("osrm", max_coordinates=10) as double:
		m = OsrmTravel(double.base_url, max_coordinates=10).matrix(points)
		assert len(double.requests) > 1
		assert all(len(r["path"].split(";")) <= 10 for r in double.requests)
	with RoutingDouble("osrm") as double:
		whole = OsrmTravel(double.base_url).matrix(points)
	assert m == whole


def test_mapbox_chunks_to_25_coordinates_and_sends_the_token():
	points = _grid(40)
	with RoutingDouble("mapbox", token="pk.secret") as double:
		travel = MapboxTravel("pk.secret", base_url=double.base_url)
		m = travel.matrix(points)
		assert len(double.requests) > 1
		for r in double.requests:
			assert r["path"].startswith("/directions-matrix/v1/mapbox/driving/")
			assert len(r["path"].split(";")) <= 25
			assert r["query"]["access_token"] == "pk.secret"
			assert "sources" in r["query"] and "destinations" in r["query"]
	assert len(m) == 40 and all(len(row) == 40 for row in m)
	assert all(m[i][i] == 0 for i in range(40))
	assert m[0][39] > 0


def test_mapbox_bad_token_is_an_external_service_error():
	with RoutingDouble("mapbox", token="pk.good") as double:
		with pytest.raises(ExternalServiceError) as err:
			MapboxTravel("pk.bad", base_url=double.base_url).matrix([MONTREAL, LAVAL])
	assert "401" in str(err.value)


def test_osrm_refusal_and_unreachable_points_are_external_service_errors():
	with RoutingDouble("osrm") as double:
		double.fail_with = (400, "InvalidQuery")
		with pytest.raises(ExternalServiceError) as err:
			OsrmTravel(double.base_url).matrix([MONTREAL, LAVAL])
		assert "InvalidQuery" in str(err.value)
		double.fail_with = None
		double.unreachable = {1}
		with pytest.raises(ExternalServiceError) as err:
			OsrmTravel(double.base_url).matrix([MONTREAL, LAVAL, ST_JEROME])
		assert err.value.message == "The {service} found no road between {origin} and {destination}"


def test_osrm_down_is_an_external_service_error():
	with RoutingDouble("osrm") as double:
		url = double.base_url
	with pytest.raises(ExternalServiceError):
		OsrmTravel(url, timeout=2).matrix([MONTREAL, LAVAL])
