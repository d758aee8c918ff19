"""Correlating ONU state changes into outages: the streaming correlator against the naive reference.

A synthetic network (OLTs x cards x PON ports x ONUs) and a deterministic stream of changes:
single ONU failures, flapping ONUs, whole PON ports going dark, and cards going dark. Both
correlators get the same stream in the same run; the table shows their times, the ratio, and
whether they took the same decisions.

    .venv/bin/python -m benchmarks.outage_correlation [--quick] [--changes N]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter

from gigafibre_fsm.network.outages import NaiveOutageCorrelator, OnuPlace, OutageCorrelator, Topology


def build_topology(olts=4, cards=8, pons=16, per=64) -> Topology:
	onus = {}
	for o in range(olts):
		for c in range(cards):
			for p in range(pons):
				pon = f"OLT{o}/0/{c}/{p}"
				for n in range(per):
					onus[f"{pon}:{n}"] = OnuPlace(
						pon, f"OLT{o}/0/{c}", f"OLT{o}", f"LOC{o}-{c}-{p}-{n}", f"C{o}-{c}-{p}-{n}"
					)
	return Topology(onus)


def build_stream(topology: Topology, count: int, seed: int = 11) -> list[tuple[str, str, float]]:
	rng = random.Random(seed)
	ids = list(topology.onus)
	by_pon: dict[str, list[str]] = {}
	for onu, place in topology.onus.items():
		by_pon.setdefault(place.pon, []).append(onu)
	pons = sorted(by_pon)
	changes: list[tuple[str, str, float]] = []
	now = 0.0
	while len(changes) < count:
		now += rng.expovariate(1 / 3)
		r = rng.random()
		if r < 0.01:  # a PON port goes dark
			members = by_pon[rng.choice(pons)]
		elif r < 0.0015 + 0.01:  # a card goes dark
			card = rng.choice(pons).rsplit("/", 1)[0]
			members = [o for p in pons if p.startswith(card + "/") for o in by_pon[p]]
		else:
			members = None
		if members:
			back = now + rng.uniform(600, 7200)
			for m in members:
				changes.append((m, "down", now + rng.uniform(0, 60)))
				changes.append((m, "up", back + rng.uniform(0, 300)))
		elif r < 0.1:  # a flapping ONU
			onu = rng.choice(ids)
			for k in range(rng.randint(3, 8)):
				changes += [(onu, "down", now + k * 90), (onu, "up", now + k * 90 + 30)]
		else:
			onu = rng.choice(ids)
			changes += [(onu, "down", now), (onu, "up", now + rng.uniform(30, 20000))]
	return changes[:count]


def main(argv=None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--quick", action="store_true", help="10,000 changes (CI smoke)")
	parser.add_argument("--changes", type=int, default=100_000)
	args = parser.parse_args(argv)
	count = 10_000 if args.quick else args.changes
	topology = build_topology()
	stream = build_stream(topology, count)
	rows = []
	results = {}
	for name, cls in (("streaming correlator", OutageCorrelator), ("naive reference", NaiveOutageCorrelator)):
		start = time.perf_counter()
		decisions = cls(topology).feed(stream)
		rows.append((name, time.perf_counter() - start))
		results[name] = decisions
	fast, naive = results["streaming correlator"], results["naive reference"]
	kinds = Counter(type(d).__name__ for d in fast)
	print(
		f"Outage correlation: {len(stream)} changes over {len(topology.onus)} ONUs, {len(topology.pon_size)} PON ports"
	)
	print(f"{'correlator':24} {'seconds':>8} {'changes/s':>11}")
	for name, seconds in rows:
		print(f"{name:24} {seconds:>8.3f} {len(stream) / seconds:>11.0f}")
	print(f"ratio naive / streaming: {rows[1][1] / rows[0][1]:.1f}x; same decisions: {fast == naive}")
	print("decisions: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
	print("goal: streaming <= 1 s for 100,000 changes")
	return 0 if fast == naive else 1


if __name__ == "__main__":
	sys.exit(main())
