"""A deliberately simple reference for the correlator: same rules, windows recomputed by scanning.

It keeps one global history of downs and, at every down, scans back through all of the last
`window_s` seconds of it (every port's downs, not just this port's), and through the ONU's whole
down history for flapping: the textbook sliding window without per-node structures, O(n x w).
Tests check that both give the same decisions on random streams; the benchmark measures the gap.
"""

from __future__ import annotations

from .correlation import OutageCorrelator


class NaiveOutageCorrelator(OutageCorrelator):
	def __init__(self, *args, **kwargs):
		super().__init__(*args, **kwargs)
		self._history: list = []

	def _flap_downs(self, onu, at: float) -> int:
		onu.downs.append(at)  # the whole history, never trimmed
		limit = at - self.policy.flap_window_s
		return sum(1 for t in onu.downs if t >= limit)

	def _window(self, pon, at: float) -> list[str]:
		limit = at - self.policy.window_s
		found = set()
		for i in range(len(self._history) - 1, -1, -1):
			t, onu_id, onu, where = self._history[i]
			if t < limit:
				break
			if where is pon and onu.down and onu.down_since == t and not onu.flapping:
				found.add(onu_id)
		return sorted(found)

	def _count_recent(self, pon, onu_id, onu, at: float) -> int:
		self._history.append((at, onu_id, onu, pon))
		return len(self._window(pon, at))

	def _recent_down(self, pon, at: float) -> list[str]:
		return self._window(pon, at)

	def _uncount(self, pon, onu) -> None:
		pass
