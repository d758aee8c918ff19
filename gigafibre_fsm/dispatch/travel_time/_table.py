"""Block-wise assembly of a big matrix from a routing service that limits coordinates per call."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .protocol import Point

# fetch(coordinates, sources, destinations) -> (durations, distances) for those rows/columns
Fetch = Callable[[list[Point], list[int], list[int]], tuple[list[list], list[list] | None]]


def assemble(points: Sequence[Point], max_coordinates: int, fetch: Fetch) -> tuple[list[list], list[list]]:
	"""Call `fetch` on blocks of at most `max_coordinates` points and stitch the full matrices."""
	n = len(points)
	durations = [[0] * n for _ in range(n)]
	distances = [[0] * n for _ in range(n)]
	if n <= 1:
		return durations, distances
	if n <= max_coordinates:
		blocks_src = blocks_dst = [list(range(n))]
		pairs = [(blocks_src[0], blocks_dst[0])]
	else:
		half = max_coordinates // 2
		src_blocks = [list(range(i, min(n, i + half))) for i in range(0, n, half)]
		dst_size = max_coordinates - half
		dst_blocks = [list(range(i, min(n, i + dst_size))) for i in range(0, n, dst_size)]
		pairs = [(s, d) for s in src_blocks for d in dst_blocks]
	for src, dst in pairs:
		if src is dst:
			coords = [points[i] for i in src]
			sources = destinations = list(range(len(src)))
		else:
			coords = [points[i] for i in src] + [points[j] for j in dst]
			sources = list(range(len(src)))
			destinations = list(range(len(src), len(src) + len(dst)))
		dur, dist = fetch(coords, sources, destinations)
		for a, i in enumerate(src):
			for b, j in enumerate(dst):
				durations[i][j] = dur[a][b]
				distances[i][j] = dist[a][b] if dist is not None else 0
	for i in range(n):
		durations[i][i] = 0
		distances[i][i] = 0
	return durations, distances
