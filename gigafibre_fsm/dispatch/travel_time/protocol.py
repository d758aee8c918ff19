"""The shape every travel-time provider has."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

Point = tuple[float, float]
"""(latitude, longitude) in decimal degrees (WGS 84)."""


@runtime_checkable
class TravelTimeProvider(Protocol):
	"""Something that knows how long it takes to drive between points."""

	def matrix(self, points: Sequence[Point]) -> list[list[int]]:
		"""Driving seconds from every point (row) to every point (column); the diagonal is 0."""
		...


def distance_matrix(provider: TravelTimeProvider, points: Sequence[Point]) -> list[list[int]] | None:
	"""Driving metres between points when the provider knows them (else None)."""
	distances = getattr(provider, "distances", None)
	if distances is None:
		return None
	return distances(points)
