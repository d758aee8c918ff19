"""Local doubles of road-routing services (OSRM `table`, Mapbox Directions Matrix).

They answer in the services' real JSON shape, with durations and distances computed from
great-circle distance, check what they are sent (coordinate order and count, the
`sources`/`destinations`/`annotations` parameters, Mapbox's token) and record every request.
"""

from .server import RoutingDouble

__all__ = ["RoutingDouble"]
