"""A deliberately simple reference for the correlator: same rules, windows recomputed by scanning.

Each down event rescans the PON port's down ONUs and the ONU's whole down history, so a burst
of n changes costs O(n^2). Tests check that both give the same decisions on random streams;
the benchmark measures the gap.
"""

from __future__ import annotations

from .correlation import OutageCorrelator


class NaiveOutageCorrelator(OutageCorrelator):
	def _flap_downs(self, onu, at: float) -> int:
		onu.downs.append(at)  # the whole history, never trimmed
		limit = at - self.policy.flap_window_s
		return sum(1 for t in onu.downs if t >= limit)

	def _count_recent(self, pon, onu_id, onu, at: float) -> int:
		limit = at - self.policy.window_s
		return sum(1 for o in pon.down if self._onus[o].down_since >= limit)

	def _recent_down(self, pon, at: float) -> list[str]:
		limit = at - self.policy.window_s
		return sorted(o for o in pon.down if self._onus[o].down_since >= limit)

	def _uncount(self, pon, onu) -> None:
		pass
