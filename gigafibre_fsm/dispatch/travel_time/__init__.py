"""Travel times between points, from a pluggable provider.

`GreatCircleTravel` needs nothing (the default); `OsrmTravel` and `MapboxTravel` ask a
road-network service when one is configured.
"""

from .great_circle import GreatCircleTravel, great_circle_m
from .protocol import Point, TravelTimeProvider, distance_matrix
from .road_network import MapboxTravel, OsrmTravel

__all__ = [
	"GreatCircleTravel",
	"MapboxTravel",
	"OsrmTravel",
	"Point",
	"TravelTimeProvider",
	"distance_matrix",
	"great_circle_m",
]
